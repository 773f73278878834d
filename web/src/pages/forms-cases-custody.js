// Recording a custody event on an evidence item by hand: received,
// transferred, sealed, analysed, exported (the others custodia records
// itself), with a reason and optional details ("name: value" lines).
import { t } from '../strings.js';
import { api } from '../api.js';
import { h, field, FormError, formMsg, formSubmit } from '../ui.js';
import { disclosure } from './forms-cases-common.js';

export const CUSTODY_EVENTS = ['received', 'transferred', 'sealed', 'analysed', 'exported'];

// Lines "name: value" as an object; a line without a colon is an error.
export function parseDetails(text) {
  const o = {};
  const lines = String(text || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, l] of lines.entries()) {
    const k = l.indexOf(':');
    if (k <= 0) throw new FormError(t('fcs.cust.details.bad', { n: i + 1 }));
    o[l.slice(0, k).trim()] = l.slice(k + 1).trim();
  }
  return lines.length ? o : null;
}

export function custodyForm(itemId, onDone) {
  const msg = formMsg();
  const event = field(t('fcs.cust.event'), 'event', { type: 'select', value: 'sealed',
    options: CUSTODY_EVENTS.map((e) => [e, t('custody.event.' + e)]) });
  const reason = field(t('fcs.cust.reason'), 'reason', { help: t('fcs.cust.reason.help'), attrs: { maxlength: 2000 } });
  const details = field(t('fcs.cust.details'), 'details', { type: 'textarea', rows: 3, help: t('fcs.cust.details.help') });
  const form = h('form', { class: 'record-form', 'aria-labelledby': 'cust-h' },
    h('h3', { id: 'cust-h' }, t('fcs.cust.heading')), event, reason, details, msg,
    h('button', { type: 'submit' }, t('fcs.cust.submit')));
  formSubmit(form, msg, async () => {
    const body = { event: event.input.value };
    const r = reason.input.value.trim();
    if (r) body.reason = r;
    if (body.event === 'analysed' && !r) { reason.input.focus(); throw new FormError(t('fcs.cust.analysed')); }
    const d = parseDetails(details.input.value);
    if (d) body.details = d;
    await api.post('evidence/' + encodeURIComponent(itemId) + '/custody', body);
    form.reset();
    event.input.value = 'sealed';
    if (onDone) onDone();
    return t('fcs.cust.done', { event: t('custody.event.' + body.event) });
  });
  return disclosure(t('fcs.cust.open'), form);
}
