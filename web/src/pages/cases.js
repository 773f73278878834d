// Cases: the list with its filters (kept in the URL query) and a case's page
// with tabs (overview, JITs, evidence, entities, hits, requests, timeline).
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, title, table, load, link, field, replace, notice, errorBox, tabs, fmtDate,
  fmtTime, fmtBytes, badge } from '../ui.js';
import { session } from '../session.js';
import { dispatch } from '../router.js';
import { crimeTypes, crimeLabel, caseSeg, caseLink, statusBadge, props, setQuery, queryObject, bundleExport,
  jitExpiryBadge, integrityBadge, deadlineBadge, requestKind, label, orgs, pagedList } from './records-common.js';
import { uploadForm } from './records-upload.js';
import { sharedEvidence } from './dashboard.js';
import { newCasePage, setFlash, takeFlash, canManage, participantActions, manageForms } from './forms-cases-case.js';
import { entityForms, accessRequest } from './forms-cases-entities.js';
import { canManageRole } from './forms-cases-common.js';

const FILTERS = ['status', 'crime_type', 'country', 'q'];

export function caseList(main, params, query) {
  if (query.get('new') === '1') return newCasePage(main);
  const f = queryObject(query, FILTERS);
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const status = field(t('cases.filter.status'), 'status', { type: 'select', value: f.status || '',
    options: [['', t('common.all')], ['open', t('case.status.open')], ['closed', t('case.status.closed')],
      ['archived', t('case.status.archived')]] });
  const crime = field(t('cases.filter.crime'), 'crime_type', { type: 'select', value: f.crime_type || '',
    options: [['', t('common.all')]] });
  const country = field(t('cases.filter.country'), 'country', { type: 'select', value: f.country || '',
    options: [['', t('common.all')]] });
  const q = field(t('cases.filter.q'), 'q', { type: 'search', value: f.q || '' });
  crimeTypes().then((types) => {
    for (const ct of types) crime.input.append(h('option', { value: ct.code, selected: ct.code === f.crime_type }, ct.label));
  }).catch(() => {});
  orgs().then((all) => {
    const cs = [...new Set(all.map((o) => o.country).filter(Boolean))].sort();
    for (const c of cs) country.input.append(h('option', { value: c, selected: c === f.country }, c));
  }).catch(() => {});

  function current() {
    return { status: status.input.value, crime_type: crime.input.value, country: country.input.value,
      q: q.input.value.trim() };
  }
  async function show(filters) {
    setQuery('/cases', filters);
    let after = null;
    const rows = [];
    const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => page() });
    more.textContent = t('common.more');
    const holder = h('div');
    async function page() {
      const [r, types] = await Promise.all([api.get('cases' + qs({ ...filters, limit: 50, after })), crimeTypes()]);
      rows.push(...(r.items || []));
      after = r.next;
      more.hidden = !after;
      replace(holder, h('p', { class: 'count' }, t('cases.count', { n: r.count ?? rows.length })),
        table([
          { label: t('case.col.reference'), cell: (c) => caseLink(c.id, c.reference) },
          { label: t('case.col.title'), cell: (c) => c.title },
          { label: t('case.col.crimes'), cell: (c) => (c.crime_types || []).map((x) => crimeLabel(types, x)).join(', ') },
          { label: t('case.col.requesting'), cell: (c) => c.requesting_org },
          { label: t('case.col.participants'), cell: (c) => (c.participants || []).map((p) => p.org).join(', ') },
          { label: t('case.col.opened'), cell: (c) => fmtDate(c.opened_on) },
          { label: t('case.col.status'), cell: (c) => statusBadge(c.status) },
        ], rows, { class: 'stack', label: t('cases.title'), empty: t('cases.none') }));
    }
    await load(results, async () => { await page(); return h('div', holder, more); });
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('cases.filters'), onsubmit: (e) => {
    e.preventDefault(); show(current());
  } }, status, crime, country, q, h('button', { type: 'submit' }, t('common.filter')));
  for (const s of [status, crime, country]) s.input.addEventListener('change', () => show(current()));
  const shared = h('div');
  main.append(title(t('cases.title'), canManageRole() && link('/cases?new=1', t('fcs.case.new'), { class: 'button' })), form, results,
    h('section', { 'aria-labelledby': 'shared-h' }, h('h2', { id: 'shared-h' }, t('dash.shared')), shared));
  show(f);
  load(shared, sharedEvidence);
}

// ---- A case's page ----------------------------------------------------------

const TABS = ['overview', 'jits', 'evidence', 'entities', 'hits', 'requests', 'timeline'];

export function casePage(main, params, query) {
  const id = params.id;
  const seg = caseSeg(id);
  let cleanups = [];
  const body = h('div');
  main.append(body);
  (async () => {
    let c, types;
    try {
      [c, types] = await Promise.all([api.get('cases/' + seg), crimeTypes()]);
    } catch (e) {
      replace(body, title(t('case.title.unknown')), e.status === 404 || e.status === 403
        ? notice(t('case.notvisible'), 'error') : errorBox(e));
      return;
    }
    const me = session.user || {};
    const mine = (c.participants || []).find((p) => p.org === me.org);
    const canContribute = mine && mine.access !== 'observer' && me.role !== 'observer' && c.status === 'open';
    const render = {
      overview: (p) => overview(p, c, types, (text) => { setFlash(text); dispatch(); }, (nc) => { c = nc; }),
      jits: (p) => jitsTab(p, c),
      evidence: (p) => evidenceTab(p, c, canContribute, cleanups),
      entities: (p) => entitiesTab(p, c, canContribute),
      hits: (p) => hitsTab(p, c),
      requests: (p) => requestsTab(p, c),
      timeline: (p) => timelineTab(p, c),
    };
    const sel = TABS.includes(query.get('tab')) ? query.get('tab') : 'overview';
    replace(body, title(c.reference + ' · ' + c.title, statusBadge(c.status)), takeFlash(),
      tabs(TABS.map((k) => ({ id: k, label: t('case.tab.' + k), render: render[k] })), sel,
        (tab) => { for (const fn of cleanups) fn(); cleanups = []; setQuery('/cases/' + seg, { tab: tab === 'overview' ? '' : tab }); }));
  })();
  return () => { for (const fn of cleanups) fn(); };
}

function overview(panel, c, types, reopen, changed) {
  const msg = h('div', { class: 'form-msg' });
  const done = async (text) => {
    try {
      c = await api.get('cases/' + caseSeg(c.id));
      if (changed) changed(c);
      overview(panel, c, types, reopen, changed);
      const n = notice(text, 'ok');
      n.tabIndex = -1;
      panel.querySelector('.form-msg').append(n);
      n.focus();
    } catch (e) { replace(msg, errorBox(e)); }
  };
  const manager = canManage(c);
  replace(panel,
    props([
      [t('case.reference'), c.reference],
      [t('case.titlefield'), c.title],
      [t('case.status'), statusBadge(c.status)],
      [t('case.crimes'), (c.crime_types || []).map((x) => crimeLabel(types, x)).join(', ')],
      [t('case.requesting'), c.requesting_org],
      [t('case.opened'), fmtDate(c.opened_on)],
      [t('case.closed'), fmtDate(c.closed_on)],
      [t('case.retention'), fmtDate(c.retention_review_on)],
    ]),
    h('h2', t('case.participants')),
    table([
      { label: t('participant.col.org'), cell: (p) => p.org },
      { label: t('participant.col.name'), cell: (p) => p.name },
      { label: t('participant.col.kind'), cell: (p) => label('org.kind', p.kind) },
      { label: t('participant.col.access'), cell: (p) => label('participant.access', p.access) },
      { label: t('participant.col.ref'), cell: (p) => p.national_ref || '' },
      { label: t('participant.col.joined'), cell: (p) => fmtDate(p.joined_at) },
      manager && { label: t('fcs.part.col.actions'), cell: (p) => participantActions(c, p, done, msg) },
    ].filter(Boolean), c.participants, { class: 'stack', label: t('case.participants') }),
    msg,
    manageForms(c, done, reopen));
}

function jitsTab(panel, c) {
  replace(panel, table([
    { label: t('jit.col.name'), cell: (j) => link('/jits/' + j.id, j.name) },
    { label: t('jit.col.expires'), cell: (j) => [fmtDate(j.expires_on), ' ', jitExpiryBadge(j.expires_on)] },
  ], c.jits, { class: 'stack', label: t('case.tab.jits'), empty: t('case.jits.none') }));
}

const EVIDENCE_PAGE = 100;

function evidenceTab(panel, c, canContribute, cleanups) {
  // A bundle for a court: a contributor's, the case open or closed (the server's rule).
  const me = session.user || {};
  const mine = (c.participants || []).find((p) => p.org === me.org);
  const mayExport = !!mine && mine.access !== 'observer' && me.role !== 'observer';
  const list = h('div');
  function refresh() {
    return load(list, async () => {
      const items = pagedList('cases/' + caseSeg(c.id) + '/evidence', 'id', EVIDENCE_PAGE, (rows) => table([
        { label: t('evidence.col.title'), cell: (e) => link('/evidence/' + e.id, e.title || e.original_name || '#' + e.id) },
        { label: t('evidence.col.kind'), cell: (e) => label('evidence.kind', e.kind) },
        { label: t('evidence.col.originator'), cell: (e) => e.originator },
        { label: t('evidence.col.size'), cell: (e) => fmtBytes(e.size), class: 'num' },
        { label: t('evidence.col.registered'), cell: (e) => fmtTime(e.registered_at) },
        { label: t('evidence.col.integrity'), cell: (e) => e.erased_at ? badge(t('evidence.erased'), 'bad') : integrityBadge(e.integrity) },
      ], rows, { class: 'stack', label: t('case.tab.evidence'), empty: t('case.evidence.none') }));
      await items.first();
      // All the items, loaded or not: the server takes every one the user sees.
      return h('div', items.node,
        mayExport && items.rows.some((e) => !e.erased_at) && bundleExport(c.id, null, t('evidence.bundle.all')));
    });
  }
  replace(panel, list);
  refresh();
  if (canContribute) {
    const up = uploadForm(c, () => refresh());
    cleanups.push(up.abort);
    panel.append(up.node);
  }
}

// Each tab loads into a box of its own: a late answer for a tab left meanwhile
// then lands in a detached box, never over the tab now shown.
function box(panel) { const b = h('div'); replace(panel, b); return b; }

function entitiesTab(panel, c, canContribute) {
  const b = h('div');
  replace(panel, b);
  if (canContribute) panel.append(entityForms(c, () => refresh()));
  const refresh = () => load(b, async () => {
    const ents = await api.get('cases/' + caseSeg(c.id) + '/entities');
    const list = Array.isArray(ents) ? ents : ents.items || [];
    return table([
      { label: t('entity.col.kind'), cell: (e) => label('entity.kind', e.kind) },
      { label: t('entity.col.label'), cell: (e) => e.label },
      { label: t('entity.col.names'), cell: (e) => ((e.attrs && e.attrs.names) || []).map((n) => n.name).join('; ') },
      { label: t('entity.col.ids'), cell: (e) => ((e.attrs && e.attrs.identifiers) || []).map((x) => x.type + ': ' + (x.as_written || x.value)).join('; ') },
      { label: t('entity.col.by'), cell: (e) => e.created_by },
    ], list, { class: 'stack', label: t('case.tab.entities'), empty: t('case.entities.none') });
  });
  refresh();
}

function hitSide(s) {
  if (!s) return '';
  if (!s.visible) return t('hit.hidden', { org: s.org });
  return [s.org, ' · ', link('/cases/' + s.case_id, s.case), s.entity ? ' · ' + s.entity.label : ''];
}

function hitsTab(panel, c) {
  const me = session.user || {};
  const msg = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  // Why a hit was confirmed or dismissed, kept with the review (as 'hits confirm --note').
  const note = me.role === 'observer' ? null
    : field(t('hit.note'), 'hit-note', { help: t('hit.note.help'), attrs: { maxlength: '2000' } });
  replace(panel, msg, note, list);
  const refresh = () => load(list, async () => {
    const hits = await api.get('hits' + qs({ case: c.id, limit: 1000 }));
    return table([
      { label: t('hit.col.attr'), cell: (x) => label('hit.attr', x.attr) },
      { label: t('hit.col.ours'), cell: (x) => hitSide(x.a && x.a.case_id === c.id ? x.a : x.b) },
      { label: t('hit.col.other'), cell: (x) => hitSide(x.a && x.a.case_id === c.id ? x.b : x.a) },
      { label: t('hit.col.found'), cell: (x) => fmtTime(x.found_at) },
      { label: t('hit.col.review'), cell: (x) => {
        const ours = x.a && x.a.case_id === c.id ? x.a : x.b;
        return [badge(label('hit.review', x.review), x.review === 'confirmed' ? 'ok' : x.review === 'dismissed' ? 'info' : 'warn'),
          ours && ours.note ? h('div', { class: 'muted' }, ours.note) : null];
      } },
      { label: t('hit.col.actions'), cell: (x) => {
        const mySide = [x.a, x.b].some((s) => s && s.visible && s.org === me.org);
        if (!mySide || me.role === 'observer') return '';
        const other = x.a && x.a.case_id === c.id ? x.b : x.a;
        const ask = other && !other.visible ? accessRequest(x, other, (text) => { refresh(); replace(msg, notice(text, 'ok')); }) : null;
        const act = (what) => async () => {
          try {
            const text = note ? note.input.value.trim() : '';
            await api.post('hits/' + x.id + '/' + what, text ? { note: text } : {});
            if (note) note.input.value = '';
            replace(msg, notice(t('hit.' + what + '.done'), 'ok'));
            refresh();
          } catch (e) { replace(msg, errorBox(e)); }
        };
        return h('div', { class: 'actions' },
          x.review !== 'confirmed' && h('button', { type: 'button', onclick: act('confirm'),
            'aria-label': t('hit.confirm.label', { id: x.id }) }, t('hit.confirm')),
          x.review !== 'dismissed' && h('button', { type: 'button', class: 'secondary', onclick: act('dismiss'),
            'aria-label': t('hit.dismiss.label', { id: x.id }) }, t('hit.dismiss')), ask);
      } },
    ], hits, { class: 'stack', label: t('case.tab.hits'), empty: t('case.hits.none') });
  });
  refresh();
}

export function nextDeadline(r) {
  const open = (r.deadlines || []).filter((d) => d.state === 'open');
  if (open.length) return open.sort((a, b) => String(a.due_on).localeCompare(String(b.due_on)))[0];
  return (r.deadlines || []).slice(-1)[0] || null;
}

export function requestTable(list, opts = {}) {
  return table([
    { label: t('request.col.title'), cell: (r) => link('/requests/' + r.id, r.title) },
    { label: t('request.col.kind'), cell: (r) => requestKind(r.kind) },
    !opts.noCase && { label: t('request.col.case'), cell: (r) => r.case_visible === false ? r.case_reference : link('/cases/' + r.case_id, r.case_reference) },
    { label: t('request.col.route'), cell: (r) => r.issuing_org + ' → ' + r.executing_org },
    { label: t('request.col.status'), cell: (r) => label('request.status', r.status) },
    { label: t('request.col.deadline'), cell: (r) => {
      const d = nextDeadline(r);
      return d ? [fmtDate(d.due_on), ' ', deadlineBadge(d)] : '';
    } },
  ].filter(Boolean), list, { class: 'stack', label: opts.label, empty: opts.empty || t('requests.none') });
}

function requestsTab(panel, c) {
  load(box(panel), async () => {
    const r = await api.get('requests' + qs({ case: c.reference }));
    return requestTable(Array.isArray(r) ? r : r.items || [], { noCase: true, label: t('case.tab.requests') });
  });
}

// The page of a timeline's record, where it has one.
const EVENT_PAGES = {
  case: (id) => '/cases/' + id,
  evidence: (id) => '/evidence/' + id,
  request: (id) => '/requests/' + id,
  actionday: (id) => '/actiondays/' + id,
  meeting: (id) => '/meetings/' + id,
  interview: (id) => '/interviews/' + id,
  jit: (id) => '/jits/' + id,
  entity: (id, c) => '/cases/' + c.id + '?tab=entities',
};

function timelineTab(panel, c) {
  const events = pagedList('cases/' + caseSeg(c.id) + '/events', 'seq', 100, (rows) => table([
    { label: t('event.col.at'), cell: (e) => fmtTime(e.at) },
    { label: t('event.col.actor'), cell: (e) => e.actor + (e.actor_org ? ' (' + e.actor_org + ')' : '') },
    { label: t('event.col.action'), cell: (e) => label('event.action', e.action) },
    { label: t('event.col.object'), cell: (e) => {
      const text = label('event.object', e.object_type) + ' ' + (e.object_id || '');
      const page = EVENT_PAGES[e.object_type];
      return page && e.object_id ? link(page(e.object_id, c), text) : text;
    } },
  ], rows, { class: 'stack', label: t('case.tab.timeline'), empty: t('case.timeline.none') }));
  load(box(panel), async () => { await events.first(); return events.node; });
}

