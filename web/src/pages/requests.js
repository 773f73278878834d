// Cooperation requests (MLA, EIO, EAW, ...): the list filtered by kind,
// country and status (kept in the URL query), and a request's page with its
// history, milestones and deadlines.
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, title, table, load, field, notice, fmtDate, fmtTime } from '../ui.js';
import { props, setQuery, queryObject, requestKind, REQUEST_KINDS, label, deadlineBadge, caseLink, orgs } from './records-common.js';
import { requestTable } from './cases.js';
import { newRequestPanel, requestForms, lawLimits } from './forms-coop-requests.js';
import { takeFlash } from './forms-coop-common.js';

const STATUSES = ['draft', 'sent', 'received', 'recognised', 'in_execution', 'executed', 'refused', 'withdrawn'];

export function requestList(main, params, query) {
  const f = queryObject(query, ['kind', 'country', 'status']);
  const kind = field(t('requests.filter.kind'), 'kind', { type: 'select', value: f.kind || '',
    options: [['', t('common.all')], ...REQUEST_KINDS.map((k) => [k, requestKind(k)])] });
  const country = field(t('requests.filter.country'), 'country', { type: 'select', value: f.country || '',
    options: [['', t('common.all')]], help: t('requests.filter.country.help') });
  const status = field(t('requests.filter.status'), 'status', { type: 'select', value: f.status || '',
    options: [['', t('common.all')], ...STATUSES.map((s) => [s, label('request.status', s)])] });
  orgs().then((all) => {
    for (const c of [...new Set(all.map((o) => o.country).filter(Boolean))].sort())
      country.input.append(h('option', { value: c, selected: c === f.country }, c));
  }).catch(() => {});
  const results = h('div', { 'aria-live': 'polite' });
  function show() {
    const v = { kind: kind.input.value, country: country.input.value, status: status.input.value };
    setQuery('/requests', v);
    load(results, async () => {
      // The country keeps requests issued from or executed in it.
      const r = await api.get('requests' + qs({ kind: v.kind, status: v.status, country: v.country, limit: 1000 }));
      const list = Array.isArray(r) ? r : r.items || [];
      return h('div', h('p', { class: 'count' }, t('requests.count', { n: list.length })),
        requestTable(list, { label: t('requests.title') }));
    });
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('requests.filters'),
    onsubmit: (e) => { e.preventDefault(); show(); } }, kind, country, status,
  h('button', { type: 'submit' }, t('common.filter')));
  for (const s of [kind, country, status]) s.input.addEventListener('change', show);
  main.append(title(t('requests.title')), newRequestPanel(), form, results);
  show();
}

export function requestPage(main, params) {
  const body = h('div');
  main.append(body);
  const render = () => load(body, async () => {
    const flash = takeFlash();
    let r;
    try {
      r = await api.get('requests/' + encodeURIComponent(params.id));
    } catch (e) {
      if (e.status === 404 || e.status === 403) return h('div', title(t('request.title.unknown')), notice(t('request.notvisible'), 'error'));
      throw e;
    }
    const rules = await lawLimits().catch(() => []);
    return h('div',
      title(r.title, h('span', { class: 'badge badge-info' }, label('request.status', r.status))),
      flash,
      props([
        [t('request.kind'), requestKind(r.kind)],
        [t('request.case'), r.case_visible === false ? r.case_reference : caseLink(r.case_id, r.case_reference)],
        [t('request.issuing'), [r.issuing_org, r.issuing_ref && ' (' + r.issuing_ref + ')'].filter(Boolean).join('')],
        [t('request.executing'), [r.executing_org, r.executing_ref && ' (' + r.executing_ref + ')'].filter(Boolean).join('')],
        [t('request.legal_basis'), r.legal_basis],
        [t('request.urgent'), r.urgent ? t('common.yes') : ''],
        [t('request.subjects'), (r.subjects || []).map((s) => s.label).join(', ')],
        [t('request.notes'), r.notes],
      ]),
      h('h2', t('request.milestones')),
      props([
        [t('request.issued_on'), fmtDate(r.issued_on)],
        [t('request.sent_on'), fmtDate(r.sent_on)],
        [t('request.received_on'), fmtDate(r.received_on)],
        [t('request.arrested_on'), fmtDate(r.arrested_on)],
        [t('request.consented_on'), fmtDate(r.consented_on)],
        [t('request.decided_on'), fmtDate(r.decided_on)],
        [t('request.closed_on'), fmtDate(r.closed_on)],
      ]),
      h('h2', t('request.deadlines')),
      table([
        { label: t('deadline.col.step'), cell: (d) => label('deadline.step', d.step) },
        { label: t('deadline.col.article'), cell: (d) => d.article },
        { label: t('deadline.col.limit'), cell: (d) => d.limit || '' },
        { label: t('deadline.col.starts'), cell: (d) => fmtDate(d.starts_on) },
        { label: t('deadline.col.due'), cell: (d) => fmtDate(d.due_on) },
        { label: t('deadline.col.extended'), cell: (d) => d.extended_days ? t('deadline.extended', { n: d.extended_days }) : '' },
        { label: t('deadline.col.reasons'), cell: extensionReasons },
        { label: t('deadline.col.state'), cell: (d) => deadlineBadge(d) },
      ], r.deadlines, { class: 'stack', label: t('request.deadlines'), empty: t('request.deadlines.none') }),
      h('h2', t('request.history')),
      table([
        { label: t('request.hist.on'), cell: (x) => fmtDate(x.on) },
        { label: t('request.hist.change'), cell: (x) => historyChange(r, x) },
        { label: t('request.hist.by'), cell: (x) => x.by },
        { label: t('request.hist.note'), cell: (x) => historyNote(r, x) },
        { label: t('request.hist.at'), cell: (x) => fmtTime(x.at) },
      ], r.history, { class: 'stack', label: t('request.history') }),
      r.next && r.next.length ? h('p', { class: 'help' }, t('request.next', { list: r.next.map((s) => label('request.status', s)).join(', ') })) : null,
      requestForms(r, rules, render));
  });
  render();
}

// A milestone (an arrest, a consent) is kept in the history as a line whose
// status does not change; its note is the event unless one was given.
const MILESTONES = ['arrested', 'consented'];
function milestoneOf(r, x) {
  if (!x.from || x.from !== x.to) return null;
  if (MILESTONES.includes(x.note)) return x.note;
  if (x.on && x.on === r.arrested_on) return 'arrested';
  if (x.on && x.on === r.consented_on) return 'consented';
  return 'other';
}
function historyChange(r, x) {
  const m = milestoneOf(r, x);
  if (m) return t('request.hist.milestone.' + m);
  return (x.from ? label('request.status', x.from) + ' → ' : '') + label('request.status', x.to);
}
function historyNote(r, x) {
  const m = milestoneOf(r, x);
  return m && x.note === m ? '' : x.note || '';
}

// The extensions of a deadline, each with its day, who and the reasons given.
function extensionReasons(d) {
  const ext = d.extensions || [];
  if (!ext.length) return '';
  return h('ul', { class: 'plain extension-list' }, ext.map((e) => h('li',
    t('deadline.ext.item', { n: e.days, on: fmtDate(e.at), by: e.by || '', reason: e.reason || '' }))));
}
