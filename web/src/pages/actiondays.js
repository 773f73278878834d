// Action days: the list, and the coordination centre of one day — the actions
// by country with their live status, the timeline of reports, a map of the
// countries coloured by state (with a text legend), and the form with which an
// executing organisation reports. Live through Server-Sent Events; the
// browser's EventSource resumes with Last-Event-ID after a drop.
import './views.css';
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, s, replace, field, fieldError, notice, errorBox, errorText, load, title, link, table, badge, fmtDate, fmtTime } from '../ui.js';
import { session } from '../session.js';
import { label, countryName } from './views-common.js';
import { daysUntil } from './records-common.js';
import { drawMap, updateMap } from './views-map.js';
import { planPanel, addActionForm } from './forms-coop-actiondays.js';
import { canContribute, takeFlash } from './forms-coop-common.js';

// Where a day stands, from its date alone (the list has no time zones): today,
// to come, or finished — a day is over everywhere once the next one has begun
// in the last time zone on earth, so the day before yesterday (UTC) at the latest.
function dayBadge(day) {
  const n = daysUntil(day);
  if (n === null || n === -1) return '';
  if (n === 0) return badge(t('actionday.when.today'), 'warn');
  if (n > 0) return badge(t('actionday.when.coming'), 'info');
  return badge(t('actionday.when.finished'), 'muted');
}

export function actionDayList(main, params, query) {
  const ctl = new AbortController();
  const c = query.get('case');
  const body = h('div');
  main.append(title(t('actionday.list.title')), h('p', { class: 'lead' }, t('actionday.list.intro')), planPanel(c || undefined), body);
  load(body, async () => {
    const days = await api.get('actiondays' + qs({ case: c }), { signal: ctl.signal });
    return table([
      { label: t('actionday.col.title'), cell: (d) => link('/actiondays/' + d.id, d.title || t('actionday.untitled')) },
      { label: t('actionday.col.day'), cell: (d) => [fmtDate(d.day), ' ', dayBadge(d.day)] },
      { label: t('actionday.col.case'), cell: (d) => link('/cases/' + d.case_id, d.case_reference) },
      { label: t('actionday.col.actions'), cell: (d) => String(d.actions ?? ''), class: 'num' },
      { label: t('actionday.col.reports'), cell: (d) => String(d.last_seq ?? 0), class: 'num' },
    ], days, { class: 'stack', label: t('actionday.list.title'), empty: t('actionday.list.none') });
  });
  return () => ctl.abort();
}

const STATUS_BADGE = { planned: 'info', started: 'warn', completed: 'ok', failed: 'bad' };
// A country's state from its actions: failed if any failed, completed when all
// are, planned while none has started, otherwise under way.
const STATE_FILL = { planned: '#b9c7d8', active: '#f0b429', completed: '#3d8b52', failed: '#c62828' };
const STATE_MARK = { planned: '○', active: '◐', completed: '●', failed: '✕' };
function countryState(actions) {
  if (actions.some((a) => a.status === 'failed')) return 'failed';
  if (actions.every((a) => a.status === 'completed')) return 'completed';
  if (actions.every((a) => a.status === 'planned')) return 'planned';
  return 'active';
}

// The UTC offset of an IANA zone on a day at a local time, as "+01:00".
function zoneOffset(zone, day, time) {
  try {
    const d = new Date(`${day}T${time || '12:00'}:00Z`);
    const part = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(d).find((p) => p.type === 'timeZoneName');
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(part ? part.value : '');
    return m ? `${m[1]}:${m[2] || '00'}` : '+00:00';
  } catch {
    return null;
  }
}
function utcOf(time, offset) {
  const m = /^(\d{1,2}):(\d{2})/.exec(time || '');
  const o = /^([+-])(\d{2}):(\d{2})$/.exec(offset || '');
  if (!m || !o) return null;
  let mins = Number(m[1]) * 60 + Number(m[2]) - (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
  mins = ((mins % 1440) + 1440) % 1440;
  return String(Math.floor(mins / 60)).padStart(2, '0') + ':' + String(mins % 60).padStart(2, '0');
}

// When the day is over in every country: midnight after it in each country's
// zone (the day's time zones and its actions' countries), the latest of them.
// A country without a zone counts as the last place on earth to finish a day
// (UTC-12), so that a day never shows as over too early.
function dayOverAt(day) {
  const base = Date.parse(`${day.day}T00:00:00Z`);
  if (!Number.isFinite(base)) return Infinity;
  const next = new Date(base + 86400000).toISOString().slice(0, 10);
  const zones = day.timezones || {};
  const countries = new Set([...Object.keys(zones), ...(day.actions || []).map((a) => a.country)]);
  let end = -Infinity;
  for (const c of countries.size ? countries : ['']) {
    const off = zones[c] ? zoneOffset(zones[c], next, '00:00') : null;
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(off || '-12:00');
    const mins = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    end = Math.max(end, Date.parse(`${next}T00:00:00Z`) - mins * 60000);
  }
  return end;
}

// setTimeout takes at most 2^31-1 ms (about 24 days).
const MAX_TIMER = 2147483647;

export function actionDayPage(main, params) {
  const id = params.id;
  const ctl = new AbortController();
  let es = null;
  let closed = false;
  let timer = null;
  const body = h('div');
  main.append(body);
  load(body, async () => {
    // The day first: one the user cannot see (404) asks for nothing more, neither
    // its updates nor its event stream.
    const day = await api.get('actiondays/' + encodeURIComponent(id), { signal: ctl.signal });
    if (closed) return undefined;
    const updates = await api.get('actiondays/' + encodeURIComponent(id) + '/updates' + qs({ after: 0 }), { signal: ctl.signal });
    if (closed) return undefined;
    const overAt = dayOverAt(day);
    const centre = coordinationCentre(day, updates, ctl.signal, takeFlash(), overAt);
    // A day over in every country is a record: shown as it ended, not followed live.
    if (Date.now() >= overAt) {
      centre.finish();
      return centre.node;
    }
    if (overAt - Date.now() < MAX_TIMER) {
      timer = setTimeout(() => {
        if (es) es.close();
        es = null;
        centre.finish();
      }, overAt - Date.now());
    }
    // Live: the stream starts after what the page already shows.
    es = new EventSource(`/api/v1/actiondays/${encodeURIComponent(id)}/stream?after=${centre.lastSeq()}`);
    es.addEventListener('update', (e) => {
      try { centre.apply(JSON.parse(e.data), true); } catch { /* a malformed event is skipped */ }
    });
    const stream = es;
    es.addEventListener('open', () => { if (es === stream) centre.connection('live'); });
    es.addEventListener('error', () => {
      if (es === stream) centre.connection(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    });
    return centre.node;
  });
  return () => { closed = true; ctl.abort(); if (es) es.close(); clearTimeout(timer); };
}

function coordinationCentre(day, updates, signal, flash, overAt) {
  const me = session.user || {};
  const actions = new Map(day.actions.map((a) => [a.id, { ...a }]));
  const seen = new Set();
  const timeline = [];
  let lastSeq = 0;
  for (const u of updates || []) { seen.add(u.seq); timeline.push(u); lastSeq = Math.max(lastSeq, u.seq); }
  lastSeq = Math.max(lastSeq, day.last_seq || 0);

  const conn = h('span', { class: 'conn', dataset: { state: 'connecting' } }, t('actionday.conn.connecting'));
  const live = h('div', { class: 'live-report', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const tablesBox = h('div', { class: 'ad-tables' });
  const timelineList = h('ol', { class: 'ad-timeline', reversed: true, 'aria-label': t('actionday.timeline') });
  const legend = h('ul', { class: 'legend' });
  const timelineEmpty = h('p', { class: 'empty' }, t('actionday.timeline.none'));
  // Named by an attribute: drawMap replaces the drawing's children.
  const mapSvg = s('svg', { class: 'ad-map', role: 'img', 'aria-label': t('actionday.map.alt'), viewBox: '0 0 600 420' });
  const mapBox = h('div', { class: 'map-box' }, mapSvg);

  const countriesOf = () => {
    const by = {};
    for (const a of actions.values()) (by[a.country] ||= []).push(a);
    return by;
  };
  const states = () => Object.fromEntries(Object.entries(countriesOf()).map(([c, as]) => [c, countryState(as)]));
  const mapLabel = (code, st) => `${code} ${STATE_MARK[st] || ''}`;
  const fill = (st) => STATE_FILL[st] || '#ccc';

  // The plan by country (each team's view), or as one list in time order, by
  // each action's instant (planned_at, UTC): the coordination centre's view
  // of a day across time zones.
  let view = 'country';
  const viewButtons = ['country', 'time'].map((v) => h('button', { type: 'button', class: 'secondary',
    dataset: { view: v }, 'aria-pressed': v === view ? 'true' : 'false', onclick: () => {
      view = v;
      for (const b of viewButtons) b.setAttribute('aria-pressed', b.dataset.view === view ? 'true' : 'false');
      replace(actionsHeading, t(view === 'time' ? 'actionday.actions.time' : 'actionday.actions'));
      renderTables();
    } }, t('actionday.view.' + v)));
  const actionsHeading = h('h2', { id: 'ad-actions-h' }, t('actionday.actions'));

  function renderTimeOrder() {
    const rows = [...actions.values()].sort((a, b) => (a.planned_at && b.planned_at
      ? a.planned_at.localeCompare(b.planned_at) : a.planned_at ? -1 : b.planned_at ? 1 : 0) || a.id - b.id);
    replace(tablesBox, table([
      { label: t('actionday.col.planned'), cell: (a) => plannedCell(a, (day.timezones || {})[a.country], day.day) },
      { label: t('actionday.col.country'), cell: (a) => countryName(a.country) + ' (' + a.country + ')' },
      { label: t('actionday.col.action'), cell: (a) => [h('strong', label('actionday.kind', a.kind)),
        a.entity && h('div', { class: 'muted' }, a.entity), a.place && h('div', { class: 'muted' }, a.place)] },
      { label: t('actionday.col.org'), cell: (a) => a.org },
      { label: t('actionday.col.status'), cell: (a) => badge(t('actionday.status.' + a.status), STATUS_BADGE[a.status] || 'info') },
    ], rows, { class: 'stack ad-actions ad-time', label: t('actionday.table.time'),
      rowData: (a) => ({ action: String(a.id), status: a.status }) }));
  }

  function renderTables() {
    if (view === 'time') { renderTimeOrder(); return; }
    const by = countriesOf();
    const codes = Object.keys(by).sort((a, b) => countryName(a).localeCompare(countryName(b)));
    replace(tablesBox, codes.map((c) => {
      const zone = (day.timezones || {})[c];
      const st = countryState(by[c]);
      const rows = by[c].slice().sort((a, b) => String(a.planned_time).localeCompare(String(b.planned_time)) || a.id - b.id);
      return h('section', { class: 'ad-country', 'aria-labelledby': 'adc-' + c, dataset: { country: c, state: st } },
        h('h3', { id: 'adc-' + c }, countryName(c), ' ', h('span', { class: 'muted' }, '(' + c + ')'), ' ',
          h('span', { class: 'state state-' + st }, STATE_MARK[st], ' ', t('actionday.state.' + st)),
          zone && h('span', { class: 'tz' }, t('actionday.tz', { zone }))),
        table([
          { label: t('actionday.col.action'), cell: (a) => [h('strong', label('actionday.kind', a.kind)),
            a.entity && h('div', { class: 'muted' }, a.entity), a.place && h('div', { class: 'muted' }, a.place),
            a.description && h('div', { class: 'muted' }, a.description)] },
          { label: t('actionday.col.org'), cell: (a) => a.org },
          { label: t('actionday.col.planned'), cell: (a) => plannedCell(a, zone, day.day) },
          { label: t('actionday.col.status'), cell: (a) => badge(t('actionday.status.' + a.status), STATUS_BADGE[a.status] || 'info') },
          { label: t('actionday.col.last'), cell: (a) => a.last_seq
            ? [a.result ? h('span', a.result) : h('span', { class: 'muted' }, t('actionday.noresult')),
              h('div', { class: 'muted' }, fmtTime(a.updated_at))]
            : h('span', { class: 'muted' }, t('actionday.noreport')) },
        ], rows, { class: 'stack ad-actions', label: t('actionday.table.of', { country: countryName(c) }),
          rowData: (a) => ({ action: String(a.id), status: a.status }) }));
    }));
  }

  function renderLegend() {
    const st = states();
    replace(legend,
      ['planned', 'active', 'completed', 'failed'].map((k) => h('li', { class: 'legend-key' },
        h('span', { class: 'swatch swatch-' + k, 'aria-hidden': 'true' }),
        h('span', { 'aria-hidden': 'true' }, STATE_MARK[k]), ' ', t('actionday.state.' + k))),
      Object.entries(st).sort(([a], [b]) => countryName(a).localeCompare(countryName(b))).map(([c, k]) => {
        const as = countriesOf()[c];
        const done = as.filter((a) => a.status === 'completed').length;
        return h('li', { class: 'legend-country', dataset: { country: c, state: k } },
          h('span', { class: 'swatch swatch-' + k, 'aria-hidden': 'true' }),
          t('actionday.legend.country', { country: countryName(c), code: c, state: t('actionday.state.' + k),
            done, total: as.length }));
      }));
  }

  function timelineItem(u) {
    return h('li', { dataset: { seq: String(u.seq) } },
      h('time', { datetime: u.at }, fmtTime(u.at)), ' ',
      badge(t('actionday.status.' + u.status), STATUS_BADGE[u.status] || 'info'), ' ',
      h('strong', t('actionday.timeline.what', { kind: label('actionday.kind', u.kind), country: countryName(u.country) })),
      u.entity && h('span', { class: 'muted' }, ' · ' + u.entity),
      u.result && h('div', u.result),
      h('div', { class: 'muted' }, t('actionday.timeline.by', { by: u.by, org: u.org }),
        u.evidence_id ? [' · ', link('/evidence/' + u.evidence_id, t('actionday.timeline.evidence', { id: u.evidence_id }))] : null));
  }
  function renderTimeline() {
    timelineEmpty.hidden = timeline.length > 0;
    replace(timelineList, timeline.slice().sort((a, b) => b.seq - a.seq).map(timelineItem));
  }

  // One update, from the stream or from our own post; each sequence number once.
  function apply(u, announce) {
    if (!u || typeof u.seq !== 'number' || seen.has(u.seq)) return;
    seen.add(u.seq);
    lastSeq = Math.max(lastSeq, u.seq);
    timeline.push(u);
    const a = actions.get(u.action_id);
    if (a && (a.last_seq === null || a.last_seq === undefined || u.seq > a.last_seq)) {
      // As the server keeps it: the latest result given, not blanked by a report without one.
      a.status = u.status; a.result = u.result ?? a.result; a.last_seq = u.seq; a.updated_at = u.at;
    }
    renderTables();
    renderLegend();
    updateMap(mapSvg, states(), fill, mapLabel);
    renderTimeline();
    if (announce) {
      replace(live, t('actionday.live.new', { kind: label('actionday.kind', u.kind), country: countryName(u.country),
        status: t('actionday.status.' + u.status), result: u.result || '' }));
    }
  }

  // The report form, for the actions the user's organisation executes
  // (built again when an action is added to the plan).
  const formBox = h('div');
  function buildReportForm() {
    // Observers follow the day; the server refuses their reports too.
    const mine = me.role === 'observer' ? [] : [...actions.values()].filter((a) => a.org === me.org);
    let form = null;
    if (mine.length) {
      const actSel = field(t('actionday.form.action'), 'action', { type: 'select', required: true,
        options: mine.map((a) => [String(a.id), `${label('actionday.kind', a.kind)} — ${countryName(a.country)}, ${a.planned_time || ''}${a.place ? ' — ' + a.place : ''}`]) });
      const stSel = field(t('actionday.form.status'), 'status', { type: 'select', required: true,
        options: ['started', 'completed', 'failed'].map((k) => [k, t('actionday.status.' + k)]) });
      const result = field(t('actionday.form.result'), 'result', { type: 'textarea', rows: 2, help: t('actionday.form.result.help') });
      const evid = field(t('actionday.form.evidence'), 'evidence', { type: 'number', attrs: { min: '1', step: '1' },
        help: t('actionday.form.evidence.help') });
      // Changing a completed or failed action's outcome is a correction: its reason is required.
      const why = field(t('actionday.form.correction'), 'correction', { type: 'textarea', rows: 2,
        required: true, help: t('actionday.form.correction.help') });
      const correcting = () => {
        const a = actions.get(Number(actSel.input.value));
        const st = stSel.input.value;
        return !!a && ['completed', 'failed'].includes(a.status) && st !== 'started' && st !== a.status;
      };
      const showWhy = () => { why.hidden = !correcting(); why.input.disabled = why.hidden; };
      evid.input.addEventListener('input', () => { if (evid.input.hasAttribute('aria-invalid')) fieldError(evid, null); });
      actSel.input.addEventListener('change', showWhy);
      stSel.input.addEventListener('change', showWhy);
      showWhy();
      const msg = h('div');
      const submit = h('button', { type: 'submit' }, t('actionday.form.submit'));
      form = h('form', { class: 'ad-form', onsubmit: async (e) => {
        e.preventDefault();
        replace(msg);
        fieldError(evid, null);
        const b = { status: stSel.input.value };
        if (result.input.value.trim()) b.result = result.input.value.trim();
        if (evid.input.value.trim()) b.evidence = Number(evid.input.value);
        if (correcting()) b.correction = why.input.value.trim();
        submit.disabled = true;
        try {
          const u = await api.post('actions/' + encodeURIComponent(actSel.input.value) + '/updates', b);
          apply(u, true);
          result.input.value = '';
          evid.input.value = '';
          why.input.value = '';
          showWhy();
          replace(msg, notice(t('actionday.form.sent'), 'ok'));
        } catch (err) {
          // The server names the field it refuses ('field "evidence": item 12 is not an item
          // of this case'): the person gets what that means, at the field, in plain words.
          if (err.status === 400 && /^field "evidence"/.test(err.message || '') && b.evidence !== undefined) {
            fieldError(evid, t('actionday.form.evidence.wrong', { id: b.evidence }));
            evid.input.focus();
          } else {
            replace(msg, notice(errorText(err), 'error'));
          }
        } finally {
          submit.disabled = false;
        }
      } }, actSel, stSel, why, result, evid, submit, msg);
    }
    replace(formBox, form || h('p', { class: 'muted' }, t(me.role === 'observer' ? 'actionday.form.observer' : 'actionday.form.none')));
  }
  buildReportForm();

  // Adding an action to the plan (contributors to the case): the new action
  // joins the tables, the legend, the map and the report form at once.
  const addBox = h('div');
  function added(d) {
    const known = new Set(Object.keys(countriesOf()));
    let mineAdded = false;
    for (const a of d.actions || []) {
      if (actions.has(a.id)) continue;
      actions.set(a.id, { ...a });
      if (a.org === me.org) mineAdded = true;
    }
    renderTables();
    renderLegend();
    if (mineAdded) buildReportForm();
    const redraw = Object.keys(countriesOf()).some((c) => !known.has(c));
    (redraw ? drawMap(mapSvg, states(), fill, mapLabel, signal) : Promise.resolve())
      .then(() => updateMap(mapSvg, states(), fill, mapLabel)).catch(() => {});
  }
  let finished = false;
  canContribute(day.case_id).then((ok) => {
    if (ok && !finished) replace(addBox, h('section', { class: 'card', 'aria-labelledby': 'ad-add-h' },
      h('h2', { id: 'ad-add-h' }, t('fc.ad.add')), addActionForm(day, added)));
  });

  renderTables();
  renderLegend();
  renderTimeline();
  drawMap(mapSvg, states(), fill, mapLabel, signal).then(() => updateMap(mapSvg, states(), fill, mapLabel)).catch((e) => {
    if (e && e.name === 'AbortError') return;
    replace(mapBox, errorBox(e));
  });

  const formSection = h('section', { class: 'card', 'aria-labelledby': 'ad-form-h' },
    h('h2', { id: 'ad-form-h' }, t('actionday.form.title')), formBox);
  const overBox = h('div');
  // The day is over in every country: how it ended, and no form to report or plan.
  function finish() {
    if (finished) return;
    finished = true;
    conn.dataset.state = 'finished';
    conn.textContent = t('actionday.conn.finished');
    formSection.remove();
    replace(addBox);
    const all = [...actions.values()];
    const n = (st) => all.filter((a) => a.status === st).length;
    replace(overBox, h('div', { class: 'notice notice-info ad-over' },
      h('p', t('actionday.over', { time: fmtTime(new Date(overAt).toISOString().slice(0, 16) + 'Z') })),
      h('p', h('strong', t('actionday.over.outcome', { n: all.length, completed: n('completed'), failed: n('failed') })),
        n('planned') + n('started') ? [' ', t('actionday.over.open', { n: n('planned') + n('started') })] : null)));
  }

  const tzs = Object.entries(day.timezones || {}).map(([c, z]) => `${countryName(c)}: ${z}`).join('; ');
  const node = h('div', { class: 'coordination' },
    title(day.title || t('actionday.untitled'), h('span', { class: 'conn-wrap' }, conn)),
    h('p', { class: 'lead' }, t('actionday.sub', { day: fmtDate(day.day) }), ' ',
      link('/cases/' + day.case_id, t('actionday.case', { ref: day.case_reference }))),
    day.notes && h('p', day.notes),
    tzs && h('p', { class: 'muted' }, t('actionday.zones', { zones: tzs })),
    flash,
    overBox,
    live,
    h('div', { class: 'ad-layout' },
      h('div', { class: 'ad-main' },
        h('section', { 'aria-labelledby': 'ad-actions-h' }, actionsHeading,
          h('div', { class: 'ad-view', role: 'group', 'aria-label': t('actionday.view') }, viewButtons), tablesBox),
        formSection, addBox),
      h('div', { class: 'ad-side' },
        h('section', { class: 'card', 'aria-labelledby': 'ad-map-h' }, h('h2', { id: 'ad-map-h' }, t('actionday.map')),
          mapBox, h('h3', { id: 'ad-legend-h' }, t('actionday.legend')), h('div', { 'aria-labelledby': 'ad-legend-h', role: 'group' }, legend)),
        h('section', { class: 'card', 'aria-labelledby': 'ad-tl-h' }, h('h2', { id: 'ad-tl-h' }, t('actionday.timeline')),
          timelineEmpty, timelineList))));

  return {
    node,
    apply,
    lastSeq: () => lastSeq,
    connection(state) { if (!finished) { conn.dataset.state = state; conn.textContent = t('actionday.conn.' + state); } },
    finish,
  };
}

// The offset of a local time from its instant (the server's planned_at): "+01:00".
function offsetOf(day, time, at) {
  const mins = Math.round((Date.parse(`${day}T${time}:00Z`) - Date.parse(at)) / 60000);
  if (!Number.isFinite(mins)) return null;
  const a = Math.abs(mins);
  return (mins < 0 ? '-' : '+') + String(Math.floor(a / 60)).padStart(2, '0') + ':' + String(a % 60).padStart(2, '0');
}

function plannedCell(a, zone, day) {
  if (!a.planned_time) return '';
  // The server's instant when it has one (planned_at, UTC), dated when it falls on
  // another day; else this browser's reading of the zone.
  const at = typeof a.planned_at === 'string' ? a.planned_at : null;
  const off = at ? offsetOf(day, a.planned_time, at) : zone ? zoneOffset(zone, day, a.planned_time) : null;
  const utc = at ? (at.slice(0, 10) !== day ? at.slice(0, 10) + ' ' : '') + at.slice(11, 16)
    : off ? utcOf(a.planned_time, off) : null;
  return [h('span', { class: 'ptime' }, a.planned_time), ' ',
    h('span', { class: 'muted' }, off ? t('actionday.planned.local', { offset: off }) : ''),
    utc && h('div', { class: 'muted' }, t('actionday.planned.utc', { time: utc }))];
}
