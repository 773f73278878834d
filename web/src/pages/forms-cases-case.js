// Forms of a case: opening one (#/cases?new=1), and on its overview bringing
// organisations in, changing their role, removing them and closing the case
// (owners who are prosecutors or administrators: docs/access.md).
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, title, field, replace, notice, errorBox, link, FormError, formMsg, formSubmit } from '../ui.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { crimeTypes, caseSeg, label, orgs, today } from './records-common.js';
import { disclosure, fillOrgs, canManageRole, repeater } from './forms-cases-common.js';

export const ACCESS = ['participant', 'observer', 'owner'];
const accessOptions = () => ACCESS.map((a) => [a, t('fcs.access.' + a)]);

function relabel(f, text) { f.querySelector('label').textContent = text; }

// One participant row of the new-case form.
function participantRow(n) {
  const org = field(t('fcs.part.org', { n }), 'p-org', { type: 'select', options: [['', t('fcs.part.pick')]] });
  const access = field(t('fcs.part.access', { n }), 'p-access', { type: 'select', value: 'participant', options: accessOptions() });
  const ref = field(t('fcs.part.ref', { n }), 'p-ref', { attrs: { maxlength: 64 } });
  fillOrgs(org.input, [(session.user || {}).org], t('fcs.part.pick')).catch(() => {});
  return {
    node: h('div', { class: 'row' }, org, access, ref),
    renumber: (k) => { relabel(org, t('fcs.part.org', { n: k })); relabel(access, t('fcs.part.access', { n: k })); relabel(ref, t('fcs.part.ref', { n: k })); },
    value: () => {
      if (!org.input.value) return null;
      const p = { org: org.input.value, access: access.input.value };
      if (ref.input.value.trim()) p.national_ref = ref.input.value.trim();
      return p;
    },
  };
}

export function newCasePage(main) {
  const me = session.user || {};
  main.append(title(t('fcs.case.new.title')));
  if (!canManageRole()) {
    main.append(notice(t('fcs.case.new.denied', { role: me.role }), 'info'), link('/cases', t('fcs.case.back')));
    return;
  }
  const msg = formMsg();
  const titleF = field(t('fcs.case.title'), 'title', { required: true, attrs: { maxlength: 300 } });
  const ref = field(t('fcs.case.ref'), 'national_ref', { help: t('fcs.case.ref.help', { org: me.org }), attrs: { maxlength: 64 } });
  // A case opened today or before: the server refuses a day to come.
  const opened = field(t('fcs.case.opened'), 'opened_on', { type: 'date', help: t('fcs.case.opened.help'),
    attrs: { max: today() } });
  const crimes = h('fieldset', { class: 'checks' }, h('legend', t('fcs.case.crimes')));
  crimeTypes().then((types) => {
    crimes.append(h('div', { class: 'check-grid' }, types.map((ct) => field(ct.label, 'crime_types',
      { type: 'checkbox', attrs: { 'data-code': ct.code } }))));
  }).catch((e) => replace(msg, errorBox(e)));
  const parts = repeater(participantRow, t('fcs.part.add'), (n) => t('fcs.part.remove', { n }), { initial: 1 });
  const form = h('form', { class: 'record-form', 'aria-labelledby': 'page-title' },
    h('p', { class: 'help' }, t('fcs.case.intro', { org: me.org })),
    titleF, crimes, ref, opened,
    h('fieldset', h('legend', t('fcs.case.participants')), h('p', { class: 'help' }, t('fcs.case.participants.help')), parts.node),
    msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('fcs.case.submit')), link('/cases', t('common.cancel'))));
  formSubmit(form, msg, async () => {
    const types = [...crimes.querySelectorAll('input[type=checkbox]:checked')].map((x) => x.dataset.code);
    if (!titleF.input.value.trim()) { titleF.input.focus(); throw new FormError(t('fcs.case.notitle')); }
    if (!types.length) throw new FormError(t('fcs.case.nocrime'));
    const body = { title: titleF.input.value.trim(), crime_types: types, participants: parts.values() };
    if (ref.input.value.trim()) body.national_ref = ref.input.value.trim();
    if (opened.input.value) body.opened_on = opened.input.value;
    const c = await api.post('cases', body);
    setFlash(t('fcs.case.created', { ref: c.reference }));
    navigate('/cases/' + caseSeg(c.id));
  });
  main.append(form);
  titleF.input.focus();
}

// A message to show once on the next page (after navigating to it).
let flash = null;
export function setFlash(text) { flash = text; }
export function takeFlash() { const f = flash; flash = null; return f ? notice(f, 'ok') : null; }

// Whether the user may manage the case (owners, prosecutor or admin, case open).
export function canManage(c) {
  const me = session.user || {};
  const mine = (c.participants || []).find((p) => p.org === me.org);
  return c.status === 'open' && !!mine && mine.access === 'owner' && canManageRole();
}

// The actions cell of a participant row: change role, remove.
export function participantActions(c, p, done, msg) {
  if (!canManage(c) || p.org === c.requesting_org) return '';
  const sel = field(t('fcs.part.role.of', { org: p.org }), 'access-' + p.org, { type: 'select', value: p.access, options: accessOptions() });
  const change = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    if (sel.input.value === p.access) return;
    try {
      await api.patch('cases/' + caseSeg(c.id) + '/participants/' + encodeURIComponent(p.org), { access: sel.input.value });
      done(t('fcs.part.changed', { org: p.org, access: label('participant.access', sel.input.value) }));
    } catch (e) { replace(msg, errorBox(e)); }
  }, 'aria-label': t('fcs.part.change.label', { org: p.org }) }, t('fcs.part.change'));
  const rm = h('button', { type: 'button', class: 'danger', 'aria-label': t('fcs.part.rm.label', { org: p.org }), onclick: async () => {
    if (!confirm(t('fcs.part.rm.confirm', { org: p.org, ref: c.reference }))) return;
    try {
      await api.del('cases/' + caseSeg(c.id) + '/participants/' + encodeURIComponent(p.org));
      done(t('fcs.part.removed', { org: p.org }));
    } catch (e) { replace(msg, errorBox(e)); }
  } }, t('fcs.part.rm'));
  return h('div', { class: 'inline-form part-actions' }, sel, change, rm);
}

// The add-participant form and the close-case form, for managers.
export function manageForms(c, done, closed) {
  if (!canManage(c)) return null;
  const msg = formMsg();
  const org = field(t('fcs.part.org1'), 'org', { type: 'select', required: true, options: [['', t('fcs.part.pick')]] });
  const access = field(t('fcs.part.access1'), 'access', { type: 'select', value: 'participant', options: accessOptions() });
  const ref = field(t('fcs.part.ref1'), 'national_ref', { attrs: { maxlength: 64 } });
  fillOrgs(org.input, (c.participants || []).map((p) => p.org), t('fcs.part.pick')).catch((e) => replace(msg, errorBox(e)));
  const add = formSubmit(h('form', { class: 'record-form', 'aria-labelledby': 'addpart-h' },
    h('h3', { id: 'addpart-h' }, t('fcs.part.heading')), org, access, ref, msg,
    h('button', { type: 'submit' }, t('fcs.part.submit'))), msg, async () => {
    if (!org.input.value) { org.input.focus(); throw new FormError(t('fcs.part.noorg')); }
    const body = { org: org.input.value, access: access.input.value };
    if (ref.input.value.trim()) body.national_ref = ref.input.value.trim();
    await api.post('cases/' + caseSeg(c.id) + '/participants', body);
    done(t('fcs.part.added', { org: body.org }));
  });
  const cmsg = formMsg();
  const reason = field(t('fcs.close.reason'), 'reason', { type: 'textarea', rows: 2 });
  const close = formSubmit(h('form', { class: 'record-form', 'aria-labelledby': 'close-h' },
    h('h3', { id: 'close-h' }, t('fcs.close.heading')), h('p', { class: 'help' }, t('fcs.close.help')), reason, cmsg,
    h('button', { type: 'submit', class: 'danger' }, t('fcs.close.submit'))), cmsg, async () => {
    if (!confirm(t('fcs.close.confirm', { ref: c.reference }))) return null;
    const body = reason.input.value.trim() ? { reason: reason.input.value.trim() } : {};
    await api.post('cases/' + caseSeg(c.id) + '/close', body);
    closed(t('fcs.close.done', { ref: c.reference }));
    return null;
  });
  return h('div', { class: 'manage' }, disclosure(t('fcs.part.open'), add), disclosure(t('fcs.close.open'), close));
}

export { orgs };
