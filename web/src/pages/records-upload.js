// Uploading an evidence item: the file and its provenance (Berkeley
// Protocol), sent in chunks of at most 8 MiB through the resumable upload
// API. The file is sliced (Blob.slice) and hashed chunk by chunk (@noble/hashes,
// incremental), never read whole into memory; the server is given the digest
// at completion and refuses the item if its own differs.
import { t } from '../strings.js';
import { api, putWithProgress, ApiError } from '../api.js';
import { h, field, replace, notice, errorText, link, fmtBytes } from '../ui.js';
import { session } from '../session.js';
import { caseSeg, label } from './records-common.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const CHUNK_MAX = 8 << 20;
export const EVIDENCE_KINDS = ['document', 'image', 'video', 'audio', 'testimony', 'device_image', 'dataset', 'other'];

// Returns {node, abort}: the form, and a function that stops a running upload.
export function uploadForm(c, onDone) {
  let controller = null;
  let uploadId = null;
  const f = {
    file: field(t('upload.file'), 'file', { type: 'file', required: true }),
    title: field(t('upload.title'), 'title', { required: true }),
    description: field(t('upload.description'), 'description', { type: 'textarea' }),
    kind: field(t('upload.kind'), 'kind', { type: 'select', value: 'document',
      options: EVIDENCE_KINDS.map((k) => [k, label('evidence.kind', k)]) }),
    collected_by: field(t('upload.collected_by'), 'collected_by'),
    collected_by_org: field(t('upload.collected_by_org'), 'collected_by_org',
      { value: (session.user && session.user.org) || '' }),
    collected_at: field(t('upload.collected_at'), 'collected_at',
      { help: t('upload.collected_at.help'), placeholder: '2026-03-05' }),
    method: field(t('upload.method'), 'method', { help: t('upload.method.help') }),
    source_url: field(t('upload.source_url'), 'source_url', { type: 'url' }),
    source_place: field(t('upload.source_place'), 'source_place'),
    latitude: field(t('upload.latitude'), 'latitude', { type: 'number', attrs: { step: 'any', min: -90, max: 90 } }),
    longitude: field(t('upload.longitude'), 'longitude', { type: 'number', attrs: { step: 'any', min: -180, max: 180 } }),
    language: field(t('upload.language'), 'language', { help: t('upload.language.help') }),
    legal_status: field(t('upload.legal_status'), 'legal_status'),
    received_from: field(t('upload.received_from'), 'received_from'),
    tags: field(t('upload.tags'), 'tags', { help: t('upload.tags.help') }),
  };
  const bar = h('progress', { max: '100', value: '0', id: 'upload-progress', 'aria-label': t('upload.progress') });
  const pct = h('span', { class: 'upload-pct', 'aria-hidden': 'true' }, '0 %');
  const sent = h('span', { class: 'upload-sent' });
  const progress = h('div', { class: 'upload-progress', hidden: true },
    h('label', { for: 'upload-progress' }, t('upload.progress')), bar, pct, sent);
  const status = h('div', { class: 'upload-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, t('upload.submit'));
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => controller && controller.abort() },
    t('upload.cancel'));

  f.file.input.addEventListener('change', () => {
    const file = f.file.input.files[0];
    if (!file) return;
    if (!f.title.input.value) f.title.input.value = file.name.replace(/\.[^.]+$/, '');
    const mt = file.type || '';
    const guess = mt.startsWith('image/') ? 'image' : mt.startsWith('video/') ? 'video'
      : mt.startsWith('audio/') ? 'audio' : null;
    if (guess && f.kind.input.value === 'document') f.kind.input.value = guess;
  });

  function setProgress(done, total) {
    const p = total ? Math.floor((done / total) * 100) : 100;
    bar.value = p;
    bar.setAttribute('aria-valuetext', p + ' %');
    pct.textContent = p + ' %';
    sent.textContent = t('upload.sent', { done: fmtBytes(done), total: fmtBytes(total) });
  }

  function meta(file) {
    const m = { original_name: file.name, size: file.size };
    for (const k of ['title', 'description', 'kind', 'collected_by', 'collected_by_org', 'collected_at',
      'method', 'source_url', 'source_place', 'language', 'legal_status', 'received_from']) {
      const v = f[k].input.value.trim();
      if (v) m[k] = v;
    }
    for (const k of ['latitude', 'longitude']) {
      const v = f[k].input.value.trim();
      if (v !== '') m[k] = Number(v);
    }
    const tags = f.tags.input.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (tags.length) m.tags = tags;
    return m;
  }

  async function run(file) {
    controller = new AbortController();
    const signal = controller.signal;
    const hash = nobleSha256.create(); // incremental: one chunk at a time
    const up = await api.post('cases/' + caseSeg(c.id) + '/uploads', meta(file), { signal });
    uploadId = up.id;
    const chunk = Math.min(up.chunk_max || CHUNK_MAX, CHUNK_MAX);
    let offset = up.offset || 0;
    setProgress(offset, file.size);
    while (offset < file.size) {
      const part = file.slice(offset, Math.min(offset + chunk, file.size));
      const bytes = new Uint8Array(await part.arrayBuffer());
      let r;
      try {
        r = await putWithProgress('/api/v1/uploads/' + encodeURIComponent(uploadId) + '?offset=' + offset,
          part, (n) => setProgress(offset + n, file.size), signal);
      } catch (e) {
        // A chunk the server already has (e.g. the answer was lost): go on from its offset.
        if (!(e instanceof ApiError && e.status === 409)) throw e;
        const st = await api.get('uploads/' + encodeURIComponent(uploadId), { signal });
        if (st.offset !== offset + part.size) throw e;
        r = st;
      }
      hash.update(bytes);
      offset = r.offset;
      setProgress(offset, file.size);
    }
    const sha256 = bytesToHex(hash.digest());
    const item = await api.post('uploads/' + encodeURIComponent(uploadId) + '/complete', { sha256 }, { signal });
    uploadId = null;
    setProgress(file.size, file.size);
    return item;
  }

  const form = h('form', { class: 'upload-form', 'aria-labelledby': 'upload-h', onsubmit: async (e) => {
    e.preventDefault();
    const file = f.file.input.files[0];
    if (!file) { replace(status, notice(t('upload.nofile'), 'error')); f.file.input.focus(); return; }
    submit.disabled = true;
    cancel.hidden = false;
    progress.hidden = false;
    replace(status, notice(t('upload.running', { name: file.name }), 'info'));
    try {
      const item = await run(file);
      replace(status, h('div', { class: 'notice notice-ok', role: 'status' },
        h('p', t('upload.done', { name: file.name })),
        h('p', t('upload.sha256'), ' ', h('code', { class: 'sha256', 'data-testid': 'upload-sha256' }, item.sha256)),
        h('p', link('/evidence/' + item.id, t('upload.open', { title: item.title || file.name })))));
      form.reset();
      f.collected_by_org.input.value = (session.user && session.user.org) || '';
      if (onDone) onDone(item);
    } catch (err) {
      if (uploadId) api.del('uploads/' + encodeURIComponent(uploadId)).catch(() => {});
      uploadId = null;
      progress.hidden = true;
      replace(status, notice(err && err.name === 'AbortError' ? t('upload.cancelled') : errorText(err),
        err && err.name === 'AbortError' ? 'info' : 'error'));
    } finally {
      submit.disabled = false;
      cancel.hidden = true;
      controller = null;
    }
  } },
  h('h3', { id: 'upload-h' }, t('upload.heading')),
  h('p', { class: 'help' }, t('upload.intro')),
  f.file,
  h('fieldset', h('legend', t('upload.about')), f.title, f.description, f.kind, f.tags),
  h('fieldset', h('legend', t('upload.provenance')), f.collected_by, f.collected_by_org, f.collected_at,
    f.method, f.source_url, f.source_place, h('div', { class: 'row' }, f.latitude, f.longitude),
    f.language, f.legal_status, f.received_from),
  h('div', { class: 'actions' }, submit, cancel),
  progress, status);
  return { node: form, abort: () => controller && controller.abort() };
}
