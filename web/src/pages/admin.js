// Administration, for an organisation's administrators (role admin): its
// users (add one, disable or enable), what its cases' retention asks for
// (reviews and deletions due) and the legal holds on the cases it owns. The
// API decides who may do what; this page only leaves out what is not theirs.
import './meetings.css';
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, replace, field, notice, errorBox, load, title, table, badge, link, fmtDate, fmtTime, formMsg, formSubmit, FormError } from '../ui.js';
import { session } from '../session.js';
import { caseSeg, today } from './records-common.js';

export const ROLES = ['admin', 'prosecutor', 'analyst', 'observer'];
// The choices of horizon: the API's ?within, and its words.
const WITHIN = [['30d', 'admin.within.days', 30], ['90d', 'admin.within.days', 90], ['365d', 'admin.within.years', 1],
  ['1826d', 'admin.within.years', 5]];
const withinText = ([, key, n]) => t(key, { n });

export function isAdmin() { return (session.user || {}).role === 'admin'; }

export function adminPage(main, params, query) {
  const me = session.user || {};
  if (!isAdmin()) {
    main.append(title(t('admin.title')), notice(t('admin.only'), 'info'));
    return undefined;
  }
  const ctl = new AbortController();
  const retention = retentionSection(query, ctl.signal);
  main.append(title(t('admin.title')), h('p', { class: 'lead' }, t('admin.intro', { org: me.org })),
    usersSection(me, ctl.signal),
    tokensSection(ctl.signal),
    retention,
    // A hold placed or released changes what the retention section shows.
    holdsSection(me, ctl.signal, () => retention.show()));
  return () => ctl.abort();
}

// An action that takes effect at once (disable, revoke, release) asks first, in
// the page: its button gives way to "Confirm: …" and "Cancel", the confirm
// button focused; Cancel (or Escape) puts the button back. act(button) runs the
// action once confirmed.
export function confirmAction(text, confirmText, cls, act) {
  const holder = h('span', { class: 'confirm-step' });
  const start = h('button', { type: 'button', class: cls, onclick: () => ask() }, text);
  function back(focus) {
    replace(holder, start);
    if (focus) start.focus();
  }
  function ask() {
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => back(true) }, t('common.cancel'));
    const yes = h('button', { type: 'button', class: 'danger', onclick: async () => {
      yes.disabled = true;
      cancel.disabled = true;
      try {
        await act(yes);
      } finally {
        if (yes.isConnected) { yes.disabled = false; cancel.disabled = false; }
      }
    } }, confirmText);
    const group = h('span', { class: 'confirm-group', role: 'group', 'aria-label': text,
      onkeydown: (e) => { if (e.key === 'Escape') back(true); } }, yes, ' ', cancel);
    replace(holder, group);
    yes.focus();
  }
  holder.append(start);
  return holder;
}

// ---- Users -------------------------------------------------------------------------

function usersSection(me, signal) {
  const box = h('div');
  const msg = h('div', { class: 'form-msg' });
  const pw = passwordForm();
  const refresh = () => load(box, async () => {
    const users = await api.get('users' + qs({ org: me.org }), { signal });
    pw.setUsers(users);
    return table([
      { label: t('admin.col.username'), cell: (u) => h('span', { class: 'mono' }, u.username) },
      { label: t('admin.col.name'), cell: (u) => u.full_name || '' },
      { label: t('admin.col.role'), cell: (u) => t('admin.role.' + u.role) },
      { label: t('admin.col.status'), cell: (u) => (u.disabled ? badge(t('admin.disabled'), 'bad') : badge(t('admin.active'), 'ok')) },
      { label: t('admin.col.actions'), cell: (u) => (u.username === me.username
        ? h('span', { class: 'muted' }, t('admin.you'))
        : u.disabled ? h('button', { type: 'button', class: 'secondary',
          onclick: (e) => setDisabled(u, e.currentTarget) }, t('admin.enable', { user: u.username }))
          // Disabling ends the user's sessions: asked first.
          : confirmAction(t('admin.disable', { user: u.username }), t('admin.disable.confirm', { user: u.username }), 'danger',
            (b) => setDisabled(u, b))) },
    ], users, { class: 'stack admin-users', label: t('admin.users', { org: me.org }), empty: t('admin.users.none'),
      rowData: (u) => ({ user: u.username, disabled: String(!!u.disabled) }) });
  });
  async function setDisabled(u, b) {
    b.disabled = true;
    replace(msg);
    try {
      await api.patch('users/' + encodeURIComponent(u.username), { disabled: !u.disabled });
      replace(msg, notice(t(u.disabled ? 'admin.enabled.done' : 'admin.disabled.done', { user: u.username }), 'ok'));
      await refresh();
    } catch (err) {
      b.disabled = false;
      replace(msg, errorBox(err));
    }
  }
  refresh();
  return h('section', { class: 'card admin-card', 'aria-labelledby': 'admin-users-h' },
    h('h2', { id: 'admin-users-h' }, t('admin.users', { org: me.org })), msg, box,
    h('h3', { id: 'admin-add-h' }, t('admin.add')), addUserForm(refresh),
    h('h3', { id: 'admin-pw-h' }, t('admin.pw')), pw.form);
}

// A new password for a user who lost theirs: their sessions end with it (the server's rule).
// Its users come with each load of the users' table (setUsers), so one just added is there.
function passwordForm() {
  const msg = formMsg();
  const user = field(t('admin.f.user'), 'username', { type: 'select', required: true, options: [['', '—']] });
  const setUsers = (users) => {
    const was = user.input.value;
    replace(user.input, h('option', { value: '' }, '—'),
      users.map((u) => h('option', { value: u.username }, u.username)));
    if (users.some((u) => u.username === was)) user.input.value = was;
  };
  const pass = field(t('admin.f.newpassword'), 'password', { type: 'password', required: true,
    autocomplete: 'new-password', help: t('admin.f.newpassword.help'), attrs: { minlength: '8' } });
  const form = h('form', { class: 'coop-form admin-pw', 'aria-labelledby': 'admin-pw-h' },
    h('div', { class: 'form-grid' }, user, pass),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('admin.pw.submit'))), msg);
  formSubmit(form, msg, async () => {
    if (!user.input.value) throw new FormError(t('admin.f.user.missing'));
    await api.patch('users/' + encodeURIComponent(user.input.value), { password: pass.input.value });
    pass.input.value = '';
    return t('admin.pw.done', { user: user.input.value });
  });
  return { form, setUsers };
}

// ---- Sessions and API tokens --------------------------------------------------------

// Those in force (not revoked, not expired): a lost laptop's or a script's, revoked at once.
function tokensSection(signal) {
  const box = h('div');
  const msg = h('div', { class: 'form-msg' });
  const refresh = () => load(box, async () => {
    const now = new Date().toISOString();
    const all = await api.get('tokens', { signal });
    const live = all.filter((k) => !k.revoked_at && (!k.expires_at || k.expires_at > now));
    return table([
      { label: t('admin.col.user'), cell: (k) => h('span', { class: 'mono' }, k.user) },
      { label: t('admin.col.kind'), cell: (k) => t('admin.token.' + k.kind) },
      { label: t('admin.col.label'), cell: (k) => k.label || '' },
      { label: t('admin.col.created'), cell: (k) => h('span', { class: 'nowrap' }, fmtTime(k.created_at)) },
      { label: t('admin.col.expires'), cell: (k) => (k.expires_at ? h('span', { class: 'nowrap' }, fmtTime(k.expires_at)) : t('admin.token.never')) },
      { label: t('admin.col.actions'), cell: (k) => confirmAction(t('admin.token.revoke', { user: k.user }),
        t('admin.token.revoke.confirm', { user: k.user }), 'danger', async () => {
          replace(msg);
          try {
            await api.del('tokens/' + encodeURIComponent(k.id));
            replace(msg, notice(t('admin.token.revoked', { user: k.user }), 'ok'));
          } catch (err) {
            replace(msg, errorBox(err));
          }
          await refresh();
        }) },
    ], live, { class: 'stack admin-tokens', label: t('admin.tokens'), empty: t('admin.tokens.none'),
      rowData: (k) => ({ token: k.id, user: k.user }) });
  });
  refresh();
  return h('section', { class: 'card admin-card', 'aria-labelledby': 'admin-tokens-h' },
    h('h2', { id: 'admin-tokens-h' }, t('admin.tokens')),
    h('p', { class: 'help' }, t('admin.tokens.help')), msg, box);
}

function addUserForm(onAdded) {
  const msg = formMsg();
  const username = field(t('admin.f.username'), 'username', { required: true, help: t('admin.f.username.help'),
    attrs: { pattern: '[a-z0-9][a-z0-9._\\-]{0,63}', maxlength: '64', spellcheck: 'false', autocapitalize: 'none' } });
  const name = field(t('admin.f.name'), 'full_name', { attrs: { maxlength: '200' } });
  const role = field(t('admin.f.role'), 'role', { type: 'select', required: true, value: 'prosecutor',
    options: ROLES.map((r) => [r, t('admin.role.' + r)]) });
  const pass = field(t('admin.f.password'), 'password', { type: 'password', required: true, autocomplete: 'new-password',
    help: t('admin.f.password.help'), attrs: { minlength: '8' } });
  const form = h('form', { class: 'coop-form admin-add', 'aria-labelledby': 'admin-add-h' },
    h('div', { class: 'form-grid' }, username, name, role, pass),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('admin.add.submit'))), msg);
  formSubmit(form, msg, async () => {
    const b = { username: username.input.value.trim(), role: role.input.value, password: pass.input.value };
    if (!b.username) throw new FormError(t('admin.f.username.missing'));
    if (name.input.value.trim()) b.full_name = name.input.value.trim();
    const u = await api.post('users', b);
    username.input.value = '';
    name.input.value = '';
    pass.input.value = '';
    await onAdded();
    return t('admin.add.done', { user: u.username, role: t('admin.role.' + u.role) });
  });
  return form;
}

// ---- Retention due ---------------------------------------------------------------

function retentionSection(query, signal) {
  const box = h('div');
  const chosen = WITHIN.find(([k]) => k === query.get('within')) || WITHIN[0];
  const within = field(t('admin.within'), 'within', { type: 'select', value: chosen[0],
    options: WITHIN.map((w) => [w[0], withinText(w)]) });
  const show = () => load(box, async () => {
    const days = WITHIN.find(([k]) => k === within.input.value) || WITHIN[0];
    const due = await api.get('retention' + qs({ within: days[0] }), { signal });
    return table([
      { label: t('admin.col.case'), cell: (c) => [link('/cases/' + caseSeg(c.case_id), c.reference), h('div', { class: 'muted' }, c.title)] },
      { label: t('admin.col.due'), cell: (c) => h('ul', { class: 'plain' }, (c.due || []).map((d) => {
        // A date already passed is overdue: said in words and in red, not as one still to come.
        const late = d.due_on && String(d.due_on).slice(0, 10) < today();
        return h('li', { class: late ? 'due-overdue' : undefined },
          late ? badge(t('admin.due.overdue', { what: t('admin.due.' + d.action) }), 'bad')
            : badge(t('admin.due.' + d.action), d.action === 'delete' ? 'bad' : 'warn'), ' ',
          h('span', { class: 'nowrap' }, fmtDate(d.due_on)), ' ', h('span', { class: 'muted' }, d.why));
      })) },
      { label: t('admin.col.holds'), cell: (c) => ((c.holds || []).length
        ? h('ul', { class: 'plain' }, c.holds.map((x) => h('li', x.reason)))
        : h('span', { class: 'muted' }, t('admin.holds.none.short'))) },
    ], due, { class: 'stack admin-retention', label: t('admin.retention'),
      empty: t('admin.retention.none', { within: withinText(days) }), rowData: (c) => ({ case: c.reference }) });
  });
  show();
  const section = h('section', { class: 'card admin-card', 'aria-labelledby': 'admin-ret-h' },
    h('h2', { id: 'admin-ret-h' }, t('admin.retention')),
    h('p', { class: 'help' }, t('admin.retention.help')),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); show(); } },
      within, h('button', { type: 'submit' }, t('admin.within.show'))),
    box);
  section.show = show;
  return section;
}

// ---- Legal holds -----------------------------------------------------------------

// The cases the organisation owns (it registered them): the ones whose holds it places and releases.
async function ownCases(me, signal) {
  const out = [];
  let after;
  for (let i = 0; i < 20; i++) {
    const r = await api.get('cases' + qs({ limit: 500, after }), { signal });
    const items = Array.isArray(r) ? r : r.items || [];
    for (const c of items) if (c.requesting_org === me.org) out.push(c);
    after = r && r.next;
    if (!after || !items.length) break;
  }
  return out;
}

function holdsSection(me, signal, onChange) {
  const box = h('div');
  const msg = h('div', { class: 'form-msg' });
  const formBox = h('div');
  let placeForm = null;
  const changed = async () => { await refresh(); if (onChange) await onChange(); };
  const refresh = () => load(box, async () => {
    const cases = await ownCases(me, signal);
    const rows = [];
    for (const c of cases) {
      const ret = await api.get('cases/' + caseSeg(c.id) + '/retention', { signal });
      for (const x of ret.holds || []) rows.push({ c, x });
    }
    if (!formBox.firstChild) replace(formBox, placeForm = placeHoldForm(cases, changed));
    return table([
      { label: t('admin.col.case'), cell: (r) => link('/cases/' + caseSeg(r.c.id), r.c.reference) },
      { label: t('admin.col.reason'), cell: (r) => r.x.reason },
      { label: t('admin.col.placed'), cell: (r) => [r.x.placed_by || '', ' ', h('span', { class: 'nowrap' }, fmtTime(r.x.placed_at))] },
      { label: t('admin.col.actions'), cell: (r) => confirmAction(t('admin.hold.release', { ref: r.c.reference }),
        t('admin.hold.release.confirm', { ref: r.c.reference }), 'secondary', async () => {
          replace(msg);
          try {
            await api.post('cases/' + caseSeg(r.c.id) + '/holds/' + encodeURIComponent(r.x.id) + '/release');
            replace(msg, notice(t('admin.hold.released', { ref: r.c.reference }), 'ok'));
            // "A legal hold is placed on …" under the form no longer holds.
            if (placeForm && placeForm.msg) replace(placeForm.msg);
          } catch (err) {
            replace(msg, errorBox(err));
          }
          await changed();
        }) },
    ], rows, { class: 'stack admin-holds', label: t('admin.holds'), empty: t('admin.holds.none'),
      rowData: (r) => ({ hold: String(r.x.id) }) });
  });
  refresh();
  return h('section', { class: 'card admin-card', 'aria-labelledby': 'admin-holds-h' },
    h('h2', { id: 'admin-holds-h' }, t('admin.holds')),
    h('p', { class: 'help' }, t('admin.holds.help')), msg, box,
    h('h3', { id: 'admin-hold-h' }, t('admin.hold.place')), formBox);
}

function placeHoldForm(cases, onPlaced) {
  if (!cases.length) return h('p', { class: 'muted' }, t('admin.hold.nocases'));
  const msg = formMsg();
  const kase = field(t('admin.f.case'), 'case', { type: 'select', required: true,
    options: cases.map((c) => [String(c.id), `${c.reference} — ${c.title}`]) });
  const reason = field(t('admin.f.reason'), 'reason', { type: 'textarea', rows: 2, required: true,
    help: t('admin.f.reason.help'), attrs: { maxlength: '2000' } });
  const form = h('form', { class: 'coop-form admin-hold', 'aria-labelledby': 'admin-hold-h' },
    h('div', { class: 'form-grid' }, kase, reason),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('admin.hold.submit'))), msg);
  formSubmit(form, msg, async () => {
    const text = reason.input.value.trim();
    if (!text) throw new FormError(t('admin.f.reason.missing'));
    const c = cases.find((x) => String(x.id) === kase.input.value);
    await api.post('cases/' + caseSeg(c.id) + '/holds', { reason: text });
    reason.input.value = '';
    await onPlaced();
    return t('admin.hold.placed', { ref: c.reference });
  });
  form.msg = msg;
  return form;
}
