// Entities of a case: the form that adds one (its fields follow the kind,
// docs/entities.md), the import of a CSV or FollowTheMoney file with its
// per-row report, and the request for access to the other side of a hit.
import { t } from '../strings.js';
import { api, ApiError } from '../api.js';
import { h, field, replace, notice, errorBox, table, FormError, formMsg, formSubmit } from '../ui.js';
import { caseSeg, label } from './records-common.js';
import { disclosure, repeater, splitList } from './forms-cases-common.js';

export const ENTITY_KINDS = ['person', 'organisation', 'phone', 'email', 'vehicle', 'vessel', 'bank_account',
  'wallet', 'identity_document', 'place'];
const ID_TYPES = ['phone', 'email', 'iban', 'wallet', 'doc', 'reg', 'plate', 'imo', 'mmsi'];
const SCRIPTS = ['', 'Latn', 'Cyrl', 'Arab', 'Grek', 'Hebr', 'Cyrs', 'Geor', 'Armn', 'Hans', 'Hant'];
const DOC_TYPES = ['passport', 'id_card', 'residence_permit', 'driving_licence', 'travel_document', 'other'];

// Which fields each kind takes (besides notes and source).
const KIND_FIELDS = {
  person: ['names', 'born', 'nationalities', 'gender', 'identifiers'],
  organisation: ['names', 'registration_number', 'country', 'identifiers'],
  phone: ['number', 'country'],
  email: ['address'],
  vehicle: ['plate', 'country'],
  vessel: ['names', 'imo', 'mmsi', 'country'],
  bank_account: ['iban', 'names'],
  wallet: ['address', 'currency'],
  identity_document: ['doc_type', 'number', 'country', 'names', 'born'],
  place: ['address', 'names', 'country', 'latitude', 'longitude'],
};

function relabel(f, text) { f.querySelector('label').textContent = text; }

function nameRow(n) {
  const name = field(t('fcs.ent.name', { n }), 'name');
  const script = field(t('fcs.ent.script', { n }), 'script', { type: 'select',
    options: SCRIPTS.map((s) => [s, s ? t('fcs.script.' + s) : t('fcs.script.auto')]) });
  const lang = field(t('fcs.ent.lang', { n }), 'lang', { attrs: { maxlength: 8, size: 6 } });
  return {
    node: h('div', { class: 'row' }, name, script, lang),
    renumber: (k) => { relabel(name, t('fcs.ent.name', { n: k })); relabel(script, t('fcs.ent.script', { n: k })); relabel(lang, t('fcs.ent.lang', { n: k })); },
    value: () => {
      const v = name.input.value.trim();
      if (!v) return null;
      if (!script.input.value && !lang.input.value.trim()) return v;
      const o = { name: v };
      if (script.input.value) o.script = script.input.value;
      if (lang.input.value.trim()) o.lang = lang.input.value.trim();
      return o;
    },
  };
}

function idRow(n) {
  const type = field(t('fcs.ent.idtype', { n }), 'id-type', { type: 'select',
    options: ID_TYPES.map((x) => [x, t('fcs.idtype.' + x)]) });
  const value = field(t('fcs.ent.idvalue', { n }), 'id-value');
  const country = field(t('fcs.ent.idcountry', { n }), 'id-country', { attrs: { maxlength: 2, size: 3 } });
  return {
    node: h('div', { class: 'row' }, type, value, country),
    renumber: (k) => { relabel(type, t('fcs.ent.idtype', { n: k })); relabel(value, t('fcs.ent.idvalue', { n: k })); relabel(country, t('fcs.ent.idcountry', { n: k })); },
    value: () => {
      const v = value.input.value.trim();
      if (!v) return null;
      const o = { type: type.input.value, value: v };
      if (country.input.value.trim()) o.country = country.input.value.trim().toUpperCase();
      return o;
    },
  };
}

// The add-entity form; onDone(entity) after it is stored.
export function entityForm(c, onDone) {
  const msg = formMsg();
  const kind = field(t('fcs.ent.kind'), 'kind', { type: 'select', value: 'person',
    options: ENTITY_KINDS.map((k) => [k, label('entity.kind', k)]) });
  const names = repeater(nameRow, t('fcs.ent.name.add'), (n) => t('fcs.ent.name.remove', { n }), { initial: 1 });
  const ids = repeater(idRow, t('fcs.ent.id.add'), (n) => t('fcs.ent.id.remove', { n }));
  const f = {
    born: field(t('fcs.ent.born'), 'born', { help: t('fcs.ent.born.help'), placeholder: 'YYYY-MM-DD',
      attrs: { pattern: '[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?' } }),
    nationalities: field(t('fcs.ent.nationalities'), 'nationalities', { help: t('fcs.ent.nationalities.help') }),
    gender: field(t('fcs.ent.gender'), 'gender', { type: 'select',
      options: [['', t('fcs.ent.gender.none')], ['male', t('fcs.gender.male')], ['female', t('fcs.gender.female')], ['other', t('fcs.gender.other')]] }),
    registration_number: field(t('fcs.ent.regno'), 'registration_number'),
    number: field(t('fcs.ent.number'), 'number'),
    country: field(t('fcs.ent.country'), 'country', { attrs: { maxlength: 2, size: 3 } }),
    address: field(t('fcs.ent.address'), 'address'),
    plate: field(t('fcs.ent.plate'), 'plate'),
    imo: field(t('fcs.ent.imo'), 'imo'),
    mmsi: field(t('fcs.ent.mmsi'), 'mmsi'),
    iban: field(t('fcs.ent.iban'), 'iban', { attrs: { spellcheck: 'false' } }),
    currency: field(t('fcs.ent.currency'), 'currency'),
    doc_type: field(t('fcs.ent.doctype'), 'doc_type', { type: 'select', options: DOC_TYPES.map((d) => [d, t('fcs.doctype.' + d)]) }),
    latitude: field(t('fcs.ent.latitude'), 'latitude', { type: 'number', attrs: { step: 'any', min: -90, max: 90 } }),
    longitude: field(t('fcs.ent.longitude'), 'longitude', { type: 'number', attrs: { step: 'any', min: -180, max: 180 } }),
    notes: field(t('fcs.ent.notes'), 'notes', { type: 'textarea', rows: 2 }),
    source: field(t('fcs.ent.source'), 'source'),
  };
  const namesBox = h('fieldset', { class: 'names' }, h('legend', t('fcs.ent.names')), h('p', { class: 'help' }, t('fcs.ent.names.help')), names.node);
  const idsBox = h('fieldset', { class: 'ids' }, h('legend', t('fcs.ent.ids')), ids.node);
  const parts = { names: namesBox, identifiers: idsBox };
  for (const [k, v] of Object.entries(f)) parts[k] = v;
  const legend = h('legend');
  const kindBox = h('fieldset', legend, ...['number', 'address', 'iban', 'plate', 'doc_type', 'registration_number',
    'imo', 'mmsi', 'currency', 'country', 'born', 'nationalities', 'gender', 'latitude', 'longitude'].map((k) => f[k]),
  namesBox, idsBox);
  function adapt() {
    const k = kind.input.value;
    const wanted = KIND_FIELDS[k];
    legend.textContent = t('fcs.ent.about', { kind: label('entity.kind', k) });
    for (const [name, node] of Object.entries(parts)) {
      if (name === 'notes' || name === 'source') continue;
      node.hidden = !wanted.includes(name);
    }
    for (const name of wanted) kindBox.append(parts[name]); // in the kind's own order
    relabel(f.country, t('fcs.ent.country.' + k));
    relabel(f.number, t(k === 'identity_document' ? 'fcs.ent.docnumber' : 'fcs.ent.number'));
    relabel(f.address, t(k === 'wallet' ? 'fcs.ent.walletaddr' : k === 'email' ? 'fcs.ent.email' : 'fcs.ent.address'));
    namesBox.querySelector('legend').textContent = t(k === 'bank_account' ? 'fcs.ent.holders' : 'fcs.ent.names');
  }
  kind.input.addEventListener('change', adapt);
  adapt();

  function body() {
    const k = kind.input.value;
    const wanted = KIND_FIELDS[k];
    const b = { kind: k };
    for (const name of wanted) {
      if (name === 'names') { const v = names.values(); if (v.length) b.names = v; continue; }
      if (name === 'identifiers') { const v = ids.values(); if (v.length) b.identifiers = v; continue; }
      const v = f[name].input.value.trim();
      if (!v) continue;
      if (name === 'nationalities') b.nationalities = splitList(v).map((x) => x.toUpperCase());
      else if (name === 'latitude' || name === 'longitude') b[name] = Number(v);
      else if (name === 'country') b.country = v.toUpperCase();
      else b[name] = v;
    }
    for (const name of ['notes', 'source']) { const v = f[name].input.value.trim(); if (v) b[name] = v; }
    return b;
  }
  const form = h('form', { class: 'record-form entity-form', 'aria-labelledby': 'addent-h' },
    h('h3', { id: 'addent-h' }, t('fcs.ent.heading')), kind, kindBox, f.notes, f.source, msg,
    h('button', { type: 'submit' }, t('fcs.ent.submit')));
  formSubmit(form, msg, async () => {
    const b = body();
    if (Object.keys(b).length < 2) throw new FormError(t('fcs.ent.empty'));
    const e = await api.post('cases/' + caseSeg(c.id) + '/entities', b);
    const hf = e.hits_found || {};
    form.reset();
    names.clear();
    ids.clear();
    adapt();
    if (onDone) onDone(e);
    return t('fcs.ent.added', { label: e.label || label('entity.kind', e.kind), n: hf.found || 0 });
  });
  return form;
}

// The import form: a CSV or FtM JSON-lines file, sent as it is.
export function importForm(c, onDone) {
  const msg = formMsg();
  const file = field(t('fcs.imp.file'), 'file', { type: 'file', required: true, attrs: { accept: '.csv,.json,.jsonl,.ftm,text/csv,application/json' } });
  const format = field(t('fcs.imp.format'), 'format', { type: 'select', value: '',
    options: [['', t('fcs.imp.format.auto')], ['csv', t('fcs.imp.format.csv')], ['ftm', t('fcs.imp.format.ftm')]] });
  const skip = field(t('fcs.imp.skip'), 'skip_invalid', { type: 'checkbox' });
  const form = h('form', { class: 'record-form', 'aria-labelledby': 'imp-h' },
    h('h3', { id: 'imp-h' }, t('fcs.imp.heading')), h('p', { class: 'help' }, t('fcs.imp.help')),
    file, format, skip, msg, h('button', { type: 'submit' }, t('fcs.imp.submit')));
  formSubmit(form, msg, async () => {
    const fl = file.input.files[0];
    if (!fl) throw new FormError(t('fcs.imp.nofile'));
    let fmt = format.input.value;
    if (!fmt) fmt = /\.csv$/i.test(fl.name) || fl.type === 'text/csv' ? 'csv' : 'ftm';
    const ct = fmt === 'csv' ? 'text/csv' : 'application/x-ndjson';
    const q = '?format=' + fmt + (skip.input.checked ? '&skip_invalid=true' : '');
    let rep;
    try {
      rep = await api.postRaw('cases/' + caseSeg(c.id) + '/entities/import' + q, fl, { contentType: ct });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 422 && e.body && Array.isArray(e.body.errors))) throw e;
      rep = e.body;
    }
    if (rep.error) {
      replace(msg, h('div', { class: 'notice notice-error', role: 'alert' },
        h('p', t('fcs.imp.invalid', { n: rep.invalid ?? rep.errors.length })),
        table([
          { label: t('fcs.imp.col.row'), cell: (x) => String(x.row), class: 'num' },
          { label: t('fcs.imp.col.error'), cell: (x) => x.error },
        ], rep.errors, { label: t('fcs.imp.report') })));
      return null;
    }
    const unsup = Object.entries(rep.unsupported || {}).map(([k, v]) => k + ' ' + v).join(', ');
    form.reset();
    if (onDone) onDone(rep);
    return [t('fcs.imp.done', { n: rep.imported ?? 0, hits: rep.hits_found ?? 0 }),
      rep.invalid ? ' ' + t('fcs.imp.skipped', { n: rep.invalid }) : '',
      unsup ? ' ' + t('fcs.imp.unsupported', { list: unsup }) : ''].join('');
  });
  return form;
}

// The forms of the entities tab, each behind its button.
export function entityForms(c, onDone) {
  return h('div', { class: 'entity-forms' },
    disclosure(t('fcs.ent.open'), entityForm(c, onDone)),
    disclosure(t('fcs.imp.open'), importForm(c, onDone)));
}

// "Request access" for a hit whose other side the user cannot see.
export function accessRequest(hit, other, done) {
  const reqs = (hit.access_requests || []).filter((q) => q.from_org && q.status);
  const mine = reqs.find((q) => q.status);
  if (mine) return h('span', { class: 'req-state' }, t('fcs.acc.state.' + mine.status, {}));
  const msg = formMsg();
  const reason = field(t('fcs.acc.reason', { id: hit.id }), 'message', { type: 'textarea', rows: 2,
    help: t('fcs.acc.reason.help', { org: other.org }), attrs: { maxlength: 2000 } });
  const form = h('form', { class: 'record-form access-form' }, reason, msg,
    h('button', { type: 'submit' }, t('fcs.acc.submit')));
  formSubmit(form, msg, async () => {
    const m = reason.input.value.trim();
    if (!m) { reason.input.focus(); throw new FormError(t('fcs.acc.noreason')); }
    await api.post('hits/' + hit.id + '/access-requests', { message: m });
    done(t('fcs.acc.done', { org: other.org }));
    return null;
  });
  const d = disclosure(t('fcs.acc.open'), form);
  d.querySelector('button').setAttribute('aria-label', t('fcs.acc.open.label', { id: hit.id, org: other.org }));
  return d;
}

export { notice, errorBox };
