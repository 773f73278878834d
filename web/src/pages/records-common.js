// Shared pieces of the records pages (dashboard, cases, evidence, JITs,
// requests, search): reference data, badges, URL query filters.
import { t, hasString } from '../strings.js';
import { api, qs } from '../api.js';
import { h, badge, link, field, replace, notice, errorBox, errorText } from '../ui.js';
import { session } from '../session.js';
import './records.css';

let crimeTypesP = null;
let orgsP = null;

// Crime types [{code, label}], loaded once per page load.
export function crimeTypes() {
  if (!crimeTypesP) crimeTypesP = api.get('crime-types').catch((e) => { crimeTypesP = null; throw e; });
  return crimeTypesP;
}
// Organisations [{code, kind, country, name}], loaded once per page load.
export function orgs() {
  if (!orgsP) orgsP = api.get('orgs').catch((e) => { orgsP = null; throw e; });
  return orgsP;
}

export function crimeLabel(types, code) {
  const f = (types || []).find((x) => x.code === code);
  return f ? f.label : code;
}

// The path segment of a case: its numeric id when known, otherwise its reference, encoded.
export function caseSeg(idOrRef) { return encodeURIComponent(String(idOrRef)); }
export function caseLink(id, text) { return link('/cases/' + caseSeg(id), text); }

// Today as YYYY-MM-DD (UTC, as the server's dates are).
export function today() { return new Date().toISOString().slice(0, 10); }
export function daysUntil(day) {
  if (!day) return null;
  return Math.round((Date.parse(String(day).slice(0, 10) + 'T00:00:00Z') - Date.parse(today() + 'T00:00:00Z')) / 86400000);
}

// A request deadline's state as a badge: overdue, due (within 7 days), open, met, missed, cancelled.
export function deadlineState(d) {
  if (!d) return null;
  const st = d.state || 'open';
  if (st !== 'open') return st;
  if (d.overdue || (d.days_left !== undefined && d.days_left < 0)) return 'overdue';
  if (d.days_left !== undefined && d.days_left <= 7) return 'due';
  return 'open';
}
const DEADLINE_KIND = { overdue: 'bad', due: 'warn', open: 'info', met: 'ok', missed: 'bad', cancelled: 'info' };
export function deadlineBadge(d) {
  const st = deadlineState(d);
  if (!st) return '';
  const txt = st === 'due' || st === 'open'
    ? t('deadline.' + st + '.days', { n: d.days_left })
    : st === 'overdue' && d.days_left !== undefined
      ? t('deadline.overdue.days', { n: -d.days_left }) : t('deadline.' + st);
  return badge(txt, DEADLINE_KIND[st] || 'info');
}

// A JIT's expiry: expired (bad), within 30 days (warn), running (ok).
export function jitExpiryBadge(expiresOn) {
  const n = daysUntil(expiresOn);
  if (n === null) return '';
  if (n < 0) return badge(t('jit.expired'), 'bad');
  if (n <= 30) return badge(t('jit.expiring', { n }), 'warn');
  return badge(t('jit.running'), 'ok');
}

export function statusBadge(status) {
  const k = { open: 'ok', closed: 'info', archived: 'info' }[status] || 'info';
  return badge(label('case.status', status), k);
}

export function integrityBadge(s) {
  const k = { ok: 'ok', failed: 'bad', missing: 'bad' }[s] || 'info';
  return badge(label('evidence.integrity', s || 'unknown'), k);
}

// A definition list of [label, value] pairs, leaving out empty values.
export function props(pairs) {
  const dl = h('dl', { class: 'props' });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    dl.append(h('dt', k), h('dd', v));
  }
  return dl;
}

// Writes the page's filters into the URL query without re-rendering the page.
export function setQuery(path, params) {
  history.replaceState(null, '', '#' + path + qs(params));
}

// The keys of a URLSearchParams as a plain object.
export function queryObject(query, keys) {
  const o = {};
  for (const k of keys) { const v = query.get(k); if (v) o[k] = v; }
  return o;
}

// A label for a coded value (a kind, a status) when strings.js has one, else the code itself.
export function label(prefix, v) {
  if (v === undefined || v === null || v === '') return '';
  return hasString(prefix + '.' + v) ? t(prefix + '.' + v) : String(v);
}
export function requestKind(k) { return label('request.kind', k); }
export const REQUEST_KINDS = ['mla', 'eio', 'eaw', 'international_arrest_warrant', 'extradition',
  'freezing_order', 'confiscation_order', 'transfer_of_proceedings', 'jit_accession'];

// A list the server gives in pages (?after=&limit=, in the order of key: an item's id,
// an event's seq): the first page, then a "More" button that adds the next one for as
// long as full pages come back. render(rows) draws all the rows loaded so far.
export function pagedList(path, key, size, render) {
  const rows = [];
  let after = null;
  const holder = h('div');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true,
    onclick: () => next().catch((e) => holder.append(errorBox(e))) }, t('common.more'));
  async function next() {
    more.disabled = true;
    try {
      const got = await api.get(path + qs({ after, limit: size }));
      rows.push(...got);
      if (got.length) after = got[got.length - 1][key];
      more.hidden = got.length < size;
      replace(holder, render(rows));
    } finally {
      more.disabled = false;
    }
  }
  return { node: h('div', holder, more), rows, first: next };
}

// Export a verifiable bundle of items for an organisation: POST makes it (the
// export is recorded in each item's chain of custody first), then the browser
// fetches it once from the address the answer gives (docs/web.md). itemIds null:
// every item of the case the user sees, as the server counts them.
// onDone: called once a bundle is exported (its items' chains of custody grew).
export function bundleExport(caseId, itemIds, buttonText, onDone) {
  const box = h('div', { class: 'bundle-export' });
  // No recipient chosen in advance: an empty first choice that must be replaced.
  const forField = field(t('bundle.for'), 'bundle-for', { type: 'select', required: true,
    options: [['', t('bundle.for.choose')]] });
  const msg = h('div');
  const form = h('form', { class: 'inline-form', onsubmit: async (ev) => {
    ev.preventDefault();
    replace(msg);
    const btn = form.querySelector('button');
    btn.disabled = true;
    try {
      const r = await api.post('cases/' + caseSeg(caseId) + '/bundles',
        itemIds ? { for: forField.input.value, items: itemIds } : { for: forField.input.value });
      const a = h('a', { href: r.download, download: '' });
      document.body.append(a);
      a.click();
      a.remove();
      replace(msg, notice(t('bundle.done', { n: r.items, org: forField.input.value }), 'ok'));
      if (onDone) onDone();
    } catch (e) {
      // An item of another organisation, for a recipient outside the case: the
      // server's explanation, shown as such (not as a fault of the page).
      if (e && e.status === 403 && /carries it only with/.test(e.message || ''))
        replace(msg, h('div', { class: 'notice notice-warn bundle-refused', role: 'alert' }, errorText(e)));
      else replace(msg, errorBox(e));
    } finally {
      btn.disabled = false;
    }
  } }, forField, h('button', { type: 'submit', class: 'secondary' }, buttonText));
  orgs().then((list) => {
    // Not the platform operator (HUB), nor the user's own organisation.
    const own = (session.user || {}).org;
    const to = list.filter((o) => o.code !== 'HUB' && o.code !== own);
    replace(forField.input, h('option', { value: '' }, t('bundle.for.choose')),
      to.map((o) => h('option', { value: o.code }, o.code + ' — ' + o.name)));
    forField.input.value = '';
  }).catch((e) => replace(msg, errorBox(e)));
  box.append(form, msg);
  return box;
}
