// Joint investigation teams: the list with expiry warnings, and a JIT's page
// with its members, agreement dates, extensions and cases.
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, title, table, load, link, notice, fmtDate, fmtTime } from '../ui.js';
import { jitExpiryBadge, props, caseLink, label, daysUntil } from './records-common.js';
import { jitCreateForm, jitForms } from './forms-cases-jits.js';
import { takeFlash } from './forms-cases-case.js';

export function jitList(main) {
  const body = h('div');
  main.append(title(t('jits.title')), jitCreateForm() || '', body);
  load(body, async () => {
    const jits = await api.get('jits');
    return table([
      { label: t('jit.col.name'), cell: (j) => link('/jits/' + j.id, j.name) },
      { label: t('jit.col.signed'), cell: (j) => fmtDate(j.signed_on) },
      { label: t('jit.col.expires'), cell: (j) => [fmtDate(j.expires_on), ' ', jitExpiryBadge(j.expires_on)] },
      { label: t('jit.col.members'), cell: (j) => (j.members || []).map((m) => m.org).join(', ') },
      { label: t('jit.col.cases'), cell: (j) => (j.cases || []).map((c, i) => [i ? ', ' : '', caseLink(c.id, c.reference)]) },
      { label: t('jit.col.extensions'), cell: (j) => String((j.extensions || []).length), class: 'num' },
    ], jits, { class: 'stack', label: t('jits.title'), empty: t('jits.none') });
  });
}

export function jitPage(main, params) {
  const body = h('div');
  main.append(body);
  let flash = takeFlash();
  let note = null;
  const show = () => load(body, async () => {
    let j;
    try {
      j = await api.get('jits/' + encodeURIComponent(params.id));
    } catch (e) {
      if (e.status === 404 || e.status === 403) return h('div', title(t('jit.title.unknown')), notice(t('jit.notvisible'), 'error'));
      throw e;
    }
    const n = daysUntil(j.expires_on);
    const done = (text) => {
      note = text;
      // Focus stays with the answer, not lost with the form it came from.
      show().then(() => { const n = body.querySelector('.notice-ok'); if (n) { n.tabIndex = -1; n.focus(); } });
    };
    const msg = note ? notice(note, 'ok') : flash;
    note = null;
    flash = null;
    return h('div',
      title(j.name, jitExpiryBadge(j.expires_on)), msg,
      n !== null && n < 0 ? notice(t('jit.expired.note', { date: fmtDate(j.expires_on) }), 'error')
        : n !== null && n <= 30 ? notice(t('jit.expiring.note', { date: fmtDate(j.expires_on), n }), 'warn') : null,
      h('h2', t('jit.agreement')),
      props([
        [t('jit.signed'), fmtDate(j.signed_on)],
        [t('jit.expires'), fmtDate(j.expires_on)],
        [t('jit.created'), fmtTime(j.created_at)],
      ]),
      h('h2', t('jit.members')),
      table([
        { label: t('participant.col.org'), cell: (m) => m.org },
        { label: t('participant.col.name'), cell: (m) => m.name },
        { label: t('participant.col.kind'), cell: (m) => label('org.kind', m.kind) },
        { label: t('jit.col.role'), cell: (m) => label('jit.role', m.role) },
      ], j.members, { class: 'stack', label: t('jit.members') }),
      h('h2', t('jit.cases')),
      table([
        { label: t('case.col.reference'), cell: (c) => caseLink(c.id, c.reference) },
        { label: t('case.col.title'), cell: (c) => c.title || '' },
      ], j.cases, { class: 'stack', label: t('jit.cases'), empty: t('jit.cases.none') }),
      h('h2', t('jit.extensions')),
      table([
        { label: t('jit.ext.from'), cell: (x) => fmtDate(x.from) },
        { label: t('jit.ext.to'), cell: (x) => fmtDate(x.to) },
        { label: t('jit.ext.reason'), cell: (x) => x.reason },
        { label: t('jit.ext.by'), cell: (x) => x.by },
        { label: t('jit.ext.at'), cell: (x) => fmtTime(x.at) },
      ], j.extensions, { class: 'stack', label: t('jit.extensions'), empty: t('jit.extensions.none') }),
      jitForms(j, done));
  });
  show();
}
