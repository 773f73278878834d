// Statistics of a year under need-to-know: bar charts drawn as SVG, each with
// its figures as a table and as a CSV download, and the ledger snapshot the
// figures are computed from.
import './views.css';
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, field, load, title, link, fmtTime, csv, downloadText } from '../ui.js';
import { navigate } from '../router.js';
import { label, countryName, num } from './views-common.js';
import { barChart } from './views-chart.js';
import { crimeTypes, crimeLabel } from './records-common.js';

export function statsPage(main, params, query) {
  const now = new Date().getUTCFullYear();
  const year = /^\d{4}$/.test(query.get('year') || '') ? Number(query.get('year')) : now;
  const years = [];
  for (let y = now; y >= now - 10; y--) years.push(y); // no figures exist for a year to come
  if (!years.includes(year)) years.push(year);
  const pick = field(t('stats.year'), 'year', { type: 'select', value: year, options: years.map(String) });
  const form = h('form', { class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    navigate('/stats' + qs({ year: pick.input.value }));
  } }, pick, h('button', { type: 'submit' }, t('stats.show')));
  const body = h('div');
  main.append(title(t('stats.title', { year })), form, body);
  const ctl = new AbortController();
  // Crime types by the labels every other page uses.
  load(body, async () => {
    const [st, types] = await Promise.all([api.get('stats' + qs({ year }), { signal: ctl.signal }), crimeTypes()]);
    return render(st, year, types);
  });
  return () => ctl.abort();
}

function rowsOf(obj, lab) {
  return Object.entries(obj || {}).map(([k, v]) => ({ key: k, label: lab(k), value: Number(v) || 0 }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

function render(st, year, types) {
  const snap = st.snapshot || {};
  const cp = snap.checkpoint;
  const actions = {};
  for (const [k, by] of Object.entries((st.action_days || {}).actions || {}))
    actions[k] = Object.values(by || {}).reduce((a, b) => a + Number(b || 0), 0);
  const d = st.deadlines || {};
  const charts = [
    { slug: 'cases-by-crime-type', title: t('stats.chart.crime'), x: t('stats.axis.cases'), y: t('stats.axis.crime'),
      rows: rowsOf((st.cases || {}).by_crime_type, (k) => crimeLabel(types, k)) },
    { slug: 'cases-by-country', title: t('stats.chart.country'), x: t('stats.axis.cases'), y: t('stats.axis.country'),
      rows: rowsOf((st.cases || {}).by_country, (k) => countryName(k)) },
    { slug: 'requests-by-kind', title: t('stats.chart.reqkind'), x: t('stats.axis.requests'), y: t('stats.axis.kind'),
      rows: rowsOf((st.requests || {}).by_kind, (k) => label('request.kind', k)) },
    { slug: 'requests-by-status', title: t('stats.chart.reqstatus'), x: t('stats.axis.requests'), y: t('stats.axis.status'),
      rows: rowsOf((st.requests || {}).by_status, (k) => label('request.status', k)) },
    { slug: 'deadlines', title: t('stats.chart.deadlines'), x: t('stats.axis.deadlines'), y: t('stats.axis.outcome'),
      rows: ['met', 'missed', 'open', 'cancelled'].map((k) => ({ key: k, label: t('stats.deadline.' + k), value: Number(d[k] || 0) })) },
    { slug: 'action-day-actions', title: t('stats.chart.actions'), x: t('stats.axis.actions'), y: t('stats.axis.kind'),
      rows: rowsOf(actions, (k) => label('actionday.kind', k)) },
    { slug: 'meetings-by-kind', title: t('stats.chart.meetings'), x: t('stats.axis.meetings'), y: t('stats.axis.kind'),
      rows: rowsOf((st.meetings || {}).by_kind, (k) => label('meeting.kind', k)) },
  ];
  const figures = [
    ['stats.fig.cases', (st.cases || {}).opened], ['stats.fig.jitssigned', (st.jits || {}).signed],
    ['stats.fig.jitsactive', (st.jits || {}).active], ['stats.fig.requests', (st.requests || {}).issued],
    ['stats.fig.met', d.met], ['stats.fig.missed', d.missed],
    ['stats.fig.meetings', (st.meetings || {}).coordination], ['stats.fig.actiondays', (st.action_days || {}).days],
    ['stats.fig.arrests', (st.action_days || {}).arrests], ['stats.fig.searches', (st.action_days || {}).house_searches],
    ['stats.fig.seizures', (st.action_days || {}).seizures],
  ];
  return h('div', { class: 'stats' },
    h('section', { class: 'card snapshot', 'aria-labelledby': 'stats-snap-h' },
      h('h2', { id: 'stats-snap-h' }, t('stats.snapshot')),
      h('p', t('stats.scope', { scope: st.scope || '', year: st.year ?? year })),
      h('dl', { class: 'props' },
        h('dt', t('stats.snap.size')), h('dd', num(snap.ledger_size)),
        h('dt', t('stats.snap.root')), h('dd', h('code', { class: 'hash' }, snap.root || '')),
        h('dt', t('stats.snap.day')), h('dd', snap.day || ''),
        h('dt', t('stats.snap.checkpoint')), h('dd', cp
          ? [t('stats.snap.cp', { size: num(cp.size), at: fmtTime(cp.at) }), ' ',
            cp.root === snap.root ? t('stats.snap.same') : t('stats.snap.differs')]
          : t('stats.snap.nocp'))),
      snap.ledger_size > 0 && h('p', link('/ledger' + qs({ index: snap.ledger_size - 1 }), t('stats.snap.verify')))),
    h('section', { 'aria-labelledby': 'stats-fig-h' },
      h('h2', { id: 'stats-fig-h' }, t('stats.figures')),
      h('dl', { class: 'figures' }, figures.map(([k, v]) =>
        h('div', h('dt', t(k)), h('dd', { dataset: { figure: k.slice(10) } }, num(v)))))),
    h('div', { class: 'chart-grid' }, charts.map((c) => chartCard(c, st.year ?? year))));
}

function chartCard(c, year) {
  const hid = 'h-' + c.slug;
  if (c.rows.length === 0)
    return h('section', { class: 'card chart-card', 'aria-labelledby': hid },
      h('h2', { id: hid }, c.title), h('p', { class: 'empty' }, t('stats.nodata')));
  const { svg, data } = barChart(c.rows, { title: c.title, xLabel: c.x, yLabel: c.y });
  return h('section', { class: 'card chart-card', 'aria-labelledby': hid, dataset: { chart: c.slug } },
    h('h2', { id: hid }, c.title),
    h('figure', svg, h('figcaption', { class: 'sr-only' }, c.title)),
    h('details', h('summary', t('stats.table')), data),
    h('button', { type: 'button', class: 'secondary',
      'aria-label': t('stats.csv.for', { title: c.title }),
      onclick: () => downloadText(`custodia-stats-${year}-${c.slug}.csv`,
        csv([[c.y, c.x], ...c.rows.map((r) => [r.label, r.value])])) }, t('stats.csv')));
}
