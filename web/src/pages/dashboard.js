// The dashboard: my cases, hits to review, sharing that waits for our consent,
// requests due or overdue, today's action days and the evidence other
// organisations made available to us.
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, title, table, load, link, fmtDate, fmtBytes } from '../ui.js';
import { session } from '../session.js';
import { caseLink, statusBadge, deadlineBadge, today, integrityBadge, label, pagedList } from './records-common.js';

// Shared items a page at a time: an organisation may be given thousands (a UN mechanism's
// material made available to a national desk), more than a dashboard should draw at once.
const SHARED_PAGE = 50;

function card(id, heading, fill) {
  const body = h('div');
  const c = h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), body);
  load(body, fill);
  return c;
}

function sharedEvidenceTable(items) {
  return table([
    { label: t('evidence.col.title'), cell: (e) => link('/evidence/' + e.id, e.title || e.original_name || '#' + e.id) },
    { label: t('evidence.col.originator'), cell: (e) => e.originator },
    { label: t('evidence.col.kind'), cell: (e) => label('evidence.kind', e.kind) },
    { label: t('evidence.col.size'), cell: (e) => fmtBytes(e.size), class: 'num' },
    { label: t('evidence.col.integrity'), cell: (e) => integrityBadge(e.integrity) },
  ], items, { class: 'stack', label: t('dash.shared'), empty: t('dash.shared.none') });
}

// The evidence shared with the user's organisation: its first page, and a More button.
export async function sharedEvidence() {
  const list = pagedList('evidence', 'id', SHARED_PAGE, sharedEvidenceTable);
  await list.first();
  return list.node;
}

export function dashboard(main) {
  const me = session.user || {};
  main.append(title(t('dash.title')),
    h('div', { class: 'cards dash-cards' },
      card('dash-cases', t('dash.cases'), async () => {
        // Every open case the organisation works on: as a participant or through a JIT (the
        // server lists no other).
        const r = await api.get('cases?status=open&limit=20');
        const mine = r.items || [];
        return table([
          { label: t('case.col.reference'), cell: (c) => caseLink(c.id, c.reference) },
          { label: t('case.col.title'), cell: (c) => c.title },
          { label: t('case.col.status'), cell: (c) => statusBadge(c.status) },
        ], mine, { class: 'stack', label: t('dash.cases'), empty: t('dash.cases.none') });
      }),
      card('dash-hits', t('dash.hits'), async () => {
        const hits = await api.get('hits?review=new');
        // Our side is the case we see (ours, or one we take part in); the other is the other
        // entity's case, whoever else owns ours.
        const ours = (x) => [x.a, x.b].find((s) => s && s.visible && s.org === me.org) || [x.a, x.b].find((s) => s && s.visible);
        const theirs = (x) => (ours(x) === x.a ? x.b : x.a);
        return table([
          { label: t('hit.col.case'), cell: (x) => {
            const side = ours(x);
            return side ? link('/cases/' + side.case_id + '?tab=hits', side.case) : '';
          } },
          { label: t('hit.col.attr'), cell: (x) => label('hit.attr', x.attr) },
          { label: t('hit.col.other'), cell: (x) => theirs(x)?.org || '' },
        ], hits, { class: 'stack', label: t('dash.hits'), empty: t('dash.hits.none') });
      }),
      card('dash-consent', t('dash.consent'), async () => {
        // Items of ours another organisation shared: nothing goes out until we answer.
        const rows = [];
        for (const g of await api.get('grants'))
          if (!g.revoked_at && !(g.expires_on && g.expires_on < today()))
            for (const it of g.items || [])
              if (it.originator === me.org && it.consent === 'pending') rows.push({ g, it });
        return table([
          { label: t('evidence.col.title'), cell: (x) => link('/evidence/' + x.it.id, x.it.title || '#' + x.it.id) },
          { label: t('case.col.reference'), cell: (x) => x.g.case_reference },
          { label: t('dash.consent.route'), cell: (x) => x.g.grantor_org + ' → ' + x.g.org },
          { label: t('grant.col.basis'), cell: (x) => x.g.legal_basis },
        ], rows, { class: 'stack', label: t('dash.consent'), empty: t('dash.consent.none') });
      }),
      card('dash-deadlines', t('dash.deadlines'), async () => {
        const d = await api.get('deadlines');
        const rows = [...(d.overdue || []), ...(d.due_soon || [])];
        return table([
          { label: t('request.col.title'), cell: (x) => link('/requests/' + x.request_id, x.title) },
          { label: t('request.col.route'), cell: (x) => x.issuing_org + ' → ' + x.executing_org },
          // The day and its state in one column, the state under the day: a card a third of
          // a 1280 px screen wide has no room for both side by side beside the title.
          { label: t('dash.deadlines.due'), cell: (x) => h('span', { class: 'due-state' },
            h('span', { class: 'nowrap' }, fmtDate(x.due_on)), ' ', deadlineBadge({ state: 'open', ...x })) },
        ], rows, { class: 'stack dash-deadlines', label: t('dash.deadlines'), empty: t('dash.deadlines.none') });
      }),
      card('dash-actiondays', t('dash.actiondays'), async () => {
        const days = (await api.get('actiondays')).filter((d) => d.day === today());
        return table([
          { label: t('dash.ad.title'), cell: (d) => link('/actiondays/' + d.id, d.title) },
          { label: t('case.col.reference'), cell: (d) => d.case_reference },
          { label: t('dash.ad.actions'), cell: (d) => String(d.actions ?? ''), class: 'num' },
        ], days, { class: 'stack', label: t('dash.actiondays'), empty: t('dash.actiondays.none') });
      }),
      card('dash-shared', t('dash.shared'), sharedEvidence)));
}
