// An evidence item: metadata, provenance, integrity, chain of custody,
// preview in the page (each view recorded by the server), download and
// sharing with organisations outside the case.
import { t } from '../strings.js';
import { api, qs } from '../api.js';
import { h, title, table, load, link, field, replace, notice, errorBox, fmtDate, fmtTime, fmtBytes, badge } from '../ui.js';
import { session } from '../session.js';
import { caseLink, integrityBadge, props, orgs, label, bundleExport, pagedList, today } from './records-common.js';
import { custodyForm } from './forms-cases-custody.js';

function previewKind(mt) {
  mt = String(mt || '');
  if (mt.startsWith('image/') && !mt.includes('svg')) return 'image';
  if (mt === 'application/pdf') return 'pdf';
  if (mt.startsWith('audio/')) return 'audio';
  if (mt.startsWith('video/')) return 'video';
  // Shown as text, never as a page: HTML and XML too.
  if (mt.startsWith('text/') || mt === 'application/json' || mt === 'application/xml' ||
      mt === 'message/rfc822') return 'text';
  return null;
}

// Text is shown up to this many bytes (asked for as a range past it).
const TEXT_PREVIEW = 256 * 1024;

// A text file's first TEXT_PREVIEW bytes, decoded as UTF-8, in a <pre>.
async function textPreview(src, size, alt) {
  const opts = { credentials: 'same-origin' };
  if (size > TEXT_PREVIEW) opts.headers = { Range: 'bytes=0-' + (TEXT_PREVIEW - 1) };
  const res = await fetch(src, opts);
  if (!res.ok) {
    let msg = res.statusText;
    try { msg = (await res.json()).error.message; } catch { /* not JSON: the status says it */ }
    throw new Error(msg);
  }
  // stream: a character cut by the range is left out, not shown as U+FFFD
  const text = new TextDecoder('utf-8').decode(await res.arrayBuffer(), { stream: res.status === 206 });
  return [h('pre', { class: 'text-preview', tabindex: '0', 'aria-label': alt }, text),
    res.status === 206 && h('p', { class: 'help' }, t('evidence.preview.cut', { n: fmtBytes(TEXT_PREVIEW) }))];
}

export function evidencePage(main, params) {
  const id = params.id;
  const base = 'evidence/' + encodeURIComponent(id);
  const body = h('div');
  main.append(body);
  load(body, async () => {
    let e;
    try {
      e = await api.get(base);
    } catch (err) {
      if (err.status === 404 || err.status === 403) return h('div', title(t('evidence.title.unknown')), notice(t('evidence.notvisible'), 'error'));
      throw err;
    }
    const me = session.user || {};
    const pv = e.provenance || {};
    const by = pv.collected_by || {};
    const src = pv.source || {};
    const content = '/api/v1/' + base + '/content';
    const custody = h('div');
    // Each read of the item adds to its chain: it comes in pages.
    const refreshCustody = () => load(custody, async () => {
      const chain = pagedList(base + '/custody', 'seq', CUSTODY_PAGE, custodyTable);
      await chain.first();
      return chain.node;
    });

    // Integrity
    const integ = h('span', { class: 'integrity' }, integrityBadge(e.integrity));
    const integ2 = h('span', integrityBadge(e.integrity));
    const checkedAt = h('span', fmtTime(e.integrity_checked_at) || t('evidence.integrity.never'));
    const verifyMsg = h('div', { 'aria-live': 'polite' });
    const verify = h('button', { type: 'button', class: 'secondary', onclick: async () => {
      verify.disabled = true;
      replace(verifyMsg, h('p', { class: 'loading', role: 'status' }, t('evidence.verifying')));
      try {
        const r = await api.post(base + '/verify', {});
        replace(integ, integrityBadge(r.status));
        replace(integ2, integrityBadge(r.status));
        replace(checkedAt, fmtTime(r.checked_at)); // the time the server recorded
        replace(verifyMsg, notice(r.status === 'ok' ? t('evidence.verify.ok')
          : t('evidence.verify.failed', { message: r.message || r.status }), r.status === 'ok' ? 'ok' : 'error'));
        refreshCustody();
      } catch (err) { replace(verifyMsg, errorBox(err)); } finally { verify.disabled = false; }
    } }, t('evidence.verify'));

    // Preview: loaded only when asked for, since every view is recorded in the chain of custody.
    const kind = previewKind(e.media_type);
    const previewBox = h('div', { class: 'preview' });
    if (e.erased_at) {
      previewBox.append(notice(t('evidence.erased.note', { at: fmtTime(e.erased_at), reason: e.erase_reason || '' }), 'warn'));
    } else if (kind) {
      const show = h('button', { type: 'button', onclick: () => {
        const src = content + '?disposition=inline';
        const alt = t('evidence.preview.alt', { title: e.title || e.original_name || '' });
        if (kind === 'text') {
          show.disabled = true;
          textPreview(src, e.size, alt).then((els) => { replace(previewBox, els); refreshCustody(); },
            (err) => { show.disabled = false; previewBox.append(notice(t('evidence.preview.failed', { msg: err.message }), 'error')); });
          return;
        }
        let el;
        if (kind === 'image') el = h('img', { src, alt });
        else if (kind === 'pdf') el = h('iframe', { src, title: alt });
        else el = h(kind, { src, controls: true, preload: 'metadata', 'aria-label': alt });
        const done = () => refreshCustody();
        el.addEventListener(kind === 'image' || kind === 'pdf' ? 'load' : 'loadedmetadata', done, { once: true });
        replace(previewBox, el);
      } }, t('evidence.preview.show'));
      previewBox.append(h('p', { class: 'help' }, t('evidence.preview.note')), show);
    } else {
      previewBox.append(h('p', { class: 'empty' }, t('evidence.preview.none')));
    }

    const sharing = h('div');
    // Recording custody by hand: those who may contribute to the item's case.
    const custodyBox = h('div');
    // A bundle likewise: the server asks for a contributor of the case.
    const bundleBox = h('div', { class: 'bundle-slot' });
    // The list, not the case: a case seen only through a grant must not be asked for (404).
    // Its reference is plain text until the list says the user's organisation sees the case.
    const caseRef = h('span', { class: 'case-ref' }, e.case_reference || '');
    const caseP = api.get('cases' + qs({ q: e.case_reference, limit: 50 }))
      .then((r) => (Array.isArray(r) ? r : r.items || []).find((x) => x.id === e.case_id) || null)
      .catch(() => null);
    caseP.then((c) => { if (c) replace(caseRef, caseLink(e.case_id, e.case_reference)); });
    if (!e.erased_at && me.role !== 'observer') {
      caseP.then((c) => {
        if (!c) return;
        const mine = (c.participants || []).find((p) => p.org === me.org);
        // Not a participant: the case is seen through a JIT; the server decides.
        if (mine && mine.access === 'observer') return;
        if (c.status === 'open') custodyBox.append(custodyForm(e.id, refreshCustody));
        bundleBox.append(bundleExport(e.case_id, [e.id], t('evidence.bundle'), refreshCustody));
      }).catch(() => {});
    }
    const page = h('div',
      title(e.title || e.original_name || t('evidence.title.unknown'), integ),
      h('div', { class: 'actions' },
        // The browser downloads; the server records the access as it starts
        // serving, so the chain shown here is read again shortly after.
        !e.erased_at && h('a', { class: 'button', href: content, download: e.original_name || '',
          onclick: () => { setTimeout(refreshCustody, 1000); setTimeout(refreshCustody, 4000); } }, t('common.download')),
        bundleBox),
      h('div', { class: 'cols' },
        h('section', { 'aria-labelledby': 'ev-meta' }, h('h2', { id: 'ev-meta' }, t('evidence.metadata')),
          props([
            // The number other forms ask for (an action-day report's evidence item).
            [t('evidence.number'), String(e.id)],
            [t('evidence.case'), caseRef],
            [t('evidence.kind'), label('evidence.kind', e.kind)],
            [t('evidence.description'), e.description],
            [t('evidence.original_name'), e.original_name],
            [t('evidence.media_type'), e.media_type],
            [t('evidence.size'), e.size !== undefined ? fmtBytes(e.size) + ' (' + t('evidence.bytes', { n: e.size }) + ')' : ''],
            [t('evidence.originator'), e.originator],
            [t('evidence.registered'), [e.registered_by || '', ' ', fmtTime(e.registered_at)]],
            [t('evidence.tags'), (e.tags || []).join(', ')],
          ])),
        h('section', { 'aria-labelledby': 'ev-prov' }, h('h2', { id: 'ev-prov' }, t('evidence.provenance')),
          props([
            [t('evidence.collected_by'), [by.person, by.org && '(' + by.org + ')'].filter(Boolean).join(' ')],
            [t('evidence.collected_at'), pv.collected_at],
            [t('evidence.method'), pv.method],
            [t('evidence.source_url'), src.url],
            [t('evidence.source_place'), src.place],
            [t('evidence.coordinates'), src.latitude !== undefined && src.longitude !== undefined
              ? Number(src.latitude).toFixed(5) + ', ' + Number(src.longitude).toFixed(5) : ''],
            [t('evidence.language'), pv.language],
            [t('evidence.legal_status'), e.legal_status || pv.legal_status],
            [t('evidence.received_from'), pv.received_from],
          ]) )),
      h('section', { 'aria-labelledby': 'ev-int' }, h('h2', { id: 'ev-int' }, t('evidence.integrity')),
        props([
          [t('evidence.sha256'), h('code', { class: 'sha256' }, e.sha256)],
          [t('evidence.integrity.status'), integ2],
          [t('evidence.integrity.checked'), checkedAt],
        ]),
        !e.erased_at && verify, verifyMsg),
      h('section', { 'aria-labelledby': 'ev-prev' }, h('h2', { id: 'ev-prev' }, t('evidence.preview')), previewBox),
      h('section', { 'aria-labelledby': 'ev-cust' }, h('h2', { id: 'ev-cust' }, t('evidence.custody')), custody, custodyBox),
      h('section', { 'aria-labelledby': 'ev-share' }, h('h2', { id: 'ev-share' }, t('evidence.sharing')), sharing));
    refreshCustody();
    sharingSection(sharing, e, me, refreshCustody);
    return page;
  });
}

const CUSTODY_PAGE = 100;

function custodyTable(events) {
  return table([
    { label: t('custody.col.at'), cell: (x) => fmtTime(x.at) },
    { label: t('custody.col.event'), cell: (x) => label('custody.event', x.event) },
    { label: t('custody.col.actor'), cell: (x) => x.actor + (x.actor_org ? ' (' + x.actor_org + ')' : '') },
    { label: t('custody.col.reason'), cell: (x) => label('custody.reason', x.reason) },
    { label: t('custody.col.ledger'), cell: (x) => x.ledger_index !== undefined && x.ledger_index !== null
      ? link('/ledger?index=' + x.ledger_index, t('custody.ledger', { n: x.ledger_index })) : '' },
  ], events, { class: 'stack custody', label: t('evidence.custody') });
}

// In force, expired (the day after its last day) or revoked.
function grantStatus(g) {
  if (g.revoked_at) return badge(t('grant.revoked', { at: fmtDate(g.revoked_at) }), 'bad');
  if (g.expires_on && g.expires_on < today()) return badge(t('grant.expired', { on: fmtDate(g.expires_on) }), 'bad');
  return badge(t('grant.active'), 'ok');
}

// A grant made or revoked is in the item's chain of custody: onChange shows it.
function sharingSection(el, e, me, onChange) {
  const msg = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  // Deciding on sharing is for prosecutors and administrators (the server's rule too).
  const decides = me.role === 'prosecutor' || me.role === 'admin';
  const act = (g, path, body, confirmText, done) => {
    if (confirmText && !confirm(confirmText)) return;
    api.post('grants/' + g.id + '/' + path, body).then(() => {
      replace(msg, notice(done, 'ok'));
      refresh();
      onChange();
    }, (err) => replace(msg, errorBox(err)));
  };
  // The grantor revokes; the item's originator consents, refuses, or withdraws its consent.
  const grantActions = (g) => {
    const it = (g.items || []).find((i) => i.id === e.id);
    if (!decides || g.revoked_at || !it) return '';
    const btn = (text, aria, cls, fn) => h('button', { type: 'button', class: cls, 'aria-label': aria, onclick: fn }, text);
    if (g.grantor_org === me.org)
      return btn(t('grant.revoke'), t('grant.revoke.label', { org: g.org }), 'danger',
        () => act(g, 'revoke', {}, t('grant.revoke.confirm', { org: g.org }), t('grant.revoke.done', { org: g.org })));
    if (it.originator !== me.org) return '';
    if (it.consent === 'pending')
      return h('span', { class: 'actions' },
        btn(t('grant.consent.give'), t('grant.consent.give.label', { org: g.org }), '',
          () => act(g, 'consent', { decision: 'given' }, null, t('grant.consent.given.done', { org: g.org }))),
        btn(t('grant.consent.refuse'), t('grant.consent.refuse.label', { org: g.org }), 'danger',
          () => act(g, 'consent', { decision: 'refused' }, null, t('grant.consent.refused.done', { org: g.org }))));
    if (it.consent === 'given')
      return btn(t('grant.withdraw'), t('grant.withdraw.label', { org: g.org }), 'danger',
        () => act(g, 'revoke', {}, t('grant.withdraw.confirm', { org: g.org }), t('grant.withdraw.done', { org: g.org })));
    return '';
  };
  const refresh = () => load(list, async () => {
    const grants = (await api.get('grants')).filter((g) => (g.items || []).some((i) => i.id === e.id));
    return table([
      { label: t('grant.col.org'), cell: (g) => g.org },
      { label: t('grant.col.by'), cell: (g) => g.grantor_org },
      { label: t('grant.col.basis'), cell: (g) => g.legal_basis },
      { label: t('grant.col.expires'), cell: (g) => fmtDate(g.expires_on) || t('grant.noexpiry') },
      { label: t('grant.col.consent'), cell: (g) => {
        const it = (g.items || []).find((i) => i.id === e.id);
        return it ? label('grant.consent', it.consent) : '';
      } },
      { label: t('grant.col.status'), cell: (g) => grantStatus(g) },
      { label: t('grant.col.actions'), cell: (g) => grantActions(g) },
    ], grants, { class: 'stack', label: t('evidence.sharing'), empty: t('grant.none') });
  });
  el.append(msg, list);
  refresh();
  // Only the case's contributors share, and sharing outside the case is a
  // prosecutor's or an administrator's decision (the server's rule too); a
  // receiver of a grant sees the list only.
  if (e.erased_at || !decides || e.originator !== me.org) return;
  const org = field(t('grant.org'), 'org', { type: 'select', required: true, options: [['', t('grant.org.pick')]] });
  const basis = field(t('grant.basis'), 'legal_basis', { required: true, help: t('grant.basis.help') });
  const expires = field(t('grant.expires'), 'expires_on', { type: 'date', attrs: { min: today() } });
  orgs().then((all) => {
    for (const o of all) if (o.code !== me.org) org.input.append(h('option', { value: o.code }, o.code + ' · ' + o.name));
  }).catch((err) => replace(msg, errorBox(err)));
  const submit = h('button', { type: 'submit' }, t('grant.submit'));
  el.append(h('form', { class: 'share-form', 'aria-labelledby': 'share-h', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!org.input.value || !basis.input.value.trim()) { replace(msg, notice(t('grant.missing'), 'error')); return; }
    submit.disabled = true;
    try {
      const body = { case: e.case_id, items: [e.id], org: org.input.value, legal_basis: basis.input.value.trim() };
      if (expires.input.value) body.expires_on = expires.input.value;
      await api.post('grants', body);
      replace(msg, notice(t('grant.done', { org: org.input.value }), 'ok'));
      ev.target.reset();
      refresh();
      onChange();
    } catch (err) { replace(msg, errorBox(err)); } finally { submit.disabled = false; }
  } }, h('h3', { id: 'share-h' }, t('grant.heading')), org, basis, expires, submit));
}
