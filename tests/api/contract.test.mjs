// Contract test: the OpenAPI document served at /api/v1/openapi.json is valid
// OpenAPI 3.1 (the official schema, through @seriousme/openapi-schema-validator),
// its schemas are valid JSON Schema 2020-12, and what a real server answers
// matches it: for each call below, the status is one the operation declares
// and the JSON body validates (ajv, 2020-12 dialect) against the schema
// declared for that status. Every mismatch is reported with the operation,
// the status and ajv's path. The server runs over a fresh `custodia demo`
// data directory on a loopback port (CU_BIN: the binary).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '../../web');
const require = createRequire(join(web, 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { Validator } = await import(pathToFileURL(
  join(web, 'node_modules/@seriousme/openapi-schema-validator/index.js')).href);

const BIN = process.env.CU_BIN || resolve(here, '../../build/custodia');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir, proc, url, exited = null, log = '';
let doc, ajv;
const tokens = {};
const problems = [];   // every contract mismatch, as one line each
const called = new Set(); // "GET /api/v1/cases/{id} 200"

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custodia-contract-'));
  const data = join(dir, 'd'), ready = join(dir, 'ready');
  execFileSync(BIN, ['demo', '--no-serve', '--data', data], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc = spawn(BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--ready-file', ready,
    '--workers', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  proc.on('exit', (code) => { exited = code; });
  for (let i = 0; i < 400 && !existsSync(ready); i++) {
    if (exited !== null) throw new Error('custodia serve exited ' + exited + ':\n' + log);
    await sleep(25);
  }
  url = (await readFile(ready, 'utf8')).trim().replace(/\/$/, '');
  doc = await (await fetch(url + '/api/v1/openapi.json')).json();
  ajv = compiler(doc);
});

after(async () => {
  if (proc && exited === null) {
    proc.kill('SIGTERM');
    for (let i = 0; i < 200 && exited === null; i++) await sleep(25);
    if (exited === null) proc.kill('SIGKILL');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ajv for the document's schemas: components.schemas become one schema's $defs,
// and every "#/components/schemas/X" a reference into it. Strict: a keyword
// JSON Schema 2020-12 does not know (a typo, OpenAPI 3.0's nullable) is an error;
// OpenAPI 3.1's own vocabulary (example, discriminator, xml, externalDocs) is allowed.
const BASE = 'urn:custodia:openapi';
function rebase(v) {
  if (Array.isArray(v)) return v.map(rebase);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v))
      o[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')
        ? BASE + '#/$defs/' + x.slice('#/components/schemas/'.length) : rebase(x);
    return o;
  }
  return v;
}
function compiler(d) {
  const a = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false });
  addFormats(a);
  a.addFormat('binary', true);
  a.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
  a.addSchema({ $id: BASE, $defs: rebase(d.components?.schemas ?? {}) });
  return a;
}
const compiled = new Map();
function validatorOf(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rebase(schema)));
  return compiled.get(key);
}

// One call: checks the answer against the document and records what does not match.
// tpl is the path template of the document; params fill its {names}; query is appended.
async function call(method, tpl, { params = {}, query = '', as = 'se', body, raw, type,
  expect } = {}) {
  let path = tpl.replace(/\{(\w+)\*?\}/g, (_, n) => {
    if (!(n in params)) throw new Error('no value for {' + n + '} of ' + tpl);
    return tpl.includes('{' + n + '*}') ? String(params[n]) : encodeURIComponent(params[n]);
  });
  if (query) path += '?' + query;
  const headers = {};
  if (as) headers.Authorization = 'Bearer ' + await token(as);
  let payload;
  if (raw !== undefined) { payload = raw; headers['Content-Type'] = type || 'application/octet-stream'; }
  else if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url + path, { method, headers, body: payload });
  const text = Buffer.from(await res.arrayBuffer());
  const status = res.status;
  const where = `${method} ${tpl} (${method} ${path}) -> ${status}`;
  called.add(`${method} ${tpl} ${status}`);
  let json;
  const ctype = (res.headers.get('content-type') || '').split(';')[0].trim();
  if (ctype === 'application/json') {
    try { json = JSON.parse(text.toString('utf8')); } catch (e) {
      problems.push(`${where}: body is not JSON: ${e.message}`);
    }
  }
  if (expect !== undefined && status !== expect)
    problems.push(`${where}: the test expected ${expect}: ${text.toString('utf8').slice(0, 200)}`);
  const op = doc.paths[tpl]?.[method.toLowerCase()];
  if (!op) {
    problems.push(`${where}: no such operation in the document`);
    return { status, json, text };
  }
  const declared = op.responses?.[String(status)] ?? op.responses?.default;
  if (!declared) {
    problems.push(`${where}: status ${status} not declared by ${op.operationId} ` +
      `(declares ${Object.keys(op.responses || {}).join(', ')})`);
    return { status, json, text };
  }
  if (!declared.content) {
    if (text.length) problems.push(`${where}: ${op.operationId} ${status} declares no content, ` +
      `got ${text.length} bytes of ${ctype}`);
    return { status, json, text };
  }
  const media = declared.content[ctype] ?? declared.content['*/*'];
  if (!media) {
    problems.push(`${where}: ${op.operationId} ${status} answered ${ctype || 'no type'}, ` +
      `declares ${Object.keys(declared.content).join(', ')}`);
    return { status, json, text };
  }
  if (ctype === 'application/json' && json !== undefined && media.schema) {
    const v = validatorOf(media.schema);
    if (!v(json))
      for (const e of v.errors)
        problems.push(`${op.operationId} ${status} (${method} ${path}): ` +
          `${e.instancePath || '/'} ${e.message}` +
          (e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : '') +
          ` [${e.schemaPath.replace(BASE, '')}]`);
  }
  return { status, json, text };
}

async function token(user) {
  if (!tokens[user]) {
    const r = await call('POST', '/api/v1/session', { as: null,
      body: { username: user, password: 'demo' }, expect: 201 });
    tokens[user] = r.json.token;
  }
  return tokens[user];
}

test('the document is valid OpenAPI 3.1 (the official JSON Schema)', async () => {
  const v = new Validator();
  const res = await v.validate(structuredClone(doc));
  assert.equal(v.version, '3.1');
  assert.deepEqual(res.errors ?? [], [], 'openapi.json against the OpenAPI 3.1 schema');
  assert.equal(res.valid, true);
});

test('every schema of the document is valid JSON Schema 2020-12', () => {
  const bad = [];
  const each = (where, s) => {
    try { validatorOf(s); } catch (e) { bad.push(where + ': ' + e.message); }
  };
  for (const [n, s] of Object.entries(doc.components.schemas)) each('#/components/schemas/' + n, s);
  for (const [p, item] of Object.entries(doc.paths))
    for (const [m, op] of Object.entries(item)) {
      const rb = op.requestBody?.content;
      for (const [t, media] of Object.entries(rb ?? {})) each(`${m} ${p} body ${t}`, media.schema);
      for (const [st, r] of Object.entries(op.responses))
        for (const [t, media] of Object.entries(r.content ?? {}))
          if (media.schema) each(`${m} ${p} ${st} ${t}`, media.schema);
      for (const prm of op.parameters ?? []) each(`${m} ${p} parameter ${prm.name}`, prm.schema);
    }
  assert.deepEqual(bad, []);
});

test('the answers match the document', async () => {
  const A = '/api/v1';
  const get = (tpl, opts) => call('GET', A + tpl, { expect: 200, ...opts });

  // System and reference data.
  await call('GET', '/healthz', { as: null, expect: 200 });
  await call('GET', '/readyz', { as: null, expect: 200 });
  await call('GET', '/metrics', { as: 'admin', expect: 200 });
  await call('GET', '/log/checkpoint', { as: null, expect: 200 });
  await get('/version', { as: null });
  await get('/openapi.json', { as: null });
  await get('/me');
  await get('/crime-types');
  await get('/orgs');
  await get('/orgs/{code}', { params: { code: 'SE' } });
  await get('/users', { as: 'se-admin', query: 'org=SE' });
  await get('/users/{username}', { params: { username: 'se' } });
  await get('/tokens');
  await get('/deadline-rules');
  await get('/match/threshold');

  // Cases and what hangs on them.
  const cases = (await get('/cases')).json;
  await get('/cases', { query: 'limit=1' });
  await get('/cases', { query: 'status=open&q=arrest' });
  const ids = (cases?.items ?? []).map((c) => c.id);
  assert.ok(ids.length >= 2, 'the demo has cases the caller sees');
  for (const id of ids) {
    await get('/cases/{id}', { params: { id } });
    await get('/cases/{id}/participants', { params: { id } });
    await get('/cases/{id}/events', { params: { id }, query: 'limit=50' });
    await get('/cases/{id}/retention', { params: { id } });
    await get('/cases/{id}/entities', { params: { id } });
    await get('/cases/{id}/evidence', { params: { id } });
  }
  await get('/cases/{id}', { params: { id: cases.items[0].reference } });

  // Evidence: metadata, custody, content.
  const items = (await get('/cases/{id}/evidence', { params: { id: ids.at(-1) } })).json ?? [];
  assert.ok(items.length > 0, 'the demo case has evidence');
  for (const it of items.slice(0, 3)) {
    await get('/evidence/{id}', { params: { id: it.id } });
    await get('/evidence/{id}/custody', { params: { id: it.id } });
  }
  await get('/evidence/{id}/content', { params: { id: items[0].id } });
  await get('/evidence');
  await get('/grants');
  await get('/retention', { query: 'within=3650d' });

  // Entities and hits.
  const ents = (await get('/cases/{id}/entities', { params: { id: ids.at(-1) } })).json ?? [];
  for (const e of ents.slice(0, 3)) await get('/entities/{id}', { params: { id: e.id } });
  const hits = (await get('/hits')).json ?? [];
  for (const h of hits.slice(0, 3)) await get('/hits/{id}', { params: { id: h.id } });

  // JITs, requests, deadlines, statistics.
  const jits = (await get('/jits')).json ?? [];
  for (const j of jits) await get('/jits/{id}', { params: { id: j.id } });
  const reqs = (await get('/requests')).json ?? [];
  for (const r of reqs.slice(0, 4)) await get('/requests/{id}', { params: { id: r.id } });
  await get('/deadlines', { query: 'within=3650' });
  await get('/stats');
  await get('/stats', { as: 'admin' });                 // the hub's scope
  await get('/stats', { query: 'as_of=3' });            // a size without a checkpoint

  // Meetings, interviews, action days.
  const meetings = (await get('/meetings')).json ?? [];
  for (const m of meetings) await get('/meetings/{id}', { params: { id: m.id } });
  const interviews = (await get('/interviews')).json ?? [];
  for (const i of interviews) await get('/interviews/{id}', { params: { id: i.id } });
  // DE's planned interview reports FR's earlier one, of a case DE does not see.
  const planned = (await get('/interviews', { as: 'de' })).json ?? [];
  for (const i of planned) await get('/interviews/{id}', { as: 'de', params: { id: i.id } });
  assert.ok(planned.some((i) => i.earlier_interviews?.some((e) => e.visible === false)),
    'the demo has a planned interview with an earlier one the planner does not see');
  const days = (await get('/actiondays')).json ?? [];
  for (const d of days) {
    await get('/actiondays/{id}', { params: { id: d.id } });
    await get('/actiondays/{id}/updates', { params: { id: d.id } });
  }

  // Search and jobs.
  await get('/search', { query: 'q=witness' });
  await get('/search', { query: 'q=Djordjevic&kind=entity&limit=5' });
  await get('/search', { query: 'q=nothingmatchesthis' });
  const jobs = (await get('/jobs')).json?.items ?? [];
  await get('/jobs', { as: 'admin' });                  // with the queue's counts

  // The ledger.
  const cp = (await get('/ledger/checkpoint', { as: null })).json;
  const size = cp?.size ?? cp?.tree_size ?? 2;
  await get('/ledger/entries/{index}', { as: null, params: { index: 0 } });
  await get('/ledger/proof/inclusion', { as: null, query: `index=0&size=${size}` });
  await get('/ledger/proof/consistency', { as: null, query: `from=1&to=${size}` });

  // Writes, with the document's own examples where they fit the demo.
  const created = await call('POST', A + '/cases', { expect: 201,
    body: { title: 'Contract test case', crime_types: ['swindling_fraud'] } });
  const cid = created.json?.id;
  await call('PATCH', A + '/cases/{id}', { params: { id: cid }, expect: 200,
    body: { retention_review_on: '2029-03-02' } });
  await call('POST', A + '/cases/{id}/participants', { params: { id: cid }, expect: 201,
    body: { org: 'NL', access: 'observer' } });
  await call('POST', A + '/cases/{id}/entities', { params: { id: cid }, expect: 201,
    body: { kind: 'person', names: ['Marko Djordjevic'], born: '1979' } });
  const up = await call('POST', A + '/cases/{id}/uploads', { params: { id: cid }, expect: 201,
    body: { title: 'Note', original_name: 'note.txt', kind: 'document', size: 5 } });
  await call('GET', A + '/uploads/{id}', { params: { id: up.json?.id }, expect: 200 });
  await call('PUT', A + '/uploads/{id}', { params: { id: up.json?.id }, query: 'offset=0',
    raw: 'hello', expect: 200 });
  const ev = await call('POST', A + '/uploads/{id}/complete', { params: { id: up.json?.id },
    body: {}, expect: 201 });
  await call('POST', A + '/evidence/{id}/custody', { params: { id: ev.json?.id }, expect: 201,
    body: { event: 'sealed', reason: 'bag 4471' } });
  await call('POST', A + '/evidence/{id}/verify', { params: { id: ev.json?.id }, body: {},
    expect: 200 });
  await call('POST', A + '/jits', { expect: 201, body: { name: 'Contract JIT',
    signed_on: '2024-01-10', expires_on: '2030-01-10', members: [{ org: 'DE' }] } });
  const rq = await call('POST', A + '/requests', { expect: 201, body: { case: created.json?.reference,
    kind: 'eio', title: 'Bank records', executing_org: 'LT', issued_on: '2024-03-20' } });
  await call('POST', A + '/requests/{id}/status', { params: { id: rq.json?.id },
    body: { to: 'sent' }, expect: 200 });
  await call('POST', A + '/meetings', { expect: 201, body: { kind: 'coordination',
    case: created.json?.reference, title: 'Coordination', held_on: '2024-05-06',
    participants: ['NL'] } });
  await call('POST', A + '/xref', { body: { case: created.json?.reference }, expect: 200 });
  await call('POST', A + '/xref', { as: 'admin', body: {}, expect: 200 });
  await call('POST', A + '/xref', { body: {}, expect: 403 });
  // Scored pairs with labels (an evaluation), unlabelled, and one that cannot be scored.
  const pairs = await call('POST', A + '/match/pairs', { expect: 200, body: { pairs: [
    { a: 'Đorđević', b: 'Djordjevic', label: true }, { a: 'Ђорђевић', b: 'Dordevic' },
    { a: 'Marko Petrovic', b: 'Ana Jovanovic', label: false }, { a: 'ᚠᚢᚦ', b: 'x' }] } });
  assert.equal(pairs.json?.unscored, 1, 'one pair cannot be scored');
  await call('POST', A + '/match/pairs', { body: { pairs: [{ a: 'x', b: 'y' }] },
    expect: 200 });
  await call('POST', A + '/match/pairs', { body: { pairs: [], threshold: 2 }, expect: 400 });
  await call('POST', A + '/tokens', { body: { label: 'contract' }, expect: 201 });
  await call('PUT', A + '/match/threshold', { as: 'admin', body: { threshold: 0.76 },
    expect: 200 });
  const grant = await call('POST', A + '/grants', { expect: 201, body: { case: cid,
    items: [ev.json?.id], org: 'ICC', legal_basis: 'Art. 93(10) Rome Statute request' } });
  await get('/grants/{id}', { params: { id: grant.json?.id } });
  await get('/grants');
  await get('/grants', { as: 'icc' });                  // the receiver's view
  const bundle = await call('POST', A + '/cases/{id}/bundles', { params: { id: cid },
    body: { for: 'ICC' }, expect: 201 });
  if (bundle.json?.id)
    await get('/bundles/{id}', { params: { id: bundle.json.id } });
  await call('POST', A + '/cases/{id}/entities/import', { params: { id: cid },
    query: 'format=csv', raw: 'kind,born\nperson,not-a-date\n', type: 'text/csv', expect: 422 });
  await call('POST', A + '/grants/{id}/revoke', { params: { id: grant.json?.id },
    body: { reason: 'contract test' }, expect: 200 });

  // Hits: the new entity matches the demo's (both cases SE's: a full hit, with its
  // score); one of the demo's hits is only half seen, and SE asks for the other case.
  const own = (await get('/hits', { query: 'case=' + encodeURIComponent(created.json?.reference) }))
    .json ?? [];
  const full = own.find((h) => h.full);
  assert.ok(full, 'the new entity makes a hit SE sees whole');
  await get('/hits/{id}', { params: { id: full.id } });
  await call('POST', A + '/hits/{id}/confirm', { params: { id: full.id },
    body: { note: 'same person' }, expect: 200 });
  const half = hits.find((h) => !h.full);
  assert.ok(half, 'the demo has a hit SE sees one side of');
  await call('POST', A + '/hits/{id}/access-requests', { params: { id: half.id },
    body: { message: 'contract test' }, expect: 201 });
  await call('POST', A + '/hits/{id}/dismiss', { params: { id: half.id }, body: {},
    expect: 200 });
  await get('/hits', { query: 'review=dismissed' });

  // Retention: triggers, a hold, what is due, the hold released.
  await call('POST', A + '/cases/{id}/retention/triggers', { params: { id: cid }, expect: 201,
    body: { trigger: 'statute_barred', on: '2040-01-01', note: 'limitation' } });
  await call('POST', A + '/cases/{id}/retention/triggers', { params: { id: cid }, expect: 201,
    body: { trigger: 'final_judgment', on: '2020-01-15' } });
  const held = await call('POST', A + '/cases/{id}/holds', { params: { id: cid }, expect: 201,
    body: { reason: 'appeal pending' } });
  await get('/cases/{id}/retention', { params: { id: cid } });
  const due = (await get('/retention', { query: 'within=36500d' })).json ?? [];
  assert.ok(due.some((d) => d.case_id === cid && d.holds.length &&
    d.due.some((x) => x.action === 'delete')), 'the contract case has a deletion due, held');
  await call('POST', A + '/cases/{id}/holds/{hold}/release', { expect: 204,
    params: { id: cid, hold: held.json?.holds?.[0]?.id } });

  // A case's meeting with a session and follow-up actions (the demo's plenary has a
  // closed session); an outcome.
  const mt = await call('POST', A + '/meetings', { expect: 201, body: { kind: 'coordination',
    case: created.json?.reference, title: 'Coordination with sessions', held_on: '2024-06-01',
    place: 'The Hague', participants: ['NL'], sessions: [{ title: 'Planning' }],
    actions: [{ text: 'Send the analysis', org: 'NL', due_on: '2024-07-01' }] } });
  await get('/meetings/{id}', { params: { id: mt.json?.id } });
  await call('POST', A + '/meetings/{id}/outcome', { params: { id: mt.json?.id }, expect: 200,
    body: { outcome: 'Agreed', actions: [{ text: 'Follow up' }] } });

  // A planned interview of a person interviewed before (the same entity).
  const fr = (await get('/interviews', { as: 'fr' })).json?.[0];
  const later = new Date(Date.now() + 60 * 86400e3).toISOString().slice(0, 10);
  const iv = await call('POST', A + '/interviews', { as: 'fr', expect: 201, body: {
    case: fr?.case_reference, entity: fr?.entity_id, role: 'witness', status: 'planned',
    on: later } });
  assert.ok(iv.json?.earlier_interviews?.some((e) => e.visible && e.via === 'same_entity'),
    'a planned interview reports the earlier one of the same entity');

  // Jobs and the search index (the server runs no workers: jobs stay queued).
  assert.ok(jobs.length > 0, 'the demo queued text extraction jobs');
  await call('POST', A + '/jobs/{id}/retry', { params: { id: jobs[0].id }, expect: 200 });
  await call('POST', A + '/jobs/{id}/retry', { params: { id: 999999 }, expect: 404 });
  await call('POST', A + '/search/reindex', { as: 'admin', expect: 200 });
  await call('POST', A + '/search/reindex', { expect: 403 });
  await get('/search', { query: 'q=witness' });

  // Errors: unknown ids (404), bad input (400), no token (401), a role without the right (403).
  for (const tpl of ['/cases/{id}', '/evidence/{id}', '/entities/{id}', '/requests/{id}',
    '/jits/{id}', '/actiondays/{id}', '/meetings/{id}', '/hits/{id}', '/interviews/{id}',
    '/grants/{id}', '/uploads/{id}', '/evidence/{id}/custody', '/cases/{id}/evidence'])
    await get(tpl, { params: { id: 999999 }, expect: 404 });
  await get('/orgs/{code}', { params: { code: 'NOPE' }, expect: 404 });
  await get('/ledger/entries/{index}', { as: null, params: { index: 99999999 }, expect: 404 });
  await get('/cases', { query: 'limit=0', expect: 400 });
  await get('/cases', { query: 'bogus=1', expect: 400 });
  await get('/cases/{id}/events', { params: { id: ids[0] }, query: 'limit=x', expect: 400 });
  await get('/hits', { query: 'limit=-1', expect: 400 });
  await get('/stats', { query: 'year=abc', expect: 400 });
  await get('/ledger/proof/inclusion', { as: null, query: 'index=x&size=1', expect: 400 });
  await call('POST', A + '/cases', { body: '{"title":', expect: 400 });
  await call('POST', A + '/cases', { body: { title: 1, crime_types: [] }, expect: 400 });
  await call('POST', A + '/requests', { body: { case: 'x' }, expect: 400 });
  await call('POST', A + '/cases', { raw: '{}', type: 'text/plain', expect: 415 });
  await call('POST', A + '/requests/{id}/status', { params: { id: rq.json?.id },
    body: { to: 'draft' }, expect: 409 });
  await call('POST', A + '/session', { as: null, body: { username: 'se', password: 'wrong' },
    expect: 401 });
  await call('POST', A + '/session', { as: null,
    body: { username: 'se-analyst', password: 'demo', cookie: true }, expect: 201 });
  for (const tpl of ['/me', '/cases', '/cases/{id}', '/requests', '/hits', '/stats', '/search',
    '/jits', '/meetings', '/actiondays', '/interviews', '/evidence/{id}'])
    await get(tpl, { as: null, params: { id: 1 }, expect: 401 });
  await get('/users', { as: 'se', query: 'org=DE', expect: 403 });
  await call('GET', '/metrics', { as: 'se', expect: 403 });

  // Logging out last.
  await call('DELETE', A + '/session', { expect: 204 });

  assert.deepEqual(problems, [], problems.length + ' mismatches with the document');
});

// The operations whose answers are not read back by a GET: each must have been
// called with success (and its answer checked above).
test('the writes that answer documents of their own were called', () => {
  const ops = ['POST /api/v1/cases/{id}/bundles 201', 'POST /api/v1/evidence/{id}/verify 200',
    'POST /api/v1/xref 200', 'POST /api/v1/match/pairs 200', 'POST /api/v1/search/reindex 200',
    'POST /api/v1/jobs/{id}/retry 200', 'POST /api/v1/cases/{id}/retention/triggers 201',
    'POST /api/v1/cases/{id}/holds 201', 'POST /api/v1/grants/{id}/revoke 200',
    'POST /api/v1/hits/{id}/confirm 200', 'POST /api/v1/hits/{id}/dismiss 200',
    'POST /api/v1/hits/{id}/access-requests 201', 'POST /api/v1/meetings/{id}/outcome 200',
    'POST /api/v1/interviews 201'];
  assert.deepEqual(ops.filter((o) => !called.has(o)), []);
});

test('every GET operation with a JSON answer was called', () => {
  const missing = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op || p.includes('{tile*}') || p.endsWith('/stream') || p.startsWith('/api/v1/bundles'))
      continue;
    if (![...called].some((c) => c.startsWith(`GET ${p} 2`))) missing.push(`GET ${p}`);
  }
  assert.deepEqual(missing, []);
});
