// JIT forms: setting one up (#/jits), and on a JIT's page adding a member,
// linking a case and extending the agreement (full members who are
// prosecutors or administrators; an expired JIT takes only an extension).
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, field, replace, errorBox, FormError, formMsg, formSubmit } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { caseSeg, daysUntil } from './records-common.js';
import { disclosure, fillOrgs, canManageRole, ownedCases, repeater } from './forms-cases-common.js';
import { setFlash } from './forms-cases-case.js';

const roleOptions = () => [['member', t('jit.role.member')], ['participant', t('jit.role.participant')]];
function relabel(f, text) { f.querySelector('label').textContent = text; }

function memberRow(n) {
  const org = field(t('fcs.jit.member.org', { n }), 'm-org', { type: 'select', options: [['', t('fcs.part.pick')]] });
  const role = field(t('fcs.jit.member.role', { n }), 'm-role', { type: 'select', value: 'member', options: roleOptions() });
  fillOrgs(org.input, [(session.user || {}).org], t('fcs.part.pick')).catch(() => {});
  return {
    node: h('div', { class: 'row' }, org, role),
    renumber: (k) => { relabel(org, t('fcs.jit.member.org', { n: k })); relabel(role, t('fcs.jit.member.role', { n: k })); },
    value: () => org.input.value ? { org: org.input.value, role: role.input.value } : null,
  };
}

function plusYears(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.toISOString().slice(0, 10);
}

export function jitCreateForm() {
  if (!canManageRole()) return null;
  const me = session.user || {};
  const msg = formMsg();
  const today = new Date().toISOString().slice(0, 10);
  const name = field(t('fcs.jit.name'), 'name', { required: true, attrs: { maxlength: 200 } });
  const signed = field(t('fcs.jit.signed'), 'signed_on', { type: 'date', required: true, value: today });
  const expires = field(t('fcs.jit.expires'), 'expires_on', { type: 'date', required: true, value: plusYears(today, 2) });
  const members = repeater(memberRow, t('fcs.jit.member.add'), (n) => t('fcs.jit.member.remove', { n }), { initial: 1 });
  const cases = h('fieldset', { class: 'checks' }, h('legend', t('fcs.jit.cases')), h('p', { class: 'help' }, t('fcs.jit.cases.help', { org: me.org })));
  ownedCases().then((list) => {
    if (!list.length) cases.append(h('p', { class: 'empty' }, t('fcs.jit.cases.none')));
    cases.append(h('div', { class: 'check-grid' }, list.map((c) => field(c.reference + ' · ' + c.title, 'cases',
      { type: 'checkbox', attrs: { 'data-id': c.id } }))));
  }).catch((e) => replace(msg, errorBox(e)));
  const form = h('form', { class: 'record-form', 'aria-labelledby': 'newjit-h' },
    h('h2', { id: 'newjit-h' }, t('fcs.jit.heading')), h('p', { class: 'help' }, t('fcs.jit.intro', { org: me.org })),
    name, h('div', { class: 'row' }, signed, expires),
    h('fieldset', h('legend', t('fcs.jit.members')), members.node), cases, msg,
    h('button', { type: 'submit' }, t('fcs.jit.submit')));
  formSubmit(form, msg, async () => {
    if (!name.input.value.trim()) throw new FormError(t('fcs.jit.noname'));
    const body = { name: name.input.value.trim(), signed_on: signed.input.value, expires_on: expires.input.value,
      members: members.values(),
      cases: [...cases.querySelectorAll('input[type=checkbox]:checked')].map((x) => Number(x.dataset.id)) };
    const j = await api.post('jits', body);
    setFlash(t('fcs.jit.created', { name: j.name }));
    navigate('/jits/' + j.id);
    return null;
  });
  return disclosure(t('fcs.jit.open'), form);
}

// Whether the user may change the JIT: a full member's prosecutor or admin.
export function canManageJit(j) {
  const me = session.user || {};
  return canManageRole() && (j.members || []).some((m) => m.org === me.org && m.role === 'member');
}

export function jitForms(j, done) {
  if (!canManageJit(j)) return null;
  const active = (daysUntil(j.expires_on) ?? 0) >= 0;
  const base = 'jits/' + encodeURIComponent(j.id);

  const mmsg = formMsg();
  const org = field(t('fcs.jit.addmember.org'), 'org', { type: 'select', options: [['', t('fcs.part.pick')]] });
  const role = field(t('fcs.jit.addmember.role'), 'role', { type: 'select', value: 'member', options: roleOptions() });
  fillOrgs(org.input, (j.members || []).map((m) => m.org), t('fcs.part.pick')).catch((e) => replace(mmsg, errorBox(e)));
  const member = formSubmit(h('form', { class: 'record-form', 'aria-labelledby': 'jm-h' },
    h('h3', { id: 'jm-h' }, t('fcs.jit.addmember.heading')), org, role, mmsg,
    h('button', { type: 'submit' }, t('fcs.jit.addmember.submit'))), mmsg, async () => {
    if (!org.input.value) throw new FormError(t('fcs.part.noorg'));
    await api.post(base + '/members', { org: org.input.value, role: role.input.value });
    done(t('fcs.jit.addmember.done', { org: org.input.value }));
    return null;
  });

  const cmsg = formMsg();
  const cs = field(t('fcs.jit.addcase.case'), 'case', { type: 'select', options: [['', t('fcs.jit.addcase.pick')]] });
  const linked = (j.cases || []).map((c) => c.id);
  ownedCases().then((list) => {
    for (const c of list) if (!linked.includes(c.id)) cs.input.append(h('option', { value: c.id }, c.reference + ' · ' + c.title));
  }).catch((e) => replace(cmsg, errorBox(e)));
  const attach = formSubmit(h('form', { class: 'record-form', 'aria-labelledby': 'jc-h' },
    h('h3', { id: 'jc-h' }, t('fcs.jit.addcase.heading')), h('p', { class: 'help' }, t('fcs.jit.addcase.help')), cs, cmsg,
    h('button', { type: 'submit' }, t('fcs.jit.addcase.submit'))), cmsg, async () => {
    if (!cs.input.value) throw new FormError(t('fcs.jit.addcase.none'));
    const label = cs.input.selectedOptions[0].textContent;
    await api.post(base + '/cases', { case: Number(cs.input.value) });
    done(t('fcs.jit.addcase.done', { c: label }));
    return null;
  });

  const emsg = formMsg();
  const to = field(t('fcs.jit.extend.to'), 'expires_on', { type: 'date', required: true,
    value: j.expires_on ? plusYears(String(j.expires_on).slice(0, 10), 1) : '' });
  const reason = field(t('fcs.jit.extend.reason'), 'reason', { type: 'textarea', rows: 2, required: true });
  const extend = formSubmit(h('form', { class: 'record-form', 'aria-labelledby': 'je-h' },
    h('h3', { id: 'je-h' }, t('fcs.jit.extend.heading')), to, reason, emsg,
    h('button', { type: 'submit' }, t('fcs.jit.extend.submit'))), emsg, async () => {
    if (!reason.input.value.trim()) throw new FormError(t('fcs.jit.extend.noreason'));
    await api.post(base + '/extensions', { expires_on: to.input.value, reason: reason.input.value.trim() });
    done(t('fcs.jit.extend.done', { date: to.input.value }));
    return null;
  });

  return h('section', { class: 'manage', 'aria-labelledby': 'jman-h' }, h('h2', { id: 'jman-h' }, t('fcs.jit.manage')),
    active ? disclosure(t('fcs.jit.addmember.open'), member) : null,
    active ? disclosure(t('fcs.jit.addcase.open'), attach) : null,
    disclosure(t('fcs.jit.extend.open'), extend, !active));
}

export { caseSeg };
