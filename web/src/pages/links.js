// The link view: a case's entities and the hits that connect them to other
// cases, as a force-directed graph (d3-force, drawn as SVG) and as tables.
// Of a hit on a case the user cannot see, the server gives only the other
// organisation and the kind of attribute matched: that is all we show.
import './views.css';
import { forceSimulation, forceLink, forceManyBody, forceCenter, forceCollide, forceX, forceY } from 'd3-force';
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, s, replace, field, load, title, link, table, badge } from '../ui.js';
import { navigate } from '../router.js';
import { label, countryName } from './views-common.js';

export function linkView(main, params, query) {
  const ctl = new AbortController();
  const body = h('div');
  const pickBox = h('div');
  main.append(title(t('links.title')), h('p', { class: 'lead' }, t('links.intro')), pickBox, body);
  load(body, async () => {
    const list = await api.get('cases' + qs({ limit: 200 }), { signal: ctl.signal });
    const cases = Array.isArray(list) ? list : list.items || [];
    if (!cases.length) return h('p', { class: 'empty' }, t('links.nocases'));
    const want = query.get('case');
    const chosen = cases.find((c) => String(c.id) === want || c.reference === want) || cases[0];
    const pick = field(t('links.case'), 'case', { type: 'select', value: String(chosen.id),
      options: cases.map((c) => [String(c.id), `${c.reference} — ${c.title}`]) });
    replace(pickBox, h('form', { class: 'filters', onsubmit: (e) => {
      e.preventDefault();
      navigate('/links' + qs({ case: pick.input.value }));
    } }, pick, h('button', { type: 'submit' }, t('links.show'))));
    const [entities, hits] = await Promise.all([
      api.get('cases/' + chosen.id + '/entities', { signal: ctl.signal }),
      api.get('hits' + qs({ case: chosen.id, limit: 1000 }), { signal: ctl.signal }),
    ]);
    return graphView(chosen, entities || [], hits || [], ctl.signal);
  });
  return () => ctl.abort();
}

// Nodes and edges from the case's entities and hits.
function buildGraph(kase, entities, hits) {
  const nodes = new Map();
  for (const e of entities)
    nodes.set('e' + e.id, { id: 'e' + e.id, type: 'own', label: e.label, kind: e.kind, caseRef: e.case_reference || kase.reference,
      org: kase.requesting_org, entity: e });
  const edges = [];
  for (const hit of hits) {
    const sides = [hit.a || {}, hit.b || {}];
    let ours = sides.findIndex((x) => x.visible && String(x.case_id) === String(kase.id));
    if (ours < 0) continue;
    const mine = sides[ours], other = sides[1 - ours];
    const src = 'e' + (mine.entity || {}).id;
    if (!nodes.has(src)) nodes.set(src, { id: src, type: 'own', label: (mine.entity || {}).label, kind: (mine.entity || {}).kind,
      caseRef: mine.case, org: mine.org });
    let dst;
    if (other.visible && other.entity) {
      dst = 'e' + other.entity.id;
      if (!nodes.has(dst)) nodes.set(dst, { id: dst, type: 'other', label: other.entity.label, kind: other.entity.kind,
        caseRef: other.case, caseId: other.case_id, org: other.org });
    } else {
      // Only the organisation and the attribute kind: nothing else is known here.
      dst = 'h' + hit.id;
      nodes.set(dst, { id: dst, type: 'hidden', label: t('links.hidden', { org: other.org }), short: t('links.hidden.short', { org: other.org }),
        org: other.org, attr: hit.attr });
    }
    edges.push({ id: hit.id, source: src, target: dst, attr: hit.attr, score: typeof hit.score === 'number' ? hit.score : null,
      review: hit.review, state: hit.state, explanation: hit.explanation || null });
  }
  return { nodes: [...nodes.values()], edges };
}

// The drawing's units are CSS pixels of its box, up to 760 wide: on a phone
// the layout is made for the phone's width (and taller), not a 760 px drawing
// shrunk until its captions cannot be read. It is made again when the box
// changes width (a window resized, a phone turned).
const W_MAX = 760, W_MIN = 300, R = 16;
function size(boxWidth) {
  const w = Math.round(Math.max(W_MIN, Math.min(W_MAX, boxWidth || W_MAX)));
  return { W: w, H: w >= 600 ? 480 : Math.round(Math.max(420, w * 1.35)) };
}

// Places the nodes (deterministic: d3-force starts them on a phyllotaxis and
// jiggles with a seeded generator), each kept far enough from the edges for
// its caption (about 4.3 px either side of the centre per character at 13 px).
function layout(nodes, edges, W, H) {
  for (const n of nodes) { delete n.x; delete n.y; delete n.vx; delete n.vy; }
  const simEdges = edges.map((e) => ({ ...e }));
  const narrow = W < 600;
  const sim = forceSimulation(nodes)
    .force('link', forceLink(simEdges).id((d) => d.id).distance(narrow ? Math.max(80, W / 3.2) : 130))
    .force('charge', forceManyBody().strength(narrow ? -300 : -420))
    .force('center', forceCenter(W / 2, H / 2))
    .force('x', forceX(W / 2).strength(narrow ? 0.08 : 0.05)).force('y', forceY(H / 2).strength(narrow ? 0.04 : 0.08))
    .force('collide', forceCollide(R * 2.6))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();
  for (const n of nodes) {
    const half = Math.min(W / 2 - 2, Math.max(R + 8, caption(n).length * 4.3 + 6));
    n.x = Math.max(half, Math.min(W - half, n.x));
    n.y = Math.max(R + 8, Math.min(H - R - 22, n.y));
  }
  return simEdges;
}

function caption(n) { return n.short || short(n.label); }

function graphView(kase, entities, hits, signal) {
  const { nodes, edges } = buildGraph(kase, entities, hits);
  const byId = new Map(nodes.map((n) => [n.id, n]));

  const details = h('div', { class: 'link-details', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('links.details.none')));
  let nodeEls = [];
  let svg = null;
  let selected = null;
  let drawnW = 0;

  function mark() {
    if (!svg) return;
    const id = selected ? selected.id : null;
    for (const el of nodeEls) el.setAttribute('aria-pressed', el.dataset.node === id ? 'true' : 'false');
    for (const el of svg.querySelectorAll('.edge')) el.classList.toggle('on', !!id && (el.dataset.source === id || el.dataset.target === id));
  }

  function select(n, focus) {
    selected = n;
    mark();
    replace(details, nodeDetails(n, edges, byId, select));
    if (focus) nodeEls.find((el) => el.dataset.node === n.id)?.focus();
  }

  function draw(W, H) {
    const simEdges = layout(nodes, edges, W, H);
    const edgeEls = simEdges.map((e) => {
      const a = e.source, b = e.target;
      // The label at the middle of the line, kept inside the drawing (about 3.5 px per character at 12 px).
      const half = edgeText(e).length * 3.5 + 4;
      const mx = Math.max(half, Math.min(W - half, (a.x + b.x) / 2)), my = (a.y + b.y) / 2;
      return s('g', { class: ['edge', 'review-' + e.review, e.state === 'lapsed' && 'lapsed'], 'data-source': a.id, 'data-target': b.id,
        'data-hit': e.id },
      s('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y }),
      s('text', { x: mx, y: my - 4, 'text-anchor': 'middle', class: 'halo' }, edgeText(e)),
      s('text', { x: mx, y: my - 4, 'text-anchor': 'middle' }, edgeText(e)));
    });
    nodeEls = [];
    const focused = document.activeElement && svg && svg.contains(document.activeElement) ? document.activeElement.dataset.node : null;
    const next = s('svg', { class: 'link-graph', viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-labelledby': 'links-graph-t',
      dataset: { width: String(W) } },
    s('title', { id: 'links-graph-t' }, t('links.graph.alt', { ref: kase.reference, n: nodes.length, m: edges.length })),
    s('g', { class: 'edges' }, edgeEls),
    s('g', { class: 'nodes' }, nodes.map((n, i) => {
      // The accessible name starts with the caption shown (WCAG 2.5.3), then says it all.
      const cap = caption(n);
      const name = nodeName(n).includes(cap) ? nodeName(n) : cap + ': ' + nodeName(n);
      const g = s('g', { class: ['node', 'node-' + n.type], tabindex: '0', role: 'button', 'aria-pressed': 'false',
        'aria-label': name, 'data-node': n.id, transform: `translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})`,
        onclick: () => select(n, true),
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(n, false); return; }
          const d = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
          if (d) { e.preventDefault(); nodeEls[(i + d + nodeEls.length) % nodeEls.length].focus(); }
        } },
      shape(n.type),
      s('text', { class: 'haloed', y: R + 14, 'text-anchor': 'middle' }, cap));
      nodeEls.push(g);
      return g;
    })));
    if (svg) svg.replaceWith(next); else graphBox.append(next);
    svg = next;
    drawnW = W;
    mark();
    if (focused) nodeEls.find((el) => el.dataset.node === focused)?.focus();
  }

  const graphBox = h('div', { class: 'graph-box' });
  // Drawn once the box is in the page and has a width, and again when that changes.
  const redraw = () => {
    const w = svg ? svg.clientWidth : graphBox.clientWidth;
    if (!w) return;
    const { W, H } = size(w);
    // Not for a few pixels (a scroll bar coming and going): only when the scale would change the text's size.
    if (Math.abs(W - drawnW) > drawnW * 0.08) draw(W, H);
  };
  if (typeof ResizeObserver === 'function') {
    const ro = new ResizeObserver(() => redraw());
    ro.observe(graphBox);
    if (signal) signal.addEventListener('abort', () => ro.disconnect());
  }
  // Until then (or without ResizeObserver), the wide drawing.
  draw(W_MAX, size(W_MAX).H);

  const legend = h('ul', { class: 'legend link-legend' },
    h('li', legendShape('own'), ' ', t('links.legend.own', { ref: kase.reference })),
    h('li', legendShape('other'), ' ', t('links.legend.other')),
    h('li', legendShape('hidden'), ' ', t('links.legend.hidden')),
    h('li', t('links.legend.edge')));

  const nodeTable = table([
    { label: t('links.col.name'), cell: (n) => h('button', { type: 'button', class: 'linklike', onclick: () => select(n, true) }, n.label) },
    { label: t('links.col.type'), cell: (n) => t('links.type.' + n.type) },
    { label: t('links.col.kind'), cell: (n) => (n.type === 'hidden' ? '—' : label('entity.kind', n.kind)) },
    { label: t('links.col.case'), cell: (n) => (n.type === 'hidden' ? t('links.undisclosed') : n.caseRef || '') },
    { label: t('links.col.org'), cell: (n) => n.org || '' },
  ], nodes, { class: 'stack', label: t('links.nodes'), empty: t('links.noentities') });
  const edgeTable = table([
    { label: t('links.col.hit'), cell: (e) => String(e.id), class: 'num' },
    { label: t('links.col.from'), cell: (e) => byId.get(e.source)?.label || '' },
    { label: t('links.col.to'), cell: (e) => byId.get(e.target)?.label || '' },
    { label: t('links.col.attr'), cell: (e) => label('links.attr', e.attr) },
    { label: t('links.col.score'), cell: (e) => scoreText(e), class: 'num' },
    { label: t('links.col.status'), cell: (e) => statusBadge(e) },
  ], edges, { class: 'stack', label: t('links.edges'), empty: t('links.nohits') });

  return h('div', { class: 'links' },
    h('div', { class: 'links-layout' },
      h('section', { class: 'card graph-card', 'aria-labelledby': 'links-graph-h' },
        h('h2', { id: 'links-graph-h' }, t('links.graph', { ref: kase.reference })),
        h('p', { class: 'muted help' }, t('links.keys')),
        graphBox, legend),
      h('section', { class: 'card', 'aria-labelledby': 'links-details-h' },
        h('h2', { id: 'links-details-h' }, t('links.details')), details)),
    h('section', { 'aria-labelledby': 'links-nodes-h' }, h('h2', { id: 'links-nodes-h' }, t('links.nodes')), nodeTable),
    h('section', { 'aria-labelledby': 'links-edges-h' }, h('h2', { id: 'links-edges-h' }, t('links.edges')), edgeTable));
}

function shape(type) {
  if (type === 'own') return s('circle', { r: R, class: 'shape' });
  if (type === 'other') return s('rect', { x: -R, y: -R, width: 2 * R, height: 2 * R, rx: 3, class: 'shape' });
  return s('path', { d: `M0 ${-R - 3} L${R + 3} 0 L0 ${R + 3} L${-R - 3} 0 Z`, class: 'shape' });
}
function legendShape(type) {
  return s('svg', { viewBox: `${-R - 4} ${-R - 4} ${2 * R + 8} ${2 * R + 8}`, width: 18, height: 18, class: 'node-' + type, 'aria-hidden': 'true' }, shape(type));
}
function short(x) { const v = String(x || ''); return v.length > 22 ? v.slice(0, 21) + '…' : v; }
function scoreText(e) { return e.score === null ? t('links.score.hidden') : e.score.toFixed(2); }
function edgeText(e) { return `${label('links.attr', e.attr)}${e.score === null ? '' : ' ' + e.score.toFixed(2)}`; }
function statusText(e) { return t('links.review.' + e.review) + (e.state === 'lapsed' ? ', ' + t('links.lapsed') : ''); }
function statusBadge(e) { return badge(statusText(e), e.review === 'confirmed' ? 'ok' : e.review === 'dismissed' ? 'bad' : 'warn'); }

function nodeName(n) {
  if (n.type === 'hidden') return t('links.node.hidden', { org: n.org, attr: label('links.attr', n.attr) });
  return t('links.node', { label: n.label, kind: label('entity.kind', n.kind), ref: n.caseRef || '' });
}

function attrText(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.name || x.value || x.number || JSON.stringify(x) : String(x))).join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function nodeDetails(n, edges, byId, select) {
  const mine = edges.filter((e) => e.source === n.id || e.target === n.id);
  const props = n.type === 'hidden'
    ? [h('dt', t('links.col.org')), h('dd', `${n.org}${countryName(n.org) !== n.org ? ' (' + countryName(n.org) + ')' : ''}`),
      h('dt', t('links.col.attr')), h('dd', label('links.attr', n.attr)),
      h('dt', t('links.col.case')), h('dd', t('links.undisclosed'))]
    : [h('dt', t('links.col.kind')), h('dd', label('entity.kind', n.kind)),
      h('dt', t('links.col.case')), h('dd', n.caseId ? link('/cases/' + n.caseId, n.caseRef) : n.caseRef),
      n.org && [h('dt', t('links.col.org')), h('dd', n.org)],
      n.entity && Object.entries(n.entity.attrs || {}).map(([k, v]) => [h('dt', label('entity.attr', k)), h('dd', attrText(v))])];
  return h('div', { class: 'node-details', dataset: { node: n.id } },
    h('h3', n.label),
    n.type === 'hidden' && h('p', { class: 'muted' }, t('links.hidden.explain')),
    h('dl', { class: 'props' }, props),
    h('h4', t('links.details.hits', { n: mine.length })),
    mine.length ? h('ul', mine.map((e) => {
      const other = byId.get(e.source === n.id ? e.target : e.source);
      return h('li', h('button', { type: 'button', class: 'linklike', onclick: () => select(other, true) }, other.label), ' — ',
        label('links.attr', e.attr), ', ', t('links.col.score').toLowerCase(), ' ', scoreText(e), ', ', statusText(e),
        e.explanation && h('div', { class: 'muted' }, e.explanation));
    })) : h('p', { class: 'empty' }, t('links.nohits')),
    n.type === 'own' && n.entity && h('p', link('/cases/' + n.entity.case_id, t('links.opencase', { ref: n.caseRef }))));
}
