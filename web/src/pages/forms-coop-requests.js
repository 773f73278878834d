// The request forms: a new request (POST /requests), and on a request's page
// the steps its issuing or executing organisation may take — a status of the
// table, a milestone, an extension with reasons, a deadline set by hand.
// Each form is offered only to the side the API lets do it.
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, replace, field, table, fmtDate, formMsg, formSubmit } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { orgs, REQUEST_KINDS, requestKind, label, today } from './records-common.js';
import { panel, writerRole, judicialRole, caseField, caseOf, caseEntities, checkGroup, put, setFlash } from './forms-coop-common.js';

// The legal limits (GET /deadline-rules), loaded once per page load.
let rulesP = null;
export function lawLimits() {
  if (!rulesP) rulesP = api.get('deadline-rules').catch((e) => { rulesP = null; throw e; });
  return rulesP;
}

const ISSUING_STEPS = ['sent', 'withdrawn'];
// The statuses a request is moved into by a judicial act (prosecutors, administrators).
const JUDICIAL_STEPS = ['sent', 'withdrawn', 'recognised', 'refused'];
const ARREST_KINDS = ['eaw', 'international_arrest_warrant', 'extradition'];
const CONSENT_KINDS = ['eaw', 'extradition'];
const FINAL = ['executed', 'refused', 'withdrawn'];
const STEPS = ['decision', 'execution', 'surrender'];

// ---- A new request -----------------------------------------------------------

export function newRequestPanel() {
  if (!judicialRole()) return '';
  return h('section', { class: 'form-section', 'aria-labelledby': 'new-request-h' },
    panel(h('span', { id: 'new-request-h' }, t('fc.req.new')), newRequestForm));
}

function newRequestForm() {
  const me = session.user || {};
  const msg = formMsg();
  const caseF = caseField(t('fc.req.case'), 'case');
  const kind = field(t('fc.req.kind'), 'kind', { type: 'select', required: true, value: 'eio',
    options: REQUEST_KINDS.map((k) => [k, requestKind(k)]) });
  const titleF = field(t('fc.req.title'), 'title', { required: true, attrs: { maxlength: '300' } });
  const exec = field(t('fc.req.executing'), 'executing_org', { type: 'select', required: true,
    options: [['', t('fc.req.executing.choose')]] });
  const execCountry = field(t('fc.req.executing_country'), 'executing_country', { type: 'select',
    options: [['', t('fc.req.country.default')]], help: t('fc.req.country.help') });
  const issCountry = field(t('fc.req.issuing_country'), 'issuing_country', { type: 'select',
    options: [['', t('fc.req.country.default')]] });
  const ref = field(t('fc.req.issuing_ref'), 'issuing_ref', { help: t('fc.req.issuing_ref.help') });
  const basis = field(t('fc.req.legal_basis'), 'legal_basis', { help: t('fc.req.legal_basis.help') });
  const urgent = field(t('fc.req.urgent'), 'urgent', { type: 'checkbox', help: t('fc.req.urgent.help') });
  const issued = field(t('fc.req.issued_on'), 'issued_on', { type: 'date', value: today(), attrs: { max: today() } });
  const subjects = checkGroup(t('fc.req.subjects'), 'subjects', [], { empty: t('fc.req.subjects.none'),
    help: t('fc.req.subjects.help') });
  const notes = field(t('fc.req.notes'), 'notes', { type: 'textarea', rows: 2 });
  const limits = h('div', { class: 'law-limits', 'aria-live': 'polite' });

  orgs().then((all) => {
    for (const o of all.filter((x) => x.code !== me.org))
      exec.input.append(h('option', { value: o.code }, o.code + ' — ' + o.name));
    for (const c of [...new Set(all.map((o) => o.country).filter(Boolean))].sort()) {
      execCountry.input.append(h('option', { value: c }, c));
      issCountry.input.append(h('option', { value: c }, c));
    }
  }).catch((e) => replace(msg, h('p', String(e.message))));

  caseF.input.addEventListener('change', async () => {
    const c = caseOf(caseF.input);
    if (!c) { subjects.set([]); return; }
    try {
      const ents = await caseEntities(c.id);
      subjects.set(ents.map((e) => [String(e.id), e.label + ' (' + label('entity.kind', e.kind) + ')']));
    } catch { subjects.set([]); }
  });
  // What the law will set for the chosen kind, before the request exists.
  async function showLimits() {
    const rules = (await lawLimits().catch(() => [])).filter((r) => r.kind === kind.input.value);
    replace(limits, rules.length
      ? [h('p', { class: 'help' }, t('fc.req.limits.intro')), h('ul', rules.map((r) => h('li', r.limit + ' — ' + r.article)))]
      : h('p', { class: 'help' }, t('fc.req.limits.none')));
  }
  kind.input.addEventListener('change', showLimits);
  showLimits();

  const form = h('form', { class: 'coop-form', 'aria-labelledby': 'new-request-h' },
    h('div', { class: 'form-grid' }, caseF, kind, titleF, exec, execCountry, issCountry, ref, basis, issued),
    urgent, limits, subjects, notes,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('fc.req.submit'))), msg);
  formSubmit(form, msg, async () => {
    const b = { case: caseF.input.value, kind: kind.input.value, title: titleF.input.value.trim(),
      executing_org: exec.input.value, urgent: urgent.input.checked };
    put(b, 'executing_country', execCountry.input.value);
    put(b, 'issuing_country', issCountry.input.value);
    put(b, 'issuing_ref', ref.input.value);
    put(b, 'legal_basis', basis.input.value);
    put(b, 'issued_on', issued.input.value);
    put(b, 'notes', notes.input.value);
    const subs = subjects.values().map(Number);
    if (subs.length) b.subjects = subs;
    const r = await api.post('requests', b);
    setFlash(t('fc.req.created', { title: r.title }));
    navigate('/requests/' + r.id);
    return null;
  });
  return form;
}

// ---- The steps on a request's page -------------------------------------------

// Is a step of this kind bound by a legal rule (then it is not set by hand)?
function fixedRule(rules, r, step) {
  return rules.find((x) => x.kind === r.kind && x.step === step && (!x.urgent_only || r.urgent));
}

export function requestForms(r, rules, rerender) {
  const me = session.user || {};
  const issuing = me.org === r.issuing_org;
  const executing = me.org === r.executing_org;
  const mayWrite = (issuing || executing) && writerRole();
  const out = [];

  // The limits the law sets for this kind, and whether their clock runs.
  const kindRules = rules.filter((x) => x.kind === r.kind);
  out.push(h('h2', { id: 'law-h' }, t('fc.req.limits')),
    kindRules.length ? table([
      { label: t('deadline.col.step'), cell: (x) => label('deadline.step', x.step) },
      { label: t('deadline.col.limit'), cell: (x) => x.limit },
      { label: t('deadline.col.article'), cell: (x) => x.article },
      { label: t('fc.req.limits.col.state'), cell: (x) => {
        const d = (r.deadlines || []).find((y) => y.rule === x.rule);
        if (d && d.state === 'open') return t('fc.req.limits.running', { due: fmtDate(d.due_on) });
        if (d) return t('fc.req.limits.closed', { state: label('deadline', d.state), due: fmtDate(d.due_on) });
        if (x.urgent_only && !r.urgent) return t('fc.req.limits.urgentonly');
        return t('fc.req.limits.waiting', { milestone: label('fc.milestone', x.starts) });
      } },
    ], kindRules, { class: 'stack', label: t('fc.req.limits') })
      : h('p', { class: 'empty' }, t('fc.req.limits.manual')));

  if (!mayWrite) {
    out.push(h('p', { class: 'muted' }, t('fc.req.readonly')));
    return h('div', out);
  }

  const done = async (text) => { setFlash(text); await rerender(); };
  const forms = [];

  // Status: only the next statuses of the table that belong to the user's side.
  // An analyst records receipt and execution; sending and deciding are a prosecutor's.
  const nexts = (r.next || []).filter((s) => (ISSUING_STEPS.includes(s) ? issuing : executing)
    && (judicialRole() || !JUDICIAL_STEPS.includes(s)));
  if (nexts.length) {
    const msg = formMsg();
    const to = field(t('fc.req.status.to'), 'to', { type: 'select', required: true,
      options: nexts.map((s) => [s, label('request.status', s)]) });
    const on = field(t('fc.req.status.on'), 'on', { type: 'date', value: today(), attrs: { max: today() } });
    const note = field(t('fc.req.status.note'), 'note', { type: 'textarea', rows: 2 });
    const form = h('form', { class: 'coop-form', 'aria-labelledby': 'st-h' },
      h('h3', { id: 'st-h' }, t('fc.req.status')), to, on, note,
      h('button', { type: 'submit' }, t('fc.req.status.submit')), msg);
    formSubmit(form, msg, async () => {
      const b = { to: to.input.value };
      put(b, 'on', on.input.value);
      put(b, 'note', note.input.value);
      await api.post('requests/' + r.id + '/status', b);
      await done(t('fc.req.status.done', { status: label('request.status', b.to) }));
    });
    forms.push(form);
  }

  // Milestones: the executing organisation, for the arrest kinds, while the request runs.
  if (executing && ARREST_KINDS.includes(r.kind) && ['received', 'recognised', 'in_execution'].includes(r.status)) {
    const events = [];
    if (!r.arrested_on) events.push('arrested');
    if (CONSENT_KINDS.includes(r.kind) && !r.consented_on) events.push('consented');
    if (events.length) {
      const msg = formMsg();
      const ev = field(t('fc.req.milestone.event'), 'event', { type: 'select', required: true,
        options: events.map((e) => [e, label('fc.milestone', e)]) });
      const on = field(t('fc.req.milestone.on'), 'on', { type: 'date', value: today(), attrs: { max: today() } });
      const form = h('form', { class: 'coop-form', 'aria-labelledby': 'ms-h' },
        h('h3', { id: 'ms-h' }, t('fc.req.milestone')), ev, on,
        h('button', { type: 'submit' }, t('fc.req.milestone.submit')), msg);
      formSubmit(form, msg, async () => {
        const b = { event: ev.input.value };
        put(b, 'on', on.input.value);
        await api.post('requests/' + r.id + '/milestones', b);
        await done(t('fc.req.milestone.done', { event: label('fc.milestone', b.event) }));
      });
      forms.push(form);
    }
  }

  // Extensions: legal limits by the executing organisation, within the article's
  // total; limits set by hand by either side.
  const extendable = (r.deadlines || []).filter((d) => {
    // A limit whose day has passed is missed: it can no longer be extended.
    if (d.state !== 'open' || d.due_on < today()) return false;
    const rule = rules.find((x) => x.rule === d.rule);
    if (!rule) return true; // set by hand
    return executing && rule.max_extension_days > (d.extended_days || 0);
  });
  if (extendable.length) {
    const msg = formMsg();
    const dl = field(t('fc.req.extend.deadline'), 'deadline', { type: 'select', required: true,
      options: extendable.map((d) => {
        const rule = rules.find((x) => x.rule === d.rule);
        const left = rule ? rule.max_extension_days - (d.extended_days || 0) : null;
        return [String(d.id), t('fc.req.extend.option', { step: label('deadline.step', d.step), due: fmtDate(d.due_on),
          article: d.article }) + (left !== null ? ' ' + t('fc.req.extend.left', { n: left }) : '')];
      }) });
    const days = field(t('fc.req.extend.days'), 'days', { type: 'number', required: true, value: '10',
      attrs: { min: '1', max: '365', step: '1', inputmode: 'numeric' } });
    const reason = field(t('fc.req.extend.reason'), 'reason', { type: 'textarea', rows: 2, required: true,
      help: t('fc.req.extend.reason.help') });
    const form = h('form', { class: 'coop-form', 'aria-labelledby': 'ex-h' },
      h('h3', { id: 'ex-h' }, t('fc.req.extend')), dl, days, reason,
      h('button', { type: 'submit' }, t('fc.req.extend.submit')), msg);
    formSubmit(form, msg, async () => {
      await api.post('requests/' + r.id + '/extensions', { deadline: Number(dl.input.value),
        days: Number(days.input.value), reason: reason.input.value.trim() });
      await done(t('fc.req.extend.done', { n: days.input.value }));
    });
    forms.push(form);
  }

  // A deadline by hand: steps without a legal rule and without one set already.
  // (A surrender step only for the requests that surrender a person.)
  const steps = FINAL.includes(r.status) ? [] : STEPS.filter((s) => !fixedRule(rules, r, s) &&
    (s !== 'surrender' || ARREST_KINDS.includes(r.kind)) &&
    !(r.deadlines || []).some((d) => d.rule === 'manual.' + s));
  if (steps.length) {
    const msg = formMsg();
    const step = field(t('fc.req.deadline.step'), 'step', { type: 'select', required: true, value: 'execution',
      options: steps.map((s) => [s, label('deadline.step', s)]) });
    const due = field(t('fc.req.deadline.due'), 'due_on', { type: 'date', required: true });
    const note = field(t('fc.req.deadline.note'), 'note', { type: 'textarea', rows: 2 });
    const form = h('form', { class: 'coop-form', 'aria-labelledby': 'dl-h' },
      h('h3', { id: 'dl-h' }, t('fc.req.deadline')), h('p', { class: 'help' }, t('fc.req.deadline.help')),
      step, due, note, h('button', { type: 'submit' }, t('fc.req.deadline.submit')), msg);
    formSubmit(form, msg, async () => {
      const b = { step: step.input.value, due_on: due.input.value };
      put(b, 'note', note.input.value);
      await api.post('requests/' + r.id + '/deadlines', b);
      await done(t('fc.req.deadline.done', { due: b.due_on }));
    });
    forms.push(form);
  }

  out.push(h('h2', { id: 'steps-h' }, t('fc.req.steps')),
    h('p', { class: 'help' }, t(issuing ? 'fc.req.side.issuing' : 'fc.req.side.executing', { org: me.org })),
    forms.length ? h('div', { class: 'form-cards' }, forms.map((f) => h('div', { class: 'card' }, f)))
      : h('p', { class: 'empty' }, t('fc.req.nosteps')));
  return h('div', out);
}
