// Meetings and the interview register: the list of meetings (filtered by
// case and kind, kept in the URL query) with the form that records a
// coordination meeting or a network's event; a meeting's page with its
// sessions, follow-up actions and the form for its outcome; the interviews
// of victims and witnesses (tab "interviews") with their register form; an
// interview's page (#/interviews/ID), where a planned one shows the
// earlier interviews of the same person.
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, title, table, load, field, link, replace, badge, tabs, fmtDate, fmtTime, formMsg, formSubmit } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { props, setQuery, caseLink, caseSeg, orgs, label, today } from './records-common.js';
import { panel, writerRole, caseField, caseOf, caseEntities, caseDoc, canContribute, checkGroup, put, setFlash, takeFlash } from './forms-coop-common.js';

const KINDS = ['coordination', 'plenary', 'study_visit', 'conference', 'other'];

// The cases the user sees, for the filters (loaded once per page).
function visibleCases() { return api.get('cases' + qs({ limit: 200 })).then((r) => r.items || r); }

function caseFilter(value) {
  const f = field(t('mtg.filter.case'), 'case', { type: 'select', value: value || '',
    options: [['', t('common.all')]] });
  visibleCases().then((cs) => {
    for (const c of cs) f.input.append(h('option', { value: c.reference, selected: c.reference === value }, c.reference + ' — ' + c.title));
  }).catch(() => {});
  return f;
}

export function meetingList(main, params, query) {
  const tab = query.get('tab') === 'interviews' ? 'interviews' : 'meetings';
  // No flash: nothing (the DOM's append would write "null").
  main.append(...[title(t('mtg.title')), takeFlash(),
    tabs([
      { id: 'meetings', label: t('mtg.tab.meetings'), render: (p) => meetingsTab(p, query) },
      { id: 'interviews', label: t('mtg.tab.interviews'), render: (p) => interviewsTab(p, query) },
    ], tab, (id) => setQuery('/meetings', { tab: id === 'meetings' ? '' : id }))].filter(Boolean));
}

export function meetingPage(main, params) {
  return oneMeeting(main, params.id);
}

// ---- The meetings -----------------------------------------------------------

function meetingTable(list) {
  return table([
    { label: t('mtg.col.title'), cell: (m) => link('/meetings/' + m.id, m.title) },
    { label: t('mtg.col.kind'), cell: (m) => label('mtg.kind', m.kind) },
    { label: t('mtg.col.held_on'), cell: (m) => fmtDate(m.held_on) },
    { label: t('mtg.col.case'), cell: (m) => m.case_id ? caseLink(m.case_id, m.case_reference) : '' },
    { label: t('mtg.col.organiser'), cell: (m) => m.organiser },
    { label: t('mtg.col.participants'), cell: (m) => (m.participants || []).map((p) => p.org).join(', ') },
    { label: t('mtg.col.outcome'), cell: (m) => m.outcome ? badge(t('mtg.outcome.recorded'), 'ok') : badge(t('mtg.outcome.open'), 'info') },
  ], list, { class: 'stack', label: t('mtg.tab.meetings'), empty: t('mtg.none') });
}

function meetingsTab(panelEl, query) {
  const caseF = caseFilter(query.get('case'));
  const kind = field(t('mtg.filter.kind'), 'kind', { type: 'select', value: query.get('kind') || '',
    options: [['', t('common.all')], ...KINDS.map((k) => [k, label('mtg.kind', k)])] });
  const results = h('div', { 'aria-live': 'polite' });
  function show() {
    const v = { case: caseF.input.value, kind: kind.input.value };
    setQuery('/meetings', v);
    load(results, async () => {
      const list = await api.get('meetings' + qs({ ...v, limit: 500 }));
      return h('div', h('p', { class: 'count' }, t('mtg.count', { n: list.length })), meetingTable(list));
    });
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('mtg.filters'),
    onsubmit: (e) => { e.preventDefault(); show(); } }, caseF, kind, h('button', { type: 'submit' }, t('common.filter')));
  for (const s of [caseF, kind]) s.input.addEventListener('change', show);
  panelEl.append(newMeetingPanel(), form, results);
  show();
}

// Rows of follow-up actions (text, organisation, request, due day).
function followUps(legend) {
  const rows = [];
  const box = h('div', { class: 'action-rows' });
  let orgCodes = [];
  let requests = [];
  function renumber() {
    rows.forEach((r, i) => {
      r.legend.textContent = t('mtg.action.n', { n: i + 1 });
      r.remove.textContent = t('mtg.action.remove', { n: i + 1 });
    });
  }
  function add() {
    const text = field(t('mtg.action.text'), 'action-text');
    const org = field(t('mtg.action.org'), 'action-org', { type: 'select',
      options: [['', t('mtg.action.org.none')], ...orgCodes.map((o) => [o, o])] });
    const req = field(t('mtg.action.request'), 'action-request', { type: 'select',
      options: [['', t('mtg.action.request.none')], ...requests.map((r) => [String(r.id), r.title])] });
    const due = field(t('mtg.action.due'), 'action-due', { type: 'date' });
    const row = { text, org, req, due, legend: h('legend') };
    row.remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
      rows.splice(rows.indexOf(row), 1);
      row.node.remove();
      renumber();
      addBtn.focus();
    } });
    row.node = h('fieldset', { class: 'action-row' }, row.legend,
      h('div', { class: 'form-grid' }, text, org, req, due), row.remove);
    rows.push(row);
    box.append(row.node);
    renumber();
    text.input.focus();
  }
  const addBtn = h('button', { type: 'button', class: 'secondary', onclick: add }, t('mtg.action.add'));
  const node = h('fieldset', { class: 'actions-set' }, h('legend', legend), box, addBtn);
  return {
    node,
    setChoices(o, r) { orgCodes = o; requests = r; },
    values() {
      return rows.filter((x) => x.text.input.value.trim()).map((x) => {
        const a = { text: x.text.input.value.trim() };
        put(a, 'org', x.org.input.value);
        if (x.req.input.value) a.request = Number(x.req.input.value);
        put(a, 'due_on', x.due.input.value);
        return a;
      });
    },
  };
}

function newMeetingPanel() {
  if (!writerRole()) return '';
  return h('section', { class: 'form-section', 'aria-labelledby': 'new-meeting-h' },
    panel(h('span', { id: 'new-meeting-h' }, t('mtg.new')), newMeetingForm));
}

function newMeetingForm() {
  const me = session.user || {};
  const msg = formMsg();
  const kind = field(t('mtg.f.kind'), 'kind', { type: 'select', required: true, value: 'coordination',
    options: KINDS.map((k) => [k, label('mtg.kind', k)]) });
  const caseF = caseField(t('mtg.f.case'), 'case', { help: t('mtg.f.case.help') });
  const titleF = field(t('mtg.f.title'), 'title', { required: true, attrs: { maxlength: '300' } });
  const held = field(t('mtg.f.held_on'), 'held_on', { type: 'date', required: true, value: today() });
  const place = field(t('mtg.f.place'), 'place');
  const agenda = field(t('mtg.f.agenda'), 'agenda', { type: 'textarea', rows: 3 });
  const parts = checkGroup(t('mtg.f.participants'), 'participants', [], { scroll: true,
    help: t('mtg.f.participants.help'), empty: t('mtg.f.participants.none') });
  const fu = followUps(t('mtg.f.actions'));
  let allOrgs = [];

  async function refresh() {
    const coordination = kind.input.value === 'coordination';
    caseF.hidden = !coordination;
    caseF.input.required = coordination;
    if (coordination) {
      const c = caseOf(caseF.input);
      if (!c) { parts.set([]); fu.setChoices([], []); return; }
      try {
        const [doc, reqs] = await Promise.all([caseDoc(c.id), api.get('requests' + qs({ case: c.reference }))]);
        const others = (doc.participants || []).filter((p) => p.org !== me.org);
        parts.set(others.map((p) => [p.org, p.org + ' — ' + p.name]), others.map((p) => p.org));
        fu.setChoices((doc.participants || []).map((p) => p.org), Array.isArray(reqs) ? reqs : reqs.items || []);
      } catch { parts.set([]); }
    } else {
      if (!allOrgs.length) allOrgs = await orgs().catch(() => []);
      parts.set(allOrgs.filter((o) => o.code !== me.org).map((o) => [o.code, o.code + ' — ' + o.name]));
      fu.setChoices(allOrgs.map((o) => o.code), []);
    }
  }
  kind.input.addEventListener('change', refresh);
  caseF.input.addEventListener('change', refresh);

  const form = h('form', { class: 'coop-form' },
    h('div', { class: 'form-grid' }, kind, caseF, titleF, held, place), agenda, parts, fu.node,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('mtg.f.submit'))), msg);
  formSubmit(form, msg, async () => {
    const b = { kind: kind.input.value, title: titleF.input.value.trim(), held_on: held.input.value,
      participants: parts.values() };
    if (b.kind === 'coordination') b.case = caseF.input.value;
    put(b, 'place', place.input.value);
    put(b, 'agenda', agenda.input.value);
    const acts = fu.values();
    if (acts.length) b.actions = acts;
    const m = await api.post('meetings', b);
    setFlash(t('mtg.created', { title: m.title }));
    navigate('/meetings/' + m.id);
    return null;
  });
  return form;
}

// The sessions of a meeting the user may record an outcome for: the meeting
// itself (its organiser, or a case's contributors), and closed sessions it is invited to.
async function outcomeTargets(m) {
  const me = session.user || {};
  if (!writerRole()) return { meeting: false, sessions: [] };
  const meeting = m.kind === 'coordination' ? await canContribute(m.case_id) : m.organiser === me.org;
  const sessions = (m.sessions || []).filter((s) => (s.closed
    ? (s.participants || []).some((p) => p.org === me.org) : meeting));
  return { meeting, sessions };
}

function oneMeeting(main, id) {
  const body = h('div');
  main.append(body);
  const render = () => load(body, async () => {
    const flash = takeFlash();
    let m;
    try {
      m = await api.get('meetings/' + encodeURIComponent(id));
    } catch (e) {
      if (e.status === 404 || e.status === 403) return h('div', title(t('mtg.unknown')), h('p', { role: 'alert', class: 'notice notice-error' }, t('mtg.notvisible')));
      throw e;
    }
    const targets = await outcomeTargets(m);
    // A follow-up's request by its title: each one the user may see, fetched once.
    const titles = new Map();
    await Promise.all([...new Set((m.actions || []).map((a) => a.request_id).filter(Boolean))].map((rid) =>
      api.get('requests/' + rid).then((r) => titles.set(rid, r.title), () => {})));
    return h('div',
      title(m.title, badge(label('mtg.kind', m.kind), 'info')),
      flash,
      h('p', link('/meetings', t('mtg.back'))),
      props([
        [t('mtg.col.kind'), label('mtg.kind', m.kind)],
        [t('mtg.col.case'), m.case_id ? caseLink(m.case_id, m.case_reference) : ''],
        [t('mtg.col.held_on'), fmtDate(m.held_on)],
        [t('mtg.f.place'), m.place],
        [t('mtg.col.organiser'), m.organiser],
        [t('mtg.col.participants'), (m.participants || []).map((p) => p.org).join(', ')],
      ]),
      h('h2', t('mtg.agenda')), m.agenda ? h('p', { class: 'pre' }, m.agenda) : h('p', { class: 'empty' }, t('mtg.agenda.none')),
      h('h2', t('mtg.outcome')), m.outcome ? h('p', { class: 'pre' }, m.outcome) : h('p', { class: 'empty' }, t('mtg.outcome.none')),
      (m.sessions || []).length ? [h('h2', t('mtg.sessions')), h('ul', { class: 'sessions' }, m.sessions.map((s) => h('li',
        h('h3', s.title, ' ', s.closed ? badge(t('mtg.session.closed'), 'warn') : badge(t('mtg.session.open'), 'info')),
        s.agenda && h('p', s.agenda),
        s.closed && h('p', { class: 'muted' }, t('mtg.session.invited', { list: (s.participants || []).map((p) => p.org).join(', ') })),
        h('p', s.outcome ? [h('strong', t('mtg.outcome') + ': '), s.outcome] : h('span', { class: 'muted' }, t('mtg.outcome.none'))))))] : null,
      h('h2', t('mtg.actions')),
      table([
        { label: t('mtg.action.text'), cell: (a) => a.text },
        { label: t('mtg.action.org'), cell: (a) => a.org || '' },
        { label: t('mtg.action.request'), cell: (a) => a.request_id
          ? link('/requests/' + a.request_id, titles.get(a.request_id) || t('mtg.action.request.n', { id: a.request_id })) : '' },
        { label: t('mtg.action.due'), cell: (a) => fmtDate(a.due_on) },
      ], m.actions, { class: 'stack', label: t('mtg.actions'), empty: t('mtg.actions.none') }),
      outcomeForm(m, targets, render));
  });
  render();
}

function outcomeForm(m, targets, rerender) {
  if (!targets.meeting && !targets.sessions.length) return h('p', { class: 'muted' }, t('mtg.outcome.readonly'));
  const msg = formMsg();
  const choices = [...(targets.meeting ? [['', t('mtg.outcome.of.meeting')]] : []),
    ...targets.sessions.map((s) => [String(s.id), t('mtg.outcome.of.session', { title: s.title })])];
  const of = field(t('mtg.outcome.of'), 'session', { type: 'select', options: choices });
  const text = field(t('mtg.outcome.text'), 'outcome', { type: 'textarea', rows: 4, required: true,
    value: targets.meeting ? m.outcome || '' : '' });
  const fu = followUps(t('mtg.outcome.actions'));
  const setChoices = async () => {
    if (m.kind !== 'coordination') {
      fu.setChoices((m.participants || []).map((p) => p.org), []);
      return;
    }
    const reqs = await api.get('requests' + qs({ case: m.case_reference })).catch(() => []);
    fu.setChoices((m.participants || []).map((p) => p.org), Array.isArray(reqs) ? reqs : reqs.items || []);
  };
  setChoices();
  // Writing into a closed session must say so, even when it is the only choice.
  const only = choices.length === 1 && choices[0][0]
    ? h('p', { class: 'muted' }, t('mtg.outcome.of.only', { title: targets.sessions[0].title })) : null;
  const form = h('form', { class: 'coop-form' }, choices.length > 1 ? of : only, text, fu.node,
    h('button', { type: 'submit' }, t('mtg.outcome.submit')), msg);
  formSubmit(form, msg, async () => {
    const b = { outcome: text.input.value.trim() };
    const sid = choices.length > 1 ? of.input.value : choices[0][0];
    if (sid) b.session = Number(sid);
    const acts = fu.values();
    if (acts.length) b.actions = acts;
    await api.post('meetings/' + m.id + '/outcome', b);
    setFlash(t('mtg.outcome.done'));
    await rerender();
  });
  return h('section', { class: 'card form-card', 'aria-labelledby': 'outcome-h' },
    h('h2', { id: 'outcome-h' }, t('mtg.outcome.record')), form);
}

// ---- The interviews ---------------------------------------------------------

function interviewTable(list) {
  return table([
    { label: t('iv.col.person'), cell: (i) => link('/interviews/' + i.id, i.entity_label || t('iv.entity', { id: i.entity_id })) },
    { label: t('iv.col.role'), cell: (i) => label('iv.role', i.role) },
    { label: t('iv.col.status'), cell: (i) => badge(label('iv.status', i.status), i.status === 'held' ? 'ok' : 'info') },
    { label: t('iv.col.on'), cell: (i) => fmtDate(i.on) },
    { label: t('iv.col.case'), cell: (i) => caseLink(i.case_id, i.case_reference) },
    { label: t('iv.col.org'), cell: (i) => i.org },
    { label: t('iv.col.earlier'), cell: (i) => i.earlier_interviews ? String(i.earlier_interviews.length) : '', class: 'num' },
  ], list, { class: 'stack', label: t('mtg.tab.interviews'), empty: t('iv.none') });
}

function interviewsTab(panelEl, query) {
  const caseF = caseFilter(query.get('case'));
  const results = h('div', { 'aria-live': 'polite' });
  function show() {
    const v = { case: caseF.input.value };
    setQuery('/meetings', { tab: 'interviews', ...v });
    load(results, async () => {
      const list = await api.get('interviews' + qs({ ...v, limit: 500 }));
      return h('div', h('p', { class: 'count' }, t('iv.count', { n: list.length })), interviewTable(list));
    });
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('iv.filters'),
    onsubmit: (e) => { e.preventDefault(); show(); } }, caseF, h('button', { type: 'submit' }, t('common.filter')));
  caseF.input.addEventListener('change', show);
  panelEl.append(newInterviewPanel(), form, results);
  show();
}

function newInterviewPanel() {
  if (!writerRole()) return '';
  return h('section', { class: 'form-section', 'aria-labelledby': 'new-iv-h' },
    panel(h('span', { id: 'new-iv-h' }, t('iv.new')), newInterviewForm));
}

function newInterviewForm() {
  const msg = formMsg();
  const caseF = caseField(t('iv.f.case'), 'case');
  const entity = field(t('iv.f.entity'), 'entity', { type: 'select', required: true,
    options: [['', t('iv.f.entity.choose')]], help: t('iv.f.entity.help') });
  const role = field(t('iv.f.role'), 'role', { type: 'select', required: true, value: 'witness',
    options: ['witness', 'victim'].map((r) => [r, label('iv.role', r)]) });
  const status = field(t('iv.f.status'), 'status', { type: 'select', required: true, value: 'planned',
    options: ['planned', 'held'].map((s) => [s, label('iv.status', s)]) });
  const on = field(t('iv.f.on'), 'on', { type: 'date', required: true, help: t('iv.f.on.help') });
  // A plan is for today or later; an interview held is not in the future.
  const bound = () => {
    on.input.removeAttribute(status.input.value === 'planned' ? 'max' : 'min');
    on.input.setAttribute(status.input.value === 'planned' ? 'min' : 'max', today());
  };
  status.input.addEventListener('change', bound);
  bound();
  const interviewer = field(t('iv.f.interviewer'), 'interviewer');
  const authority = field(t('iv.f.authority'), 'authority', { help: t('iv.f.authority.help') });
  const req = field(t('iv.f.request'), 'request', { type: 'select', options: [['', t('iv.f.none')]] });
  const record = field(t('iv.f.record'), 'record_item', { type: 'select', options: [['', t('iv.f.none')]] });
  const notes = field(t('iv.f.notes'), 'notes', { type: 'textarea', rows: 2 });

  caseF.input.addEventListener('change', async () => {
    const c = caseOf(caseF.input);
    const reset = (f, first) => replace(f.input, h('option', { value: '' }, first));
    reset(entity, t('iv.f.entity.choose'));
    reset(req, t('iv.f.none'));
    reset(record, t('iv.f.none'));
    if (!c) return;
    try {
      const [ents, reqs, items] = await Promise.all([caseEntities(c.id),
        api.get('requests' + qs({ case: c.reference })).catch(() => []),
        api.get('cases/' + caseSeg(c.id) + '/evidence').catch(() => [])]);
      for (const e of ents.filter((x) => x.kind === 'person')) entity.input.append(h('option', { value: String(e.id) }, e.label));
      for (const r of Array.isArray(reqs) ? reqs : reqs.items || []) req.input.append(h('option', { value: String(r.id) }, r.title));
      for (const i of Array.isArray(items) ? items : items.items || []) record.input.append(h('option', { value: String(i.id) }, i.title));
    } catch { /* the selects stay empty; the server names what is missing */ }
  });

  const form = h('form', { class: 'coop-form' },
    h('div', { class: 'form-grid' }, caseF, entity, role, status, on, interviewer, authority, req, record), notes,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('iv.f.submit'))), msg);
  formSubmit(form, msg, async () => {
    const b = { case: caseF.input.value, entity: Number(entity.input.value), role: role.input.value,
      status: status.input.value, on: on.input.value };
    put(b, 'interviewer', interviewer.input.value);
    put(b, 'authority', authority.input.value);
    if (req.input.value) b.request = Number(req.input.value);
    if (record.input.value) b.record_item = Number(record.input.value);
    put(b, 'notes', notes.input.value);
    const iv = await api.post('interviews', b);
    setFlash(t('iv.created'));
    navigate('/interviews/' + iv.id);
    return null;
  });
  return form;
}

// #/interviews/:id
export function interviewPage(main, params) {
  const id = params.id;
  const body = h('div');
  main.append(body);
  load(body, async () => {
    const flash = takeFlash();
    let iv;
    try {
      iv = await api.get('interviews/' + encodeURIComponent(id));
    } catch (e) {
      if (e.status === 404 || e.status === 403 || e.status === 400) return h('div', title(t('iv.unknown')), h('p', { role: 'alert', class: 'notice notice-error' }, t('iv.notvisible')));
      throw e;
    }
    const earlier = iv.earlier_interviews;
    return h('div',
      title(t('iv.title', { person: iv.entity_label || t('iv.entity', { id: iv.entity_id }) }),
        badge(label('iv.status', iv.status), iv.status === 'held' ? 'ok' : 'info')),
      flash,
      h('p', link('/meetings?tab=interviews', t('iv.back'))),
      props([
        [t('iv.col.person'), iv.entity_label],
        [t('iv.col.role'), label('iv.role', iv.role)],
        [t('iv.col.status'), label('iv.status', iv.status)],
        [t('iv.col.on'), fmtDate(iv.on)],
        [t('iv.col.case'), caseLink(iv.case_id, iv.case_reference)],
        [t('iv.col.org'), iv.org],
        [t('iv.f.interviewer'), iv.interviewer],
        [t('iv.f.authority'), iv.authority],
        [t('iv.f.request'), iv.request_id ? link('/requests/' + iv.request_id, t('mtg.action.request.n', { id: iv.request_id })) : ''],
        [t('iv.f.record'), iv.record_item_id ? link('/evidence/' + iv.record_item_id, iv.record_title || String(iv.record_item_id)) : ''],
        [t('iv.f.notes'), iv.notes],
        [t('iv.recorded'), fmtTime(iv.created_at)],
      ]),
      iv.status === 'planned' ? [
        h('h2', { id: 'earlier-h' }, t('iv.earlier')),
        h('p', { class: 'help' }, t('iv.earlier.help')),
        earlier && earlier.length ? h('ul', { class: 'earlier', 'aria-labelledby': 'earlier-h' }, earlier.map((e) => h('li',
          e.visible
            ? [link('/interviews/' + e.interview, t('iv.earlier.visible', { org: e.org, on: fmtDate(e.on),
              role: label('iv.role', e.role), case: e.case })), ' ', h('span', { class: 'muted' }, label('iv.via', e.via))]
            : [t('iv.earlier.hidden', { org: e.org, month: e.month }), ' ', h('span', { class: 'muted' }, label('iv.via', e.via))])))
          : h('p', { class: 'empty' }, t('iv.earlier.none')),
      ] : null);
  });
}
