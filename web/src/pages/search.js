// Search over what the caller may see: cases, entities, evidence and the
// text extracted from it. Snippets mark matches; they are rebuilt here as
// text and <mark> elements, never parsed as HTML.
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, title, load, field, link, replace, fmtDate, notice } from '../ui.js';
import { setQuery, queryObject, label } from './records-common.js';

const KEYS = ['q', 'kind', 'lang', 'from', 'to', 'org', 'case', 'offset'];
const LIMIT = 20;
const ENTITIES = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&', '&#39;': "'" };
const unescape = (s) => s.replace(/&(lt|gt|quot|amp|#39);/g, (m) => ENTITIES[m]);

// "a <mark>b</mark> c" (escaped HTML from the server) as text nodes and <mark> elements,
// on one line: the fields of a record (one a line in its document) apart by sep, the
// lines of an extracted text by a space.
export function snippetNodes(html, sep = ' ') {
  const out = [];
  const parts = String(html || '').trim().split(/(<mark>|<\/mark>)/);
  let inMark = false;
  for (const p of parts) {
    if (p === '<mark>') { inMark = true; continue; }
    if (p === '</mark>') { inMark = false; continue; }
    if (!p) continue;
    const text = unescape(p).replace(/[ \t]*\n\s*/g, sep);
    out.push(inMark ? h('mark', text) : document.createTextNode(text));
  }
  return out;
}

function hitLink(x) {
  const text = x.title || x.case_reference || '#' + x.ref_id;
  if (x.kind === 'case') return link('/cases/' + x.case_id, text);
  if (x.kind === 'evidence' || x.kind === 'text') return link('/evidence/' + (x.item_id || x.ref_id), text);
  if (x.kind === 'entity') return link('/cases/' + x.case_id + '?tab=entities', text);
  return h('span', text);
}

export function searchPage(main, params, query) {
  const f = queryObject(query, KEYS);
  const q = field(t('search.q'), 'q', { type: 'search', value: f.q || '', help: t('search.q.help') });
  const kind = field(t('search.kind'), 'kind', { type: 'select', value: f.kind || '',
    options: [['', t('common.all')], ...['case', 'entity', 'evidence', 'text'].map((k) => [k, t('search.kind.' + k)])] });
  const lang = field(t('search.lang'), 'lang', { value: f.lang || '', attrs: { size: 6 } });
  const from = field(t('search.from'), 'from', { type: 'date', value: f.from || '' });
  const to = field(t('search.to'), 'to', { type: 'date', value: f.to || '' });
  const org = field(t('search.org'), 'org', { value: f.org || '', attrs: { size: 10 } });
  const kase = field(t('search.case'), 'case', { value: f.case || '', attrs: { size: 10 } });
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  const facets = h('aside', { class: 'facets', 'aria-label': t('search.facets') });

  function values() {
    return { q: q.input.value.trim(), kind: kind.input.value, lang: lang.input.value.trim(),
      from: from.input.value, to: to.input.value, org: org.input.value.trim(), case: kase.input.value.trim() };
  }
  function run(v, offset = 0) {
    setQuery('/search', { ...v, offset: offset || '' });
    replace(facets);
    if (!v.q) { replace(results, h('p', { class: 'empty' }, t('search.prompt'))); return; }
    load(results, async () => {
      const r = await api.get('search' + qs({ ...v, limit: LIMIT, offset }));
      const items = r.items || [];
      renderFacets(r.facets || {}, v);
      return h('div',
        r.index_outdated && notice(t('search.outdated'), 'warn'),
        h('p', { class: 'count' }, t('search.count', { n: r.total ?? items.length })),
        items.length ? h('ol', { class: 'hits', start: String(offset + 1) }, items.map((x) => h('li', { class: 'hit' },
          h('div', { class: 'hit-head' }, hitLink(x), ' ',
            h('span', { class: 'badge badge-info' }, t('search.kind.' + x.kind))),
          h('div', { class: 'hit-meta' }, [x.case_reference, x.org, x.lang, fmtDate(x.day)].filter(Boolean).join(' · ')),
          h('p', { class: 'snippet' }, snippetNodes(x.snippet_html, x.kind === 'text' ? ' ' : ' · ')))))
          : h('p', { class: 'empty' }, t('search.none')),
        h('div', { class: 'actions' },
          offset > 0 && h('button', { type: 'button', class: 'secondary', onclick: () => run(v, Math.max(0, offset - LIMIT)) }, t('search.prev')),
          offset + items.length < (r.total || 0) && h('button', { type: 'button', class: 'secondary', onclick: () => run(v, offset + LIMIT) }, t('search.next'))));
    });
  }
  function renderFacets(fc, v) {
    const groups = [];
    for (const [name, counts] of Object.entries(fc)) {
      const entries = Object.entries(counts || {});
      if (!entries.length) continue;
      groups.push(h('section', { class: 'facet' }, h('h2', label('search.facet', name)),
        h('ul', entries.map(([val, n]) => {
          const text = (name === 'kind' ? t('search.kind.' + val) : val || t('search.facet.unknown')) + ' (' + n + ')';
          if (!val || !(name in v)) return h('li', text);
          return h('li', h('button', { type: 'button', class: 'linklike', 'aria-pressed': v[name] === val ? 'true' : 'false',
            onclick: () => {
              const nv = { ...v, [name]: v[name] === val ? '' : val };
              if (name === 'kind') kind.input.value = nv.kind; else if (name === 'lang') lang.input.value = nv.lang;
              else if (name === 'org') org.input.value = nv.org;
              run(nv);
            } }, text));
        }))));
    }
    replace(facets, groups.length ? [h('h2', { class: 'sr-only' }, t('search.facets')), groups] : null);
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('search.title'),
    onsubmit: (e) => { e.preventDefault(); run(values()); } },
  q, kind, lang, from, to, org, kase, h('button', { type: 'submit' }, t('search.submit')));
  main.append(title(t('search.title')), form, h('div', { class: 'search-layout' }, results, facets));
  run({ q: f.q || '', kind: f.kind || '', lang: f.lang || '', from: f.from || '', to: f.to || '', org: f.org || '', case: f.case || '' },
    Number(f.offset) || 0);
}
