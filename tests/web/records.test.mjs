// The records pages: dashboard, cases, evidence (upload, preview, custody,
// sharing), JITs, requests, search — as the demo users would use them.
import { test, before, after } from 'node:test';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert, BIN } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const ARREST = 'Coordinated arrest of a Swedish high-value target';
const ARREST_REF = '2026/0001';
const ARREST_NATIONAL = 'AM-48213-26';
const CASE1_ITEMS = ['Witness statement of protected witness W-1', 'Photograph of the lorry used for deliveries',
  'Seizure report, house search in Belgrade'];

async function uploadThroughForm(page, name, content, titleText) {
  await page.getByLabel('File', { exact: true }).setInputFiles({ name, mimeType: 'text/plain', buffer: content });
  await page.getByLabel('Title', { exact: true }).fill(titleText);
  await page.getByLabel('Kind', { exact: true }).selectOption('document');
  await page.getByLabel('Collected by (person)').fill('Inspector B. Test');
  await page.getByLabel('Collected at').fill('2026-11-20');
  await page.getByLabel('Method of collection').fill('handed over at interview');
  await page.getByLabel('Place').fill('Stockholm');
  await page.getByLabel('Latitude').fill('59.3293');
  await page.getByLabel('Longitude').fill('18.0686');
  await page.getByLabel('Language').fill('sv');
  await page.getByLabel('Tags').fill('test, upload');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  await page.getByText(name + ' is uploaded and registered.').waitFor({ timeout: 20000 });
  assert.equal(await bar.evaluate((el) => el.value), 100);
  assert.equal((await page.locator('.upload-pct').textContent()).trim(), '100 %');
  return (await page.getByTestId('upload-sha256').textContent()).trim();
}

test('upload an item to the arrest case, share it with the ICC, the ICC sees exactly it', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.getByRole('heading', { name: 'My open cases' }).waitFor();
  await page.getByRole('region', { name: 'My open cases' }).getByRole('link', { name: ARREST_REF }).waitFor();
  // The hits of France's case (SE takes part) name the other side of each hit, not France.
  const hits = page.getByRole('region', { name: 'Hits waiting for review' });
  await hits.getByRole('link', { name: '2024/0001' }).first().waitFor();
  const others = await hits.locator('tbody tr').evaluateAll((rows) => rows
    .filter((r) => r.innerText.includes('2024/0001')).map((r) => r.lastElementChild.innerText.trim()));
  assert.deepEqual(others.sort(), ['BE', 'DE']);
  await page.getByRole('region', { name: "Today's action days" }).getByRole('link', { name: 'Follow-up action day (live demo)' }).waitFor();
  await page.getByRole('region', { name: 'Requests due or overdue' }).getByRole('link', { name: /Extradition of the suspect/ }).waitFor();
  await screenshot(page, 'records-dashboard');

  await page.getByRole('link', { name: 'Cases', exact: true }).click();
  // The list's own link: the dashboard may still show the case in its cards meanwhile.
  await page.getByRole('table', { name: 'Cases', exact: true }).getByRole('link', { name: ARREST_REF }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(ARREST) }).waitFor();
  await page.getByRole('cell', { name: ARREST_NATIONAL }).waitFor();
  await screenshot(page, 'records-case-overview');
  await page.getByRole('tab', { name: 'Evidence' }).click();
  await page.getByRole('link', { name: CASE1_ITEMS[1] }).waitFor();
  assert.match(page.url(), /tab=evidence/);

  const content = Buffer.from('Statement handed over by witness W-2 on 2026-11-20. (Test data.)\n' + randomBytes(8).toString('hex'));
  const sha = await uploadThroughForm(page, 'statement-W2.txt', content, 'Statement of witness W-2');
  assert.equal(sha, createHash('sha256').update(content).digest('hex'));
  await page.getByRole('link', { name: 'Statement of witness W-2' }).first().waitFor();
  await screenshot(page, 'records-upload-done');

  await page.getByRole('link', { name: 'Open the item: Statement of witness W-2' }).click();
  await page.getByRole('heading', { level: 1, name: 'Statement of witness W-2' }).waitFor();
  await page.getByText(sha, { exact: true }).first().waitFor();
  await page.getByText('Inspector B. Test (SE)').waitFor();
  // SE sees its case: the reference links to it.
  await page.getByRole('region', { name: 'Metadata' }).getByRole('link', { name: ARREST_REF }).waitFor();
  const itemId = Number(/#\/evidence\/(\d+)/.exec(page.url())[1]);

  await page.getByLabel('Organisation', { exact: true }).selectOption('ICC');
  await page.getByLabel('Legal basis', { exact: true }).fill('Art. 93(10) Rome Statute request of the Office of the Prosecutor');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByText('The item is now available to ICC.').waitFor();
  await page.getByRole('button', { name: 'Revoke the sharing with ICC' }).waitFor();
  // The grant is in the chain of custody shown on the page, without a reload.
  const custodyShown = page.getByRole('table', { name: 'Chain of custody' });
  await custodyShown.getByRole('cell', { name: 'shared', exact: true }).waitFor();
  await screenshot(page, 'records-evidence');

  // Downloading the item: the access shows in the chain on the page, without a reload.
  const [item] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download', exact: true }).click()]);
  assert.equal(createHash('sha256').update(await readFile(await item.path())).digest('hex'), sha);
  await custodyShown.getByRole('cell', { name: 'downloaded', exact: true }).waitFor();

  // A bundle for the ICC: recorded as exported, downloaded once, verifiable offline.
  await page.getByLabel('Bundle for').selectOption('ICC');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export bundle', exact: true }).click()]);
  await page.getByText(/Bundle of 1 item for ICC exported/).waitFor();
  const file = join(server.data, '..', 'from-browser.tar');
  await download.saveAs(file);
  const v = spawnSync(BIN, ['bundle', 'verify', file, '--json'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(JSON.parse(v.stdout).ok, true);
  const chain = await apiGet(page, 'evidence/' + itemId + '/custody');
  assert.ok(chain.body.some((e) => e.event === 'exported'), 'the export is in the chain of custody');
  await custodyShown.getByRole('cell', { name: 'exported', exact: true }).waitFor();
  await assertClean(page);

  // The ICC, in its own browser context, sees that item and none of the case's others.
  const icc = await newPage(browser, server);
  await login(icc, 'icc');
  const shared = icc.getByRole('region', { name: 'Evidence shared with us' });
  await shared.getByRole('link', { name: 'Statement of witness W-2' }).waitFor();
  const text = await shared.textContent();
  for (const other of CASE1_ITEMS) assert.ok(!text.includes(other), 'the ICC must not see ' + other);
  const list = await apiGet(icc, 'evidence');
  const fromCase1 = list.body.filter((e) => e.case_reference === ARREST_REF).map((e) => e.id);
  assert.deepEqual(fromCase1, [itemId]);
  // The ICC sees the item, not its case: the case's reference is text, not a link to a page it may not open.
  const listed = icc.waitForResponse((r) => /\/api\/v1\/cases\?/.test(r.url()));
  await shared.getByRole('link', { name: 'Statement of witness W-2' }).click();
  await icc.getByText(sha, { exact: true }).first().waitFor();
  await listed;
  const meta = icc.getByRole('region', { name: 'Metadata' });
  await meta.getByText(ARREST_REF, { exact: true }).waitFor();
  await icc.waitForTimeout(200);
  assert.equal(await icc.getByRole('link', { name: ARREST_REF }).count(), 0, 'a link to a case the ICC cannot see');
  await assertClean(icc);

  // The Swedish desk revokes the sharing (after confirming): the ICC loses the item.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke the sharing with ICC' }).click();
  await page.getByRole('button', { name: 'Revoke the sharing with ICC' }).waitFor({ state: 'detached' });
  const after = await apiGet(icc, 'evidence');
  assert.ok(!after.body.some((e) => e.id === itemId), 'the ICC still sees the item after the revocation');
  assert.equal((await apiGet(icc, 'evidence/' + itemId)).status, 404);
  const revoked = await apiGet(page, 'evidence/' + itemId + '/custody');
  assert.ok(revoked.body.some((e) => e.event === 'revoked'), 'the revocation is in the chain of custody');
  await custodyShown.getByRole('cell', { name: 'sharing revoked', exact: true }).waitFor();
  await icc.context().close();
  await page.context().close();
});

// The Yezidi JIT's item 6 came from UNITAD: France shares it and its own item 7 with the ICC.
// Nothing of item 6 reaches the ICC until UNITAD consents, from its dashboard and the item's
// page; UNITAD withdrawing its consent later takes item 6 back and leaves item 7 shared.
test('an analyst is offered no sharing of evidence outside the case: a prosecutor decides', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se-analyst');
  const item = (await apiGet(page, 'cases/' + encodeURIComponent(ARREST_REF) + '/evidence')).body
    .find((e) => e.originator === 'SE' && !e.erased_at);
  await page.goto('/#/evidence/' + item.id);
  await page.getByRole('heading', { level: 2, name: 'Sharing' }).waitFor();
  assert.equal(await page.locator('form.share-form').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Share', exact: true }).count(), 0);
  // The server refuses it anyway.
  const st = await page.evaluate(async (id) => (await fetch('/api/v1/grants', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
    body: JSON.stringify({ case: '2026/0001', items: [id], org: 'ICC', legal_basis: 'test' }) })).status,
  item.id);
  assert.equal(st, 403);
  await assertClean(page, [/HTTP 403 POST .*\/grants$/]);
  await page.context().close();
});

test('the originator consents to sharing its item, and withdraws its consent', async () => {
  const fr = await newPage(browser, server);
  await login(fr, 'fr');
  const made = await fr.evaluate(async () => {
    const r = await fetch('/api/v1/grants', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
      body: JSON.stringify({ case: '2024/0001', items: [6, 7], org: 'ICC', legal_basis: 'Art. 93(10) Rome Statute' }) });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const gid = made.body.id;
  const icc = await newPage(browser, server);
  await login(icc, 'icc');
  const before = (await apiGet(icc, 'grants/' + gid)).body;
  assert.deepEqual(before.items.map((i) => i.id), [7], 'the ICC sees only the item France decided on');
  assert.equal((await apiGet(icc, 'evidence/6')).status, 404);

  const unitad = await newPage(browser, server);
  await login(unitad, 'unitad');
  const waiting = unitad.getByRole('region', { name: 'Sharing waiting for your consent' });
  await waiting.getByRole('cell', { name: 'FR → ICC' }).waitFor();
  await waiting.getByRole('link', { name: /Witness accounts dataset/ }).click();
  await unitad.getByRole('heading', { level: 1, name: /Witness accounts dataset/ }).waitFor();
  await unitad.getByRole('button', { name: 'Consent to sharing this item with ICC' }).click();
  await unitad.getByText('Consent given: ICC can now see this item.').waitFor();
  assert.equal((await apiGet(icc, 'evidence/6')).status, 200);
  const custody = unitad.getByRole('table', { name: 'Chain of custody' });
  await custody.getByRole('cell', { name: 'shared', exact: true }).waitFor();
  await screenshot(unitad, 'records-evidence-consent');

  unitad.once('dialog', (d) => d.accept());
  await unitad.getByRole('button', { name: 'Withdraw your consent to sharing this item with ICC' }).click();
  await unitad.getByText('Consent withdrawn: ICC no longer sees this item.').waitFor();
  assert.equal((await apiGet(icc, 'evidence/6')).status, 404);
  assert.equal((await apiGet(icc, 'evidence/7')).status, 200, 'France\'s own item stays shared');
  const after = (await apiGet(icc, 'grants/' + gid)).body;
  assert.equal(after.revoked_at, null);
  await unitad.goto('/');
  await unitad.getByRole('region', { name: 'Sharing waiting for your consent' })
    .getByText('No item of your organisation waits for your consent.').waitFor();
  await assertClean(fr);
  await assertClean(unitad);
  await assertClean(icc, [/404 GET .*\/api\/v1\/evidence\/6$/]); // the checks above, refused as they should be
  for (const p of [fr, icc, unitad]) await p.context().close();
});

test('a long chain of custody comes in pages; a case exports all its items in one bundle', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  // 101 reads of item 1 put 101 "accessed" events on its chain: more than a page of 100.
  const status = await page.evaluate(async () => {
    for (let i = 0; i < 101; i++) {
      const r = await fetch('/api/v1/evidence/1/content');
      await r.arrayBuffer();
      if (r.status !== 200) return r.status;
    }
    return 200;
  });
  assert.equal(status, 200);
  const total = (await apiGet(page, 'evidence/1/custody')).body.length;
  assert.ok(total > 100, 'chain of ' + total);
  await page.goto('/#/evidence/1');
  const custody = page.getByRole('table', { name: 'Chain of custody' });
  await custody.getByRole('cell', { name: 'registered' }).first().waitFor();
  assert.equal(await custody.locator('tbody tr').count(), 100);
  const more = page.getByRole('button', { name: 'More', exact: true });
  await more.click();
  await more.waitFor({ state: 'hidden' });
  assert.equal(await custody.locator('tbody tr').count(), total);

  // "Export all": every item the desk sees, not only those on the page.
  const items = (await apiGet(page, 'cases/' + encodeURIComponent(ARREST_REF) + '/evidence')).body
    .filter((e) => !e.erased_at);
  await page.goto('/#/cases/' + encodeURIComponent(ARREST_REF) + '?tab=evidence');
  await page.getByRole('link', { name: CASE1_ITEMS[0] }).waitFor();
  // For the ICC, outside the case, RS's item would go without RS's consent: refused, and said why.
  assert.ok(items.some((e) => e.originator === 'RS'));
  // The recipient is chosen, never taken by default; neither the operator (HUB) nor SE itself is offered.
  const forSel = page.getByLabel('Bundle for');
  await forSel.locator('option[value="ICC"]').waitFor({ state: 'attached' });
  const opts = await forSel.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(opts[0], ['', 'Choose the recipient…']);
  assert.equal(await forSel.inputValue(), '');
  assert.ok(!opts.some(([v]) => v === 'HUB' || v === 'SE'), 'offered: ' + opts.map(([v]) => v).join(' '));
  assert.equal(await forSel.evaluate((el) => el.required), true);
  await page.getByRole('button', { name: 'Export all items as a bundle', exact: true }).click();
  assert.equal(await forSel.evaluate((el) => el.validity.valueMissing), true, 'sent without a recipient');
  await page.setViewportSize({ width: 390, height: 800 });
  await forSel.selectOption('ICC');
  await page.getByRole('button', { name: 'Export all items as a bundle', exact: true }).click();
  const why = page.locator('.bundle-export [role=alert]');
  await why.getByText(/was contributed by RS: a bundle for ICC, which takes no part in the case, carries it only with RS's consent/)
    .waitFor();
  assert.match(await why.getAttribute('class'), /notice-warn/, 'an explanation, not a fault');
  // At 390 px the explanation wraps inside the page.
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, 'the page scrolls sideways by ' + over + ' px');
  const box = await why.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 391, 'explanation box ' + JSON.stringify(box));
  await screenshot(page, 'records-bundle-refused-390');
  await page.setViewportSize({ width: 1280, height: 800 });
  // For RS, which takes part in the case, every item goes.
  await page.getByLabel('Bundle for').selectOption('RS');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export all items as a bundle', exact: true }).click()]);
  await page.getByText('Bundle of ' + items.length + (items.length === 1 ? ' item' : ' items') + ' for RS exported',
    { exact: false }).waitFor();
  const file = join(server.data, '..', 'all-items.tar');
  await download.saveAs(file);
  const v = spawnSync(BIN, ['bundle', 'verify', file, '--json'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(JSON.parse(v.stdout).ok, true);
  await assertClean(page, [/HTTP 403 POST .*\/bundles$/]);
  await page.context().close();
});

test('a desk outside the arrest case finds no trace of it', async () => {
  const page = await newPage(browser, server);
  await login(page, 'fr'); // France: the Yezidi case, not the arrest case
  const noTrace = async () => {
    const body = await page.content(); // the markup, attributes included, not only the text shown
    assert.ok(!body.includes(ARREST), 'title shown');
    assert.ok(!body.includes(ARREST_NATIONAL), 'national reference shown');
    assert.ok(!body.includes('KTO-112/26'), 'a participant reference shown');
  };
  for (const path of ['/#/cases/1', '/#/cases/' + encodeURIComponent(ARREST_REF)]) {
    await page.goto(path);
    await page.getByRole('alert').filter({ hasText: 'not found, or it is not visible to your organisation' }).waitFor();
    await noTrace();
  }
  await page.goto('/#/cases');
  await page.getByRole('link', { name: '2024/0001' }).waitFor();
  await noTrace();
  await page.getByLabel('Search in titles and references').fill('Coordinated arrest');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('No case matches these filters.').waitFor();
  await noTrace();
  await page.goto('/#/search?q=' + encodeURIComponent('Coordinated arrest'));
  await page.getByText('Nothing found that you may see.').waitFor();
  await noTrace();
  await page.goto('/#/');
  await page.getByRole('heading', { name: 'Hits waiting for review' }).waitFor();
  await page.getByRole('region', { name: 'Evidence shared with us' }).getByText(/No evidence/).waitFor();
  await noTrace();
  await assertClean(page, [/HTTP 404 GET .*\/api\/v1\/cases\/(1|2026%2F0001)$/]);
  await page.context().close();
});

test('filters, deadline badges, JIT expiry, a recorded preview, keyboard tabs', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');

  // Cases by crime type and status, kept in the URL.
  await page.goto('/#/cases');
  await page.getByRole('link', { name: ARREST_REF }).waitFor();
  await page.getByLabel('Crime type').selectOption('terrorism');
  await page.getByText('1 case', { exact: true }).waitFor();
  await page.getByRole('link', { name: '2024/0001' }).waitFor();
  assert.equal(await page.getByRole('link', { name: ARREST_REF }).count(), 0);
  assert.match(page.url(), /crime_type=terrorism/);
  await page.reload();
  // The crime types arrive after the page: the filter from the URL is selected once they do.
  await page.waitForFunction(() => document.querySelector('select[name="crime_type"]')?.value === 'terrorism');
  assert.equal(await page.getByLabel('Crime type').inputValue(), 'terrorism');
  await page.getByRole('link', { name: '2024/0001' }).waitFor();
  await page.getByLabel('Crime type').selectOption('');
  await page.getByLabel('Status').selectOption('closed');
  await page.getByText('No case matches these filters.').waitFor();
  await page.getByLabel('Status').selectOption('open');
  await page.getByRole('link', { name: ARREST_REF }).waitFor();
  await screenshot(page, 'records-case-list');

  // Requests by kind and country, with their deadline badges.
  await page.goto('/#/requests');
  await page.getByRole('link', { name: /Extradition of the suspect/ }).waitFor();
  await page.getByLabel('Kind').selectOption('mla');
  await page.getByText('2 requests').waitFor();
  assert.equal(await page.getByRole('link', { name: /Extradition of the suspect/ }).count(), 0);
  assert.equal(await page.locator('.badge', { hasText: 'met' }).count(), 2);
  await page.getByLabel('Country').selectOption('ME');
  await page.getByText('1 request', { exact: true }).waitFor();
  await page.getByRole('link', { name: "House search of the group's storage in Montenegro" }).waitFor();
  assert.match(page.url(), /kind=mla/);
  assert.match(page.url(), /country=ME/);
  await page.getByLabel('Kind').selectOption('extradition');
  await page.getByLabel('Country').selectOption('RS');
  const ext = await apiGet(page, 'requests?kind=extradition');
  const days = ext.body[0].deadlines[0].days_left;
  const nDays = (n) => n + (n === 1 ? ' day' : ' days');
  const expected = days < 0 ? 'overdue by ' + nDays(-days) : days <= 7 ? 'due in ' + nDays(days) : 'open, ' + nDays(days) + ' left';
  await page.locator('.badge', { hasText: expected }).waitFor();
  await screenshot(page, 'records-requests');
  await page.getByRole('link', { name: /Extradition of the suspect/ }).click();
  await page.getByRole('heading', { name: 'Deadlines' }).waitFor();
  await page.locator('.badge', { hasText: expected }).waitFor();
  await page.getByRole('cell', { name: /European Convention on Extradition/ }).waitFor();

  // The Yezidi JIT expires on 2026-12-15: a warning within 30 days, "expired" after.
  const left = Math.round((Date.parse('2026-12-15T00:00:00Z') - Date.parse(new Date().toISOString().slice(0, 10) + 'T00:00:00Z')) / 86400000);
  const jitBadge = left < 0 ? 'expired' : left <= 30 ? 'expires in ' + nDays(left) : 'running';
  await page.goto('/#/jits');
  await page.getByRole('row', { name: /JIT on ISIL crimes against Yezidis/ }).locator('.badge', { hasText: jitBadge }).waitFor();
  await page.getByRole('link', { name: 'JIT on ISIL crimes against Yezidis' }).click();
  await page.getByRole('heading', { level: 1, name: /JIT on ISIL crimes/ }).waitFor();
  await page.getByRole('cell', { name: 'UNITAD' }).waitFor();
  await screenshot(page, 'records-jit');

  // An image preview is recorded as a view in the chain of custody.
  await page.goto('/#/evidence/2');
  await page.getByRole('heading', { level: 1, name: 'Photograph of the lorry used for deliveries' }).waitFor();
  const custody = page.getByRole('table', { name: 'Chain of custody' });
  await custody.getByRole('link', { name: /entry \d+/ }).first().waitFor();
  const before = await custody.locator('tbody tr').count();
  await page.getByRole('button', { name: 'Show preview' }).click();
  const img = page.getByRole('img', { name: 'Preview of Photograph of the lorry used for deliveries' });
  await img.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('.preview img'); return i && i.complete && i.naturalWidth > 0; });
  await custody.getByRole('cell', { name: 'viewed in the page' }).waitFor();
  assert.equal(await custody.locator('tbody tr').count(), before + 1);
  const ledgerLink = custody.getByRole('row', { name: /viewed in the page/ }).getByRole('link');
  assert.match(await ledgerLink.getAttribute('href'), /^#\/ledger\?index=\d+$/);
  const checked = page.locator('dd', { hasText: 'not yet re-verified' });
  const wasNever = await checked.count();
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await page.getByText('The content matches its SHA-256.').waitFor();
  // "Last verified" shows the check just made, as the server recorded it.
  if (wasNever) await checked.waitFor({ state: 'detached' });
  await page.locator('dd', { hasText: new RegExp('^' + new Date().toISOString().slice(0, 10)) }).first().waitFor();

  // The case's tabs move with the arrow keys, and the tab is kept in the URL.
  await page.goto('/#/cases/1');
  const overview = page.getByRole('tab', { name: 'Overview' });
  await overview.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'JITs' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowRight');
  const evTab = page.getByRole('tab', { name: 'Evidence' });
  assert.equal(await evTab.getAttribute('aria-selected'), 'true');
  assert.ok(await evTab.evaluate((el) => el === document.activeElement));
  assert.match(page.url(), /tab=evidence/);
  await page.getByRole('tabpanel').getByRole('link', { name: CASE1_ITEMS[0] }).waitFor();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('aria-selected'), 'true');
  await page.getByRole('tabpanel').getByRole('cell', { name: /se \(SE\)/ }).first().waitFor();
  // Said in words, each record a link to its page; no internal code shown.
  const timeline = page.getByRole('table', { name: 'Timeline' });
  await timeline.getByRole('cell', { name: 'case opened', exact: true }).waitFor();
  await timeline.getByRole('link', { name: /^Request \d+$/ }).first().waitFor();
  assert.ok(!/\b(case\.create|request\.status|evidence\.register)\b/.test(await timeline.innerText()));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('tab', { name: 'Hits' }).getAttribute('aria-selected'), 'true');
  await page.getByLabel('Review note (optional)').fill('Same passport number in both files');
  await page.getByRole('button', { name: /Confirm hit \d+/ }).first().click();
  await page.getByText('The hit is confirmed.').waitFor();
  // The note is kept with the review and shown beside it.
  await page.getByRole('tabpanel').getByText('Same passport number in both files').waitFor();
  await screenshot(page, 'records-case-hits');

  // Search: snippets with <mark> built as elements, facets.
  await page.goto('/#/search?q=lorry');
  await page.locator('.snippet mark', { hasText: /lorry/i }).first().waitFor();
  // The record's fields on one line, apart.
  assert.match(await page.locator('.snippet').first().textContent(), /^lorry\.png · 2026-04-02 · SE · /);
  await page.getByRole('button', { name: /evidence \(1\)/ }).click();
  await page.getByText('1 result', { exact: true }).waitFor();
  assert.match(page.url(), /kind=evidence/);
  await screenshot(page, 'records-search');
  // A national case number as it is written (FTS5 would refuse "AM-48213-26") finds its case.
  await page.goto('/#/search?q=' + encodeURIComponent('AM-48213-26'));
  await page.getByRole('link', { name: 'Coordinated arrest of a Swedish high-value target' }).first().waitFor();
  await assertClean(page);
  await page.context().close();
});

test('a file larger than one chunk is sent in parts and hashed on the way', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.goto('/#/cases/1?tab=evidence');
  const content = randomBytes((8 << 20) + 12345);
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
  const sha = await uploadThroughForm(page, 'phone-dump.bin', content, 'Phone extraction');
  assert.equal(sha, createHash('sha256').update(content).digest('hex'));
  assert.equal(puts.length, 2);
  assert.match(puts[0], /\?offset=0$/);
  assert.match(puts[1], new RegExp('\\?offset=' + (8 << 20) + '$'));
  await assertClean(page);
  await page.context().close();
});

// A PDF is shown in the page by the browser's viewer and a sound is played in
// it; each view is a custody event, and text is never shown inline.
test('a PDF and a sound are shown in the page, each view recorded', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  // Registered through the upload API with the page's session, as the form does.
  const upload = (name, bytes) => page.evaluate(async ({ name, bytes }) => {
    const h = { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' };
    const data = new Uint8Array(bytes);
    const up = await (await fetch('/api/v1/cases/1/uploads', { method: 'POST', headers: h,
      body: JSON.stringify({ title: name, original_name: name, kind: 'document' }) })).json();
    await fetch('/api/v1/uploads/' + up.id + '?offset=0', { method: 'PUT', body: data,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Custodia-CSRF': '1' } });
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))]
      .map((b) => b.toString(16).padStart(2, '0')).join('');
    return (await (await fetch('/api/v1/uploads/' + up.id + '/complete', { method: 'POST',
      headers: h, body: JSON.stringify({ sha256: digest }) })).json()).id;
  }, { name, bytes: [...bytes] });
  const pdfText = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
    '2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
  const pdf = await upload('order.pdf', Buffer.from(pdfText));
  // One second of silence, 8 kHz 8-bit mono WAV.
  const wav = Buffer.alloc(44 + 8000, 128);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + 8000, 4); wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24); wav.writeUInt32LE(8000, 28); wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34); wav.write('data', 36); wav.writeUInt32LE(8000, 40);
  const sound = await upload('intercept.wav', wav);

  for (const [id, name, sel] of [[pdf, 'order.pdf', 'iframe'], [sound, 'intercept.wav', 'audio']]) {
    const inline = page.waitForResponse((r) => r.url().endsWith('/evidence/' + id + '/content?disposition=inline'));
    await page.goto('/#/evidence/' + id);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const custody = page.getByRole('table', { name: 'Chain of custody' });
    await custody.getByRole('link', { name: /entry \d+/ }).first().waitFor();
    await page.getByRole('button', { name: 'Show preview' }).click();
    const res = await inline;
    assert.ok([200, 206].includes(res.status()), 'status ' + res.status()); // players ask for ranges
    assert.match(res.headers()['content-disposition'], /^inline;/);
    if (sel === 'audio')
      await page.waitForFunction(() => document.querySelector('.preview audio')?.readyState >= 1);
    else
      await page.locator('.preview iframe').waitFor();
    await custody.getByRole('cell', { name: 'viewed in the page' }).first().waitFor();
  }
  // Text is shown as text in the page (never run as a page), and the view is recorded too.
  const note = await upload('note.txt', Buffer.from('Записник о претресу стана Марка Ђорђевића.\n<b>not markup</b>\n'));
  await page.goto('/#/evidence/' + note);
  await page.getByRole('heading', { level: 1, name: 'note.txt' }).waitFor();
  const custody = page.getByRole('table', { name: 'Chain of custody' });
  await custody.getByRole('link', { name: /entry \d+/ }).first().waitFor();
  assert.equal(await custody.getByRole('cell', { name: 'viewed in the page' }).count(), 0);
  await page.getByRole('button', { name: 'Show preview' }).click();
  await page.locator('.preview pre', { hasText: 'Записник о претресу стана Марка Ђорђевића.' }).waitFor();
  assert.equal(await page.locator('.preview pre').textContent(),
    'Записник о претресу стана Марка Ђорђевића.\n<b>not markup</b>\n');
  assert.equal(await page.locator('.preview b').count(), 0);
  await custody.getByRole('cell', { name: 'viewed in the page' }).waitFor();
  // Text stays an attachment even when asked inline: it never runs as a page of ours.
  const txt = await page.evaluate(async () => (await fetch('/api/v1/evidence/1/content?disposition=inline')).headers.get('content-disposition'));
  assert.match(txt, /^attachment;/);
  await assertClean(page);
  await page.context().close();
});

test('a slow answer to an earlier filter does not replace the answer to a later one', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.goto('/#/requests');
  await page.getByRole('link', { name: /Extradition of the suspect/ }).waitFor();
  // The answer for "MLA only" is held back until the answer for "extradition" has been shown.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/v1\/requests\?(?=.*kind=mla)/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByLabel('Kind').selectOption('mla');
  await page.getByLabel('Kind').selectOption('extradition');
  await page.getByRole('link', { name: /Extradition of the suspect/ }).waitFor();
  release();
  // Give the held answer time to arrive; the list must still be the extradition one.
  await page.waitForResponse(/\/api\/v1\/requests\?(?=.*kind=mla)/);
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('link', { name: /Extradition of the suspect/ }).count(), 1);
  assert.equal(await page.getByRole('link', { name: "House search of the group's storage in Montenegro" }).count(), 0);
  await page.unroute(/\/api\/v1\/requests/);
  await assertClean(page);
  await page.close();
});

test('evidence shared with the ICC comes a page at a time, on the dashboard and the cases page', async () => {
  // 55 more items of the arrest case, added and shared with the ICC through the CLI while the
  // server runs (the data directory takes both): with the earlier ones, more than a page of 50.
  const dir = join(server.data, '..', 'shared-many');
  await mkdir(dir);
  const files = [];
  for (let i = 1; i <= 55; i++) {
    const f = join(dir, 'note-' + String(i).padStart(2, '0') + '.txt');
    await writeFile(f, 'Liaison note ' + i + ' ' + randomBytes(8).toString('hex') + '\n');
    files.push(f);
  }
  const cli = (args) => spawnSync(BIN, [...args, '--data', server.data, '--as', 'se'], { encoding: 'utf8' });
  const add = cli(['evidence', 'add', '--case', ARREST_REF, ...files]);
  assert.equal(add.status, 0, add.stdout + add.stderr);
  const ids = add.stdout.trim().split('\n').map((l) => l.split(' ')[0]);
  assert.equal(ids.length, 55);
  const share = cli(['evidence', 'share', '--case', ARREST_REF, '--org', 'ICC',
    '--legal-basis', 'Article 93(1)(l) of the Rome Statute', ...ids.flatMap((id) => ['--item', id])]);
  assert.equal(share.status, 0, share.stdout + share.stderr);

  const icc = await newPage(browser, server);
  await login(icc, 'icc');
  const total = (await apiGet(icc, 'evidence')).body.length;
  assert.ok(total > 55, 'the ICC sees the new items and the earlier ones: ' + total);
  for (const [where, region] of [['/#/', 'Evidence shared with us'], ['/#/cases', 'Evidence shared with us']]) {
    await icc.goto(where);
    const shared = icc.getByRole('region', { name: region });
    const more = shared.getByRole('button', { name: 'More' });
    await more.waitFor();
    assert.equal(await shared.locator('tbody tr').count(), 50, where + ': the first page');
    assert.equal(await shared.getByRole('link', { name: 'note-55.txt' }).count(), 0);
    for (let pages = 2; await more.isVisible(); pages++) {
      await more.click();
      await shared.locator('tbody tr').nth(Math.min(total, 50 * pages) - 1).waitFor();
    }
    await shared.getByRole('link', { name: 'note-55.txt' }).waitFor();
    assert.equal(await shared.locator('tbody tr').count(), total, where + ': every page, then no More');
  }
  await assertClean(icc);
  await icc.close();
});
