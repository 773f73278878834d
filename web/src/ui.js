// Small DOM helpers shared by every page. Text is always set as text (never
// innerHTML): evidence titles, names and notes come from other
// organisations and must never run as markup.
import { t } from './strings.js';
import { ApiError } from './api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('tag.class#id', {attr: value, onclick: fn}, child, [children], 'text')
function make(doc, ns, spec, attrs, children) {
  const m = /^([a-z0-9-]+)((?:[.#][\w-]+)*)$/i.exec(spec);
  if (!m) throw new Error('bad element spec ' + spec);
  const el = ns ? doc.createElementNS(ns, m[1]) : doc.createElement(m[1]);
  for (const part of m[2].match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && !ns) el.value = v;
    else if (k === 'checked' && !ns) el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function h(spec, attrs, ...children) { return make(document, null, spec, attrs, children); }
export function s(spec, attrs, ...children) { return make(document, SVG_NS, spec, attrs, children); }

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
export function replace(el, ...children) { clear(el); append(el, children); return el; }

// Dates and times as people at the hub read them: ISO day, 24-hour clock, UTC marked.
export function fmtDate(iso) { return iso ? String(iso).slice(0, 10) : ''; }
export function fmtTime(iso) {
  if (!iso) return '';
  const s = String(iso);
  return s.length > 16 ? s.slice(0, 10) + ' ' + s.slice(11, 16) + (s.endsWith('Z') ? ' UTC' : '') : s;
}
export function fmtBytes(n) {
  if (n === undefined || n === null) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, v = Number(n);
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i ? v.toFixed(1) : String(v)) + ' ' + u[i];
}

// A status word as a badge; kind picks the colour (ok, warn, bad, info).
export function badge(text, kind = 'info') { return h('span', { class: 'badge badge-' + kind }, text); }

// A labelled form field. type: text, password, date, number, select, textarea, file, checkbox.
export function field(label, name, opts = {}) {
  const id = opts.id || 'f-' + name + '-' + Math.random().toString(36).slice(2, 7);
  let input;
  const common = { id, name, required: opts.required, autocomplete: opts.autocomplete || 'off',
    'aria-describedby': opts.help ? id + '-help' : undefined, ...(opts.attrs || {}) };
  if (opts.type === 'select') {
    input = h('select', common, (opts.options || []).map((o) => {
      const [v, l] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: String(opts.value ?? '') === String(v) }, l);
    }));
  } else if (opts.type === 'textarea') {
    input = h('textarea', { ...common, rows: opts.rows || 3 });
    if (opts.value) input.value = opts.value;
  } else {
    // A checkbox's opts.value is whether it is checked; its value attribute comes from attrs.
    const box = opts.type === 'checkbox';
    input = h('input', { ...common, type: opts.type || 'text', value: box ? common.value : opts.value,
      placeholder: opts.placeholder, checked: box ? opts.value : undefined });
  }
  const wrap = h('div', { class: ['field', opts.type === 'checkbox' && 'field-check'] },
    opts.type === 'checkbox' ? [input, h('label', { for: id }, label)] : [h('label', { for: id }, label), input],
    opts.help && h('small', { id: id + '-help', class: 'help' }, opts.help));
  wrap.input = input;
  return wrap;
}

// An error about one field, shown under it (role=alert), the input marked
// invalid and described by it; fieldError(wrap, null) takes it away.
export function fieldError(wrap, text) {
  const input = wrap.input;
  const old = wrap.querySelector(':scope > .field-error');
  const id = input.id + '-error';
  const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
  if (old) old.remove();
  if (!text) {
    input.removeAttribute('aria-invalid');
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
    return null;
  }
  const el = h('p', { class: 'field-error', id, role: 'alert' }, text);
  input.insertAdjacentElement('afterend', el);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', [id, ...described].join(' '));
  return el;
}

// A table: columns [{label, cell: (row) => node|string, class}], rows; empty text when none.
// A cell that is a date or a time (fmtDate, fmtTime) is not broken at its hyphens.
const DATE_CELL = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}( UTC)?)?$/;
function cell(c, r) {
  const v = c.cell(r);
  const cls = typeof v === 'string' && DATE_CELL.test(v) ? [c.class, 'nowrap'].filter(Boolean).join(' ') : c.class;
  return h('td', { class: cls, 'data-label': c.label }, v);
}

export function table(columns, rows, opts = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, opts.empty || t('common.none'));
  return h('div', { class: 'table-wrap' },
    h('table', { class: opts.class, 'aria-label': opts.label },
      opts.caption && h('caption', opts.caption),
      h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', rows.map((r) => h('tr', { dataset: opts.rowData ? opts.rowData(r) : undefined },
        columns.map((c) => cell(c, r)))))));
}

// A message area: role=status for notices, role=alert for errors.
export function notice(text, kind = 'info') {
  return h('div', { class: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 404) return t('error.notfound');
    if (e.status === 403) return e.message || t('error.denied');
    return e.message || t('error.generic', { message: e.code });
  }
  return t('error.generic', { message: e && e.message ? e.message : String(e) });
}
export function errorBox(e) { return notice(errorText(e), 'error'); }

// An error a form finds before asking the server: shown as it is.
export class FormError extends Error {}

// A form's message area (errors and confirmations, next to the form).
export function formMsg() { return h('div', { class: 'form-msg' }); }

// Runs fn() when the form is submitted: its buttons disabled meanwhile, the
// error (the API's, or a FormError) in a role=alert box in msg, focused so
// that keyboard and screen-reader users meet it; fn's text, if any, as a
// role=status notice.
export function formSubmit(form, msg, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    replace(msg);
    try {
      const text = await fn();
      if (text) replace(msg, notice(text, 'ok'));
    } catch (e) {
      replace(msg, e instanceof FormError ? notice(e.message, 'error') : errorBox(e));
      msg.firstChild.setAttribute('tabindex', '-1');
      msg.firstChild.focus();
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
  return form;
}

// Runs an async render into el, showing "Loading…" first and the error if it fails.
// Only the latest load into an element shows: when filters change quickly, an
// earlier, slower answer must not replace a later one (stale results).
const loads = new WeakMap();
export async function load(el, fn) {
  const seq = (loads.get(el) || 0) + 1;
  loads.set(el, seq);
  replace(el, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  try {
    const node = await fn();
    if (loads.get(el) === seq && node !== undefined) replace(el, node);
  } catch (e) {
    if (e && e.name === 'AbortError') return;
    if (loads.get(el) === seq) replace(el, errorBox(e));
  }
}

// Tabs (WAI-ARIA pattern, arrow keys move between tabs): [{id, label, render: (panel) => void}].
export function tabs(items, selected, onSelect) {
  const list = h('div', { role: 'tablist', class: 'tabs' });
  const panel = h('div', { role: 'tabpanel', class: 'tabpanel', tabindex: '0' });
  const buttons = items.map((it) => h('button', {
    role: 'tab', id: 'tab-' + it.id, type: 'button', 'aria-controls': 'tabpanel',
    onclick: () => select(it.id, true),
    onkeydown: (e) => {
      const i = items.findIndex((x) => x.id === it.id);
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (d) { const n = items[(i + d + items.length) % items.length]; select(n.id, true); buttons.find((b) => b.id === 'tab-' + n.id).focus(); }
    },
  }, it.label));
  panel.id = 'tabpanel';
  append(list, buttons);
  function select(id, user) {
    const it = items.find((x) => x.id === id) || items[0];
    for (const b of buttons) {
      const on = b.id === 'tab-' + it.id;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', 'tab-' + it.id);
    clear(panel);
    it.render(panel);
    if (user && onSelect) onSelect(it.id);
  }
  select(selected);
  return h('div', { class: 'tabbed' }, list, panel);
}

// A link inside the application.
export function link(href, text, attrs = {}) { return h('a', { href: '#' + href, ...attrs }, text); }

// Sets the page title (document and h1) and returns the h1.
export function title(text, ...extra) {
  document.title = text + ' · ' + t('app.name');
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', id: 'page-title' }, text), extra);
}

// Downloads text as a file (CSV exports).
export function downloadText(name, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// CSV (RFC 4180) from rows of cells.
export function csv(rows) {
  return rows.map((r) => r.map((c) => {
    const v = c === undefined || c === null ? '' : String(c);
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }).join(',')).join('\r\n') + '\r\n';
}
