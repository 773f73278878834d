// The ledger: the latest signed checkpoint, one entry by index and its
// inclusion proof, verified here in the browser against the checkpoint's root
// (leaf = SHA-256(0x00 ‖ entry), RFC 9162 §2.1.3.2) — the page trusts the
// server's bytes only as far as the hashes agree.
import './views.css';
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, replace, field, notice, errorBox, title, link, fmtTime, badge } from '../ui.js';
import { navigate } from '../router.js';
import { num, hexToBytes, bytesToHex, b64ToBytes } from './views-common.js';
import { leafHash, rootFromInclusionProof, equalBytes } from './views-merkle.js';

export function ledgerPage(main, params, query) {
  const ctl = new AbortController();
  const idx = query.get('index');
  const cpBox = h('section', { class: 'card', 'aria-labelledby': 'ledger-cp-h' },
    h('h2', { id: 'ledger-cp-h' }, t('ledger.checkpoint')), h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  const entryBox = h('section', { 'aria-labelledby': 'ledger-entry-h' });
  const input = field(t('ledger.index'), 'index', { type: 'number', value: idx ?? '',
    attrs: { min: '0', step: '1', inputmode: 'numeric' }, required: true, help: t('ledger.index.help') });
  const form = h('form', { class: 'filters ledger-form', onsubmit: (e) => {
    e.preventDefault();
    const v = input.input.value.trim();
    if (!/^\d+$/.test(v)) { input.input.focus(); return; }
    navigate('/ledger' + qs({ index: v }));
  } }, input, h('button', { type: 'submit' }, t('ledger.show')));

  main.append(title(t('ledger.title')), h('p', { class: 'lead' }, t('ledger.intro')),
    h('div', { class: 'views-grid ledger-grid' }, cpBox,
      h('section', { class: 'card', 'aria-labelledby': 'ledger-look-h' },
        h('h2', { id: 'ledger-look-h' }, t('ledger.lookup')), form)),
    entryBox);

  (async () => {
    let cp;
    try {
      cp = await api.get('ledger/checkpoint', { signal: ctl.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(cpBox, h('h2', { id: 'ledger-cp-h' }, t('ledger.checkpoint')), errorBox(e));
      return;
    }
    const origin = String(cp.note || '').split('\n')[0];
    replace(cpBox, h('h2', { id: 'ledger-cp-h' }, t('ledger.checkpoint')),
      h('dl', { class: 'props' },
        h('dt', t('ledger.origin')), h('dd', h('code', origin)),
        h('dt', t('ledger.size')), h('dd', num(cp.size)),
        h('dt', t('ledger.root')), h('dd', h('code', { class: 'hash' }, cp.root)),
        h('dt', t('ledger.signedat')), h('dd', fmtTime(cp.at)),
        h('dt', t('ledger.vkey')), h('dd', h('code', { class: 'hash' }, cp.vkey))),
      h('details', h('summary', t('ledger.note')), h('pre', { class: 'note-text' }, cp.note)));
    if (!input.input.value && cp.size > 0) input.input.placeholder = String(cp.size - 1);
    input.input.max = String(Math.max(0, cp.size - 1));
    if (idx !== null && idx !== '') await showEntry(entryBox, Number(idx), cp, ctl.signal);
  })();
  return () => ctl.abort();
}

async function showEntry(box, index, cp, signal) {
  const head = h('h2', { id: 'ledger-entry-h' }, t('ledger.entry', { index: num(index) }));
  replace(box, head, h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  if (!Number.isSafeInteger(index) || index < 0) { replace(box, head, notice(t('ledger.badindex'), 'error')); return; }
  if (index >= cp.size) {
    // Beyond the checkpoint: an entry appended since (signed within a second or so), or none at all.
    let exists = true;
    try {
      await api.get('ledger/entries/' + index, { signal });
    } catch (err) {
      if (err.status !== 404) throw err;
      exists = false;
    }
    if (!exists) {
      replace(box, head, notice(t('ledger.none', { index: num(index), size: num(cp.size) }), 'error'));
      return;
    }
    replace(box, head, notice(t('ledger.notyet', { size: num(cp.size) }), 'warn'),
      h('button', { type: 'button', class: 'secondary', onclick: () => location.reload() }, t('ledger.retry')));
    return;
  }
  let entry, proof;
  try {
    [entry, proof] = await Promise.all([
      api.get('ledger/entries/' + index, { signal }),
      api.get('ledger/proof/inclusion' + qs({ index, size: cp.size }), { signal }),
    ]);
  } catch (e) {
    if (e.name === 'AbortError') return;
    replace(box, head, errorBox(e));
    return;
  }
  const p = entry.parsed || {};
  const refs = [];
  if (p.case !== undefined && p.case !== null) refs.push(link('/cases/' + p.case, t('ledger.opencase', { id: p.case })));
  if (p.kind === 'custody' && p.item !== undefined) refs.push(link('/evidence/' + p.item, t('ledger.openitem', { id: p.item })));

  const result = h('div', { class: 'verify-result', role: 'status', 'aria-live': 'polite' }, t('ledger.verifying'));
  const steps = h('dl', { class: 'props' });
  replace(box, head,
    h('div', { class: 'views-grid' },
      h('div', { class: 'card' },
        h('h3', t('ledger.bytes')),
        h('pre', { class: 'entry-bytes' }, entry.entry),
        h('dl', { class: 'props' }, Object.entries(p).map(([k, v]) => [h('dt', k), h('dd', h('code', v === null ? 'null' : String(v)))])),
        refs.length > 0 && h('p', { class: 'refs' }, refs.flatMap((r, i) => (i ? [' · ', r] : [r])))),
      h('div', { class: 'card' },
        h('h3', t('ledger.proof', { size: num(cp.size) })),
        result, steps,
        h('h4', t('ledger.proofhashes', { n: (proof.proof || []).length })),
        h('ol', { class: 'proof-list', start: '1' }, (proof.proof || []).map((x) => h('li', h('code', { class: 'hash' }, safeHex(x))))))));

  // The verification itself: every input from the server is only data.
  let ok = false, leafHex = '', rootHex = '', why = '';
  try {
    const leaf = await leafHash(new TextEncoder().encode(entry.entry));
    leafHex = bytesToHex(leaf);
    const root = await rootFromInclusionProof(index, cp.size, leaf, (proof.proof || []).map(b64ToBytes));
    const cpRoot = hexToBytes(cp.root);
    const noteRoot = b64ToBytes(String(cp.note || '').split('\n')[2] || '');
    rootHex = root ? bytesToHex(root) : '';
    if (!root) why = t('ledger.why.shape');
    else if (!equalBytes(noteRoot, cpRoot)) why = t('ledger.why.note');
    else if (!equalBytes(root, cpRoot)) why = t('ledger.why.root');
    else ok = true;
  } catch (e) {
    why = t('ledger.why.malformed');
  }
  replace(steps,
    h('dt', t('ledger.leafhash')), h('dd', h('code', { class: 'hash' }, leafHex)),
    h('dt', t('ledger.computedroot')), h('dd', h('code', { class: 'hash' }, rootHex || '—')),
    h('dt', t('ledger.cproot')), h('dd', h('code', { class: 'hash' }, cp.root)));
  replace(result, ok
    ? h('p', badge(t('ledger.verified'), 'ok'), ' ', t('ledger.verified.long', { index: num(index), size: num(cp.size) }))
    : h('p', badge(t('ledger.notverified'), 'bad'), ' ', why));
  result.dataset.verified = ok ? 'true' : 'false';
}

function safeHex(b64) { try { return bytesToHex(b64ToBytes(b64)); } catch { return String(b64); } }
