// Planning an action day (POST /actiondays: its case, day, each country's
// IANA time zone, its actions) and adding an action to a planned day from the
// coordination centre (POST /actiondays/{id}/actions).
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, replace, field, formMsg, formSubmit } from '../ui.js';
import { navigate } from '../router.js';
import { label, countryName } from './views-common.js';
import { panel, writerRole, caseField, caseOf, caseEntities, caseDoc, put, setFlash } from './forms-coop-common.js';
import { today } from './records-common.js';

export const ACTION_KINDS = ['arrest', 'house_search', 'seizure', 'witness_interview', 'asset_freezing', 'hearing'];

// A suggestion for the countries on the platform (the user may type any IANA zone).
const ZONES = {
  AT: 'Europe/Vienna', BE: 'Europe/Brussels', BG: 'Europe/Sofia', CY: 'Asia/Nicosia', CZ: 'Europe/Prague',
  DE: 'Europe/Berlin', DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn', ES: 'Europe/Madrid', FI: 'Europe/Helsinki',
  FR: 'Europe/Paris', GR: 'Europe/Athens', HR: 'Europe/Zagreb', HU: 'Europe/Budapest', IE: 'Europe/Dublin',
  IT: 'Europe/Rome', LT: 'Europe/Vilnius', LU: 'Europe/Luxembourg', LV: 'Europe/Riga', MT: 'Europe/Malta',
  NL: 'Europe/Amsterdam', PL: 'Europe/Warsaw', PT: 'Europe/Lisbon', RO: 'Europe/Bucharest', SE: 'Europe/Stockholm',
  SI: 'Europe/Ljubljana', SK: 'Europe/Bratislava', AL: 'Europe/Tirane', GE: 'Asia/Tbilisi', ME: 'Europe/Podgorica',
  MD: 'Europe/Chisinau', MK: 'Europe/Skopje', NO: 'Europe/Oslo', RS: 'Europe/Belgrade', CH: 'Europe/Zurich',
  UA: 'Europe/Kyiv', GB: 'Europe/London', US: 'America/New_York',
};
const ALL_COUNTRIES = Object.keys(ZONES).sort();

let zoneList = null;
function zoneDatalist() {
  let dl = document.getElementById('iana-zones');
  if (dl) return dl;
  try { zoneList ||= Intl.supportedValuesOf('timeZone'); } catch { zoneList = Object.values(ZONES); }
  dl = h('datalist', { id: 'iana-zones' }, zoneList.map((z) => h('option', { value: z })));
  return dl;
}

// One action's inputs (kind, country, organisation, time, place, entity, description).
function actionInputs(countries, orgCodes, entities, n) {
  const kind = field(t('fc.ad.kind'), 'kind', { type: 'select', required: true,
    options: ACTION_KINDS.map((k) => [k, label('actionday.kind', k)]) });
  const country = field(t('fc.ad.country'), 'country', { type: 'select', required: true,
    options: countries.map((c) => [c, countryName(c) + ' (' + c + ')']) });
  const org = field(t('fc.ad.org'), 'org', { type: 'select', required: true, options: orgCodes });
  // Text, not type=time: the browser would show a 12-hour clock in some locales.
  const time = field(t('fc.ad.time'), 'planned_time', { required: true, value: '06:00', placeholder: 'HH:MM',
    help: t('fc.ad.time.help'), attrs: { pattern: '([01][0-9]|2[0-3]):[0-5][0-9]', inputmode: 'numeric', maxlength: '5' } });
  const place = field(t('fc.ad.place'), 'place');
  const entity = field(t('fc.ad.entity'), 'entity', { type: 'select',
    options: [['', t('fc.ad.entity.none')], ...entities.map((e) => [String(e.id), e.label])] });
  const desc = field(t('fc.ad.description'), 'description');
  const inputs = { kind, country, org, time, place, entity, desc };
  const value = () => {
    const a = { kind: kind.input.value, country: country.input.value, org: org.input.value,
      planned_time: time.input.value.slice(0, 5) };
    put(a, 'place', place.input.value);
    put(a, 'description', desc.input.value);
    if (entity.input.value) a.entity = Number(entity.input.value);
    return a;
  };
  // The organisation's own country is the usual one.
  org.input.addEventListener('change', () => {
    if (countries.includes(org.input.value)) country.input.value = org.input.value;
  });
  if (n !== undefined && orgCodes[n % orgCodes.length]) {
    org.input.value = orgCodes[n % orgCodes.length];
    if (countries.includes(org.input.value)) country.input.value = org.input.value;
  }
  return { inputs, value, nodes: [kind, country, org, time, place, entity, desc] };
}

// ---- Plan an action day --------------------------------------------------------

export function planPanel(caseRef) {
  if (!writerRole()) return '';
  return h('section', { class: 'form-section', 'aria-labelledby': 'plan-h' },
    panel(h('span', { id: 'plan-h' }, t('fc.ad.plan')), () => planForm(caseRef)));
}

function planForm(caseRef) {
  const msg = formMsg();
  const caseF = caseField(t('fc.ad.case'), 'case', { value: caseRef });
  const titleF = field(t('fc.ad.title'), 'title', { required: true, attrs: { maxlength: '300' } });
  const day = field(t('fc.ad.day'), 'day', { type: 'date', required: true, value: today() });
  const notes = field(t('fc.ad.notes'), 'notes', { type: 'textarea', rows: 2 });
  const zonesBox = h('div', { class: 'zone-rows' });
  const actionsBox = h('div', { class: 'action-rows' });
  const zoneRows = [];
  const actionRows = [];
  let orgCodes = [];
  let entities = [];

  const countries = () => zoneRows.map((z) => z.country.input.value).filter(Boolean);

  function addZone(code) {
    const used = countries();
    const c = code || ALL_COUNTRIES.find((x) => !used.includes(x)) || 'SE';
    const country = field('', 'zone-country', { type: 'select', required: true, value: c,
      options: ALL_COUNTRIES.map((x) => [x, countryName(x) + ' (' + x + ')']) });
    const zone = field('', 'zone', { required: true, value: ZONES[c] || '',
      attrs: { list: 'iana-zones', spellcheck: 'false' }, help: t('fc.ad.zone.help') });
    country.input.addEventListener('change', () => {
      zone.input.value = ZONES[country.input.value] || '';
      refreshActionCountries();
    });
    const row = { country, zone };
    const remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
      zoneRows.splice(zoneRows.indexOf(row), 1);
      row.node.remove();
      renumber();
      refreshActionCountries();
      addZoneBtn.focus();
    } });
    row.remove = remove;
    row.node = h('div', { class: 'row-inline' }, country, zone, remove);
    zoneRows.push(row);
    zonesBox.append(row.node);
    renumber();
    refreshActionCountries();
  }

  // Rows are numbered as they stand (labels, legends, buttons), after a removal too.
  function renumber() {
    zoneRows.forEach((r, i) => {
      r.country.querySelector('label').textContent = t('fc.ad.zone.country', { n: i + 1 });
      r.zone.querySelector('label').textContent = t('fc.ad.zone.zone', { n: i + 1 });
      r.remove.textContent = t('fc.ad.zone.remove', { n: i + 1 });
    });
    actionRows.forEach((r, i) => {
      r.legend.textContent = t('fc.ad.action.n', { n: i + 1 });
      r.remove.textContent = t('fc.ad.action.remove', { n: i + 1 });
    });
  }

  function addAction() {
    const a = actionInputs(countries(), orgCodes, entities, actionRows.length);
    const row = { a };
    row.remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
      actionRows.splice(actionRows.indexOf(row), 1);
      row.node.remove();
      renumber();
      addActionBtn.focus();
    } });
    row.legend = h('legend');
    row.node = h('fieldset', { class: 'action-row' }, row.legend, h('div', { class: 'form-grid' }, a.nodes), row.remove);
    actionRows.push(row);
    actionsBox.append(row.node);
    renumber();
  }

  // The countries a row offers follow the zones listed above.
  function refreshActionCountries() {
    const cs = countries();
    for (const { a } of actionRows) {
      const sel = a.inputs.country.input;
      const v = sel.value;
      replace(sel, cs.map((c) => h('option', { value: c }, countryName(c) + ' (' + c + ')')));
      if (cs.includes(v)) sel.value = v;
    }
  }

  // A case chosen: its participants execute the actions, its entities are their targets.
  caseF.input.addEventListener('change', async () => {
    const c = caseOf(caseF.input);
    replace(actionsBox);
    actionRows.length = 0;
    replace(zonesBox);
    zoneRows.length = 0;
    if (!c) return;
    try {
      const [doc, ents] = await Promise.all([caseDoc(c.id), caseEntities(c.id)]);
      orgCodes = (doc.participants || []).filter((p) => p.access !== 'observer').map((p) => p.org);
      entities = ents;
      const cs = (doc.participants || []).filter((p) => p.access !== 'observer' && ZONES[p.country]).map((p) => p.country);
      for (const x of [...new Set(cs)].slice(0, 4)) addZone(x);
      if (!zoneRows.length) addZone();
      addAction();
    } catch (e) {
      replace(msg, h('p', String(e.message)));
    }
  });

  const addZoneBtn = h('button', { type: 'button', class: 'secondary', onclick: () => addZone() }, t('fc.ad.zone.add'));
  const addActionBtn = h('button', { type: 'button', class: 'secondary', onclick: () => {
    addAction();
    actionRows[actionRows.length - 1].a.inputs.kind.input.focus();
  } }, t('fc.ad.action.add'));
  const form = h('form', { class: 'coop-form' },
    h('div', { class: 'form-grid' }, caseF, titleF, day), notes,
    h('fieldset', { class: 'zones' }, h('legend', t('fc.ad.zones')), h('p', { class: 'help' }, t('fc.ad.zones.help')),
      zonesBox, addZoneBtn),
    h('fieldset', { class: 'actions-set' }, h('legend', t('fc.ad.actions')), actionsBox, addActionBtn),
    zoneDatalist(),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('fc.ad.submit'))), msg);
  formSubmit(form, msg, async () => {
    const timezones = {};
    for (const z of zoneRows) timezones[z.country.input.value] = z.zone.input.value.trim();
    const b = { case: caseF.input.value, title: titleF.input.value.trim(), day: day.input.value, timezones,
      actions: actionRows.map((r) => r.a.value()) };
    put(b, 'notes', notes.input.value);
    const d = await api.post('actiondays', b);
    setFlash(t('fc.ad.created', { title: d.title, n: (d.actions || []).length }));
    navigate('/actiondays/' + d.id);
    return null;
  });
  return form;
}

// ---- Add an action to a planned day (coordination centre) -----------------------

// onAdded(day) gets the day's new document.
export function addActionForm(day, onAdded) {
  const box = h('div', h('p', { class: 'muted' }, t('common.loading')));
  Promise.all([caseDoc(day.case_id), caseEntities(day.case_id)]).then(([doc, ents]) => {
    const orgCodes = (doc.participants || []).filter((p) => p.access !== 'observer').map((p) => p.org);
    const countries = Object.keys(day.timezones || {}).sort();
    const a = actionInputs(countries, orgCodes, ents);
    const msg = formMsg();
    const form = h('form', { class: 'coop-form ad-add-form' }, h('p', { class: 'help' }, t('fc.ad.add.help')),
      h('div', { class: 'form-grid' }, a.nodes), h('button', { type: 'submit' }, t('fc.ad.add.submit')), msg);
    formSubmit(form, msg, async () => {
      const v = a.value();
      const d = await api.post('actiondays/' + encodeURIComponent(day.id) + '/actions', v);
      onAdded(d);
      a.inputs.place.input.value = '';
      a.inputs.desc.input.value = '';
      return t('fc.ad.add.done', { kind: label('actionday.kind', v.kind), country: countryName(v.country) });
    });
    replace(box, form);
  }).catch(() => replace(box, h('p', { class: 'muted' }, t('fc.ad.add.none'))));
  return box;
}
