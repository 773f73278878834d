// Shared pieces of the forms of the cases, entities, JIT and custody pages:
// disclosure buttons, organisation pickers and repeatable rows.
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, replace } from '../ui.js';
import { session } from '../session.js';
import { orgs } from './records-common.js';

// A button that shows and hides a region (the form), aria-expanded kept right.
export function disclosure(text, content, open = false) {
  const id = 'disc-' + Math.random().toString(36).slice(2, 8);
  const region = h('div', { id, class: 'disclosed', hidden: !open }, content);
  const btn = h('button', { type: 'button', class: 'secondary disclose', 'aria-expanded': String(open),
    'aria-controls': id, onclick: () => {
      const now = btn.getAttribute('aria-expanded') !== 'true';
      btn.setAttribute('aria-expanded', String(now));
      region.hidden = !now;
      if (now) { const f = region.querySelector('input, select, textarea'); if (f) f.focus(); }
    } }, text);
  return h('div', { class: 'disclosure' }, btn, region);
}

// Fills a select with organisations (code · name), leaving out `exclude`.
export function fillOrgs(select, exclude = [], first = null) {
  return orgs().then((all) => {
    replace(select, first && h('option', { value: '' }, first),
      all.filter((o) => !exclude.includes(o.code)).map((o) => h('option', { value: o.code }, o.code + ' · ' + o.name)));
  });
}

export const canManageRole = () => ['prosecutor', 'admin'].includes((session.user || {}).role);

// Cases the user's organisation owns (and that are open): for linking to a JIT.
export async function ownedCases() {
  const me = session.user || {};
  const r = await api.get('cases?status=open&limit=500');
  return (r.items || []).filter((c) => (c.participants || []).some((p) => p.org === me.org && p.access === 'owner'));
}

// Repeatable rows (names, identifiers, members): make(n) builds row n (from 1)
// and returns a node with .value() ; rows can be added and removed.
export function repeater(make, addText, removeLabel, opts = {}) {
  const list = h('div', { class: 'rows' });
  const rows = [];
  function renumber() { rows.forEach((r, i) => r.setNumber && r.setNumber(i + 1)); }
  function add(initial) {
    const r = make(rows.length + 1, initial);
    const rm = h('button', { type: 'button', class: 'secondary small', onclick: () => {
      rows.splice(rows.indexOf(r), 1);
      wrap.remove();
      renumber();
      addBtn.focus();
    } }, t('fcs.row.remove'));
    rm.setAttribute('aria-label', removeLabel(rows.length + 1));
    r.rm = rm;
    const wrap = h('div', { class: 'row-item' }, r.node, rm);
    r.setNumber = (n) => { r.renumber && r.renumber(n); rm.setAttribute('aria-label', removeLabel(n)); };
    rows.push(r);
    list.append(wrap);
    return r;
  }
  const addBtn = h('button', { type: 'button', class: 'secondary small', onclick: () => {
    const r = add();
    const f = r.node.querySelector('input, select');
    if (f) f.focus();
  } }, addText);
  for (let i = 0; i < (opts.initial || 0); i++) add();
  return {
    node: h('div', { class: 'repeater' }, list, addBtn),
    values: () => rows.map((r) => r.value()).filter((v) => v !== null && v !== undefined),
    clear: () => { rows.splice(0); replace(list); for (let i = 0; i < (opts.initial || 0); i++) add(); },
  };
}

// Comma- or semicolon-separated values.
export function splitList(s) { return String(s || '').split(/[,;]/).map((x) => x.trim()).filter(Boolean); }
