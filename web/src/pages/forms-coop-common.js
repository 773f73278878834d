// Shared pieces of the cooperation forms (requests, action-day planning,
// meetings, interviews): submitting a form with its message box, the cases
// the user may write in, a case's entities and organisations as choices.
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, replace, notice, errorBox, field } from '../ui.js';
import { session } from '../session.js';
import { caseSeg } from './records-common.js';
import './meetings.css';

// A message kept over one navigation: the notice shown on the page a form leads to.
let flash = null;
export function setFlash(text) { flash = text; }
export function takeFlash() { const f = flash; flash = null; return f ? notice(f, 'ok') : null; }

// A collapsible panel holding a form ("New request"), keyboard-usable by
// nature. build() makes the form when the panel is first opened: a folded
// form costs no requests and adds no labelled fields to the page.
export function panel(summary, build) {
  const body = h('div', { class: 'form-panel-body' });
  const d = h('details', { class: 'form-panel' }, h('summary', summary), body);
  d.addEventListener('toggle', () => {
    if (d.open && !body.firstChild) body.append(build());
  });
  return d;
}

// The open cases the user's organisation may contribute to (not as an observer).
let casesP = null;
export async function writableCases() {
  if (!casesP) {
    casesP = api.get('cases' + qs({ status: 'open', limit: 200 })).then((r) => (r.items || r).filter((c) => {
      const me = session.user || {};
      const mine = (c.participants || []).find((p) => p.org === me.org);
      return mine && mine.access !== 'observer' && me.role !== 'observer';
    })).catch((e) => { casesP = null; throw e; });
  }
  return casesP;
}

// Observers and viewers read: the forms that write are not offered to them ('' appends nothing).
export function writerRole() {
  const role = (session.user || {}).role;
  return role !== 'observer' && role !== 'viewer';
}

// May the user take a judicial act (issue, send, decide on, withdraw a request)?
// Prosecutors and administrators; an analyst prepares and follows requests.
export function judicialRole() {
  const role = (session.user || {}).role;
  return role === 'prosecutor' || role === 'admin';
}

// May the user contribute to case id (its participants as the case lists them)?
export async function canContribute(caseId) {
  const me = session.user || {};
  if (!writerRole()) return false;
  try {
    const c = await api.get('cases/' + caseSeg(caseId));
    const mine = (c.participants || []).find((p) => p.org === me.org);
    return !!mine && mine.access !== 'observer' && c.status === 'open';
  } catch {
    return false;
  }
}

// A select of cases (by reference); value: the reference.
export function caseField(labelText, name, opts = {}) {
  const f = field(labelText, name, { type: 'select', required: true,
    options: [['', t('fc.case.choose')]], help: opts.help });
  writableCases().then((cs) => {
    for (const c of cs) f.input.append(h('option', { value: c.reference, dataset: { id: String(c.id) } }, c.reference + ' — ' + c.title));
    if (opts.value) f.input.value = opts.value;
    f.input.dispatchEvent(new Event('change'));
  }).catch(() => {});
  return f;
}
export function caseOf(caseSelect) {
  const o = caseSelect.selectedOptions[0];
  return o && o.dataset.id ? { id: o.dataset.id, reference: o.value } : null;
}

// A case's entities ([{id, kind, label}]), and its participants.
export async function caseEntities(caseId) { return api.get('cases/' + caseSeg(caseId) + '/entities'); }
export async function caseDoc(caseId) { return api.get('cases/' + caseSeg(caseId)); }

// A group of checkboxes (a fieldset with its legend); .values() the checked ones.
export function checkGroup(legend, name, items, opts = {}) {
  const box = h('div', { class: ['check-list', opts.scroll && 'check-scroll'] });
  const fs = h('fieldset', { class: 'check-group' }, h('legend', legend), box,
    opts.help && h('small', { class: 'help' }, opts.help));
  fs.set = (list, checked = []) => {
    replace(box, list.length ? list.map(([v, l]) => {
      const f = field(l, name, { type: 'checkbox', value: checked.includes(v) });
      f.input.value = String(v);
      return f;
    }) : h('p', { class: 'empty' }, opts.empty || t('common.none')));
  };
  fs.values = () => [...box.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);
  fs.set(items || [], opts.checked || []);
  return fs;
}


// Puts a trimmed text value into body[key] when not empty.
export function put(body, key, value) {
  const v = typeof value === 'string' ? value.trim() : value;
  if (v !== '' && v !== undefined && v !== null) body[key] = v;
}

export { h, replace, notice, errorBox, field };
