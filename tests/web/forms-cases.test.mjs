// The forms of the cases, entities, JIT and custody pages, as the demo
// prosecutors would use them: open a case, bring organisations in, add
// entities (and see the hits they make), import a file, ask for access,
// set up and extend a JIT, record a custody event.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

const TITLE = 'Online investment fraud run from call centres (forms test)';
let caseId = null, caseRef = null;

test('se opens a case with two crime types and RS, adds ME; RS sees it, LT does not', async () => {
  const page = await newPage(browser, server);
  page.on('dialog', (d) => d.accept());
  await login(page, 'se');
  await page.goto('/#/cases');
  await page.getByRole('link', { name: 'New case' }).click();
  await page.getByRole('heading', { level: 1, name: 'Open a case' }).waitFor();
  await page.getByLabel('Title of the case').fill(TITLE);
  await page.getByLabel('Swindling and fraud').check();
  await page.getByLabel('Money laundering').check();
  await page.getByLabel('Your national case number').fill('AM-900-26');
  // A day to come is refused in the form, before the server has to.
  const opened = page.getByLabel('Opened on');
  await opened.fill(new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10));
  assert.equal(await opened.evaluate((el) => el.validity.rangeOverflow), true);
  await opened.fill('');
  await page.getByLabel('Organisation of participant 1').selectOption('RS');
  await page.getByLabel('National case number of participant 1').fill('KTR-77/26');
  await screenshot(page, 'forms-case-new');
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(TITLE.replace(/[()]/g, '\\$&')) }).waitFor();
  await page.getByRole('status').filter({ hasText: /Case \d{4}\/\d{4} is opened\./ }).waitFor();
  caseId = Number(/#\/cases\/(\d+)/.exec(page.url())[1]);
  caseRef = (await apiGet(page, 'cases/' + caseId)).body.reference;
  await page.getByRole('cell', { name: 'KTR-77/26' }).waitFor();

  // Bring ME in, change its role, bring NL in and remove it again (confirmed).
  await page.getByRole('button', { name: 'Add a participant' }).click();
  await page.getByLabel('Organisation', { exact: true }).selectOption('ME');
  await page.getByRole('button', { name: 'Add to the case' }).click();
  await page.getByText('ME now participates in the case.').waitFor();
  await page.getByLabel('Role of ME', { exact: true }).selectOption('observer');
  await page.getByRole('button', { name: 'Change the role of ME' }).click();
  await page.getByText('ME is now observer in the case.').waitFor();
  await page.getByRole('button', { name: 'Add a participant' }).click();
  await page.getByLabel('Organisation', { exact: true }).selectOption('NL');
  await page.getByRole('button', { name: 'Add to the case' }).click();
  await page.getByText('NL now participates in the case.').waitFor();
  await screenshot(page, 'forms-case-participants');
  await page.getByRole('button', { name: 'Remove NL from the case' }).click();
  await page.getByText('NL no longer participates in the case.').waitFor();
  const parts = (await apiGet(page, 'cases/' + caseId)).body.participants.map((p) => p.org + ':' + p.access).sort();
  assert.deepEqual(parts, ['ME:observer', 'RS:participant', 'SE:owner']);
  await assertClean(page);

  const rs = await newPage(browser, server);
  await login(rs, 'rs');
  await rs.goto('/#/cases');
  await rs.getByRole('cell', { name: TITLE }).waitFor();
  // RS participates but does not own the case: no managing forms.
  await rs.getByRole('link', { name: caseRef }).click();
  await rs.getByRole('cell', { name: 'KTR-77/26' }).waitFor();
  assert.equal(await rs.getByRole('button', { name: 'Add a participant' }).count(), 0);
  await assertClean(rs);

  const lt = await newPage(browser, server);
  await login(lt, 'lt');
  const r = await apiGet(lt, 'cases?q=' + encodeURIComponent('call centres'));
  assert.equal(r.status, 200);
  assert.equal(r.body.items.filter((c) => c.id === caseId).length, 0);
  await lt.goto('/#/cases');
  await lt.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
  await lt.locator('.results table, .results .empty').first().waitFor();
  assert.equal(await lt.getByRole('cell', { name: TITLE }).count(), 0);
  await assertClean(lt);
});

test('se adds a Cyrillic person and a phone that hits another desk, asks for access, is refused a bad IBAN, imports a CSV', async () => {
  assert.ok(caseId, 'the case of the first test');
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.goto('/#/cases/' + caseId + '?tab=entities');
  await page.getByRole('button', { name: 'Add an entity' }).click();
  await page.getByLabel('Kind of entity').selectOption('person');
  await page.getByLabel('Name 1', { exact: true }).fill('Ђорђе Петровић');
  await page.getByLabel('Script of name 1').selectOption('Cyrl');
  await page.getByLabel('Language of name 1').fill('sr');
  await page.getByRole('button', { name: 'Add another name' }).click();
  await page.getByLabel('Name 2', { exact: true }).fill('Djordje Petrovic');
  await page.getByLabel('Date of birth').fill('1985');
  await page.getByLabel('Nationalities').fill('RS, ME');
  await screenshot(page, 'forms-entity-person');
  await page.getByRole('button', { name: 'Add the entity' }).click();
  await page.getByRole('status').filter({ hasText: /is added; matching found \d+ hit/ }).waitFor();
  await page.getByRole('cell', { name: /Ђорђе Петровић/ }).first().waitFor();

  // A phone number of the suspect of case 2026/0001, written another way: the
  // Montenegrin desk's case (not visible to SE) has it too.
  await page.getByLabel('Kind of entity').selectOption('phone');
  assert.equal(await page.getByLabel('Name 1', { exact: true }).isVisible(), false);
  await page.getByLabel('Phone number').fill('+381 (64) 123-4567');
  await page.getByRole('button', { name: 'Add the entity' }).click();
  await page.getByRole('status').filter({ hasText: /matching found [1-9]\d* hit/ }).waitFor();

  // An invalid IBAN: the API's reason next to the form.
  await page.getByLabel('Kind of entity').selectOption('bank_account');
  await page.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 01');
  await page.getByRole('button', { name: 'Add the entity' }).click();
  const alert = page.locator('.entity-form').getByRole('alert');
  await alert.filter({ hasText: /IBAN check digits do not match/ }).waitFor();
  await screenshot(page, 'forms-entity-invalid');

  // Import: one bad row, nothing imported; then skip it.
  const csv = 'kind,names,born,nationalities,number,country\n' +
    'person,Aleksandar Test-Jovanović,1970,RS,,\n' +
    'phone,,,,not a phone,\n' +
    'person,Milica Test-Ilić,1988-02,ME,,\n';
  await page.getByRole('button', { name: 'Import entities from a file' }).click();
  const file = { name: 'persons.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
  await page.getByLabel('File to import').setInputFiles(file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: '1 row is invalid: nothing was imported.' }).waitFor();
  await page.getByRole('table', { name: 'Invalid rows' }).getByRole('cell', { name: /phone number contains/ }).waitFor();
  await screenshot(page, 'forms-entity-import-report');
  const before = (await apiGet(page, 'cases/' + caseId + '/entities')).body.length;
  assert.equal(before, 2);
  await page.getByLabel('File to import').setInputFiles(file);
  await page.getByLabel('Skip invalid rows and import the others').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '2 entities imported' }).waitFor();
  await page.getByRole('cell', { name: /Milica Test-Ilić/ }).first().waitFor();
  assert.equal((await apiGet(page, 'cases/' + caseId + '/entities')).body.length, 4);

  // The hit on the phone, with the Montenegrin case: ask for access.
  await page.getByRole('tab', { name: 'Hits' }).click();
  await page.getByText('ME (case not visible to you)').first().waitFor();
  await page.getByRole('button', { name: /^Request access to the case of ME/ }).first().click();
  await page.getByLabel(/^Reason for the request/).fill('Same phone as our suspect; we would like to coordinate.');
  await screenshot(page, 'forms-hit-access');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByText('Access to the case of ME is requested.').waitFor();
  await page.getByText('access requested').first().waitFor();
  const hits = (await apiGet(page, 'hits?case=' + caseId)).body;
  assert.ok(hits.some((x) => (x.access_requests || []).some((q) => q.from_org === 'SE' && q.status === 'pending')));
  await assertClean(page, [/HTTP 400 POST .*\/entities$/, /HTTP 422 POST .*\/entities\/import\?format=csv$/]);
});

test('se sets up a JIT with members and the new case, adds a member and extends it', async () => {
  assert.ok(caseId, 'the case of the first test');
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.goto('/#/jits');
  await page.getByRole('button', { name: 'Set up a JIT' }).click();
  await page.getByLabel('Name of the JIT').fill('JIT on call-centre fraud (forms test)');
  await page.getByLabel('Agreement signed on').fill('2026-01-10');
  await page.getByLabel('Agreement expires on').fill('2028-01-10');
  await page.getByLabel('Organisation of member 1').selectOption('RS');
  await page.getByRole('button', { name: 'Add another member' }).click();
  await page.getByLabel('Organisation of member 2').selectOption('ICC');
  await page.getByLabel('Role of member 2').selectOption('participant');
  await page.getByLabel(caseRef + ' · ' + TITLE).check();
  await screenshot(page, 'forms-jit-new');
  await page.getByRole('button', { name: 'Set up the JIT', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'JIT on call-centre fraud (forms test)' }).waitFor();
  await page.getByRole('link', { name: caseRef }).waitFor();
  await page.getByRole('cell', { name: 'ICC' }).waitFor();
  const jitId = Number(/#\/jits\/(\d+)/.exec(page.url())[1]);

  await page.getByRole('button', { name: 'Add a member' }).click();
  await page.getByLabel('Member organisation', { exact: true }).selectOption('ME');
  await page.getByRole('button', { name: 'Add the member' }).click();
  await page.getByText('ME is now a member of the JIT.').waitFor();

  await page.getByRole('button', { name: 'Extend the agreement' }).click();
  await page.getByLabel('New expiry date').fill('2029-06-30');
  await page.getByLabel('Reasons for the extension').fill('Further evidence expected from partners');
  await page.getByRole('button', { name: 'Extend', exact: true }).click();
  await page.getByText('The agreement now runs until 2029-06-30.').waitFor();
  await page.getByRole('cell', { name: 'Further evidence expected from partners' }).waitFor();
  await screenshot(page, 'forms-jit-extended');
  const j = (await apiGet(page, 'jits/' + jitId)).body;
  assert.equal(String(j.expires_on).slice(0, 10), '2029-06-30');
  assert.deepEqual(j.members.map((m) => m.org + ':' + m.role).sort(), ['ICC:participant', 'ME:member', 'RS:member', 'SE:member']);
  assert.deepEqual(j.cases.map((c) => c.id), [caseId]);
  await assertClean(page);
});

test('se records a sealed custody event; it is in the chain with its ledger entry', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  const items = (await apiGet(page, 'cases/2026%2F0001/evidence')).body;
  await page.goto('/#/evidence/' + items[0].id);
  await page.getByRole('heading', { level: 2, name: 'Chain of custody' }).waitFor();
  await page.getByRole('button', { name: 'Record a custody event' }).click();
  await page.getByLabel('Event', { exact: true }).selectOption('sealed');
  await page.getByLabel('Reason or note').fill('sealed in bag 4471 for transport');
  await page.getByLabel('Details (optional)').fill('seal: 4471\nplace: Stockholm');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await page.getByText('The event "sealed" is recorded in the chain of custody.').waitFor();
  const row = page.getByRole('row').filter({ hasText: 'sealed in bag 4471 for transport' });
  await row.getByRole('cell', { name: 'sealed', exact: true }).waitFor();
  await row.getByRole('link', { name: /^entry \d+$/ }).waitFor();
  await screenshot(page, 'forms-custody');
  const chain = (await apiGet(page, 'evidence/' + items[0].id + '/custody')).body;
  const ev = chain.find((x) => x.event === 'sealed');
  assert.equal(ev.reason, 'sealed in bag 4471 for transport');
  assert.deepEqual(ev.details, { seal: '4471', place: 'Stockholm' });
  await assertClean(page);
});

test('the open forms pass WCAG 2.1 AA checks and fit a 390 px screen', async () => {
  assert.ok(caseId, 'the case of the first test');
  const page = await newPage(browser, server, { viewport: { width: 390, height: 844 } });
  await login(page, 'se');

  const openAll = async () => {
    const closed = page.locator('button.disclose[aria-expanded="false"]');
    while (await closed.count()) await closed.first().click();
  };
  await page.goto('/#/cases?new=1');
  await page.getByLabel('Organisation of participant 1').waitFor();
  await assertAccessible(page, 'new case', { fits: true });
  await page.goto('/#/cases/' + caseId);
  await page.getByRole('button', { name: 'Add a participant' }).waitFor();
  await openAll();
  await assertAccessible(page, 'case overview', { fits: true });
  await screenshot(page, 'forms-narrow-overview');
  await page.getByRole('tab', { name: 'Entities' }).click();
  await page.getByRole('button', { name: 'Add an entity' }).waitFor();
  await openAll();
  await page.getByRole('button', { name: 'Add an identifier' }).click();
  await assertAccessible(page, 'entities', { fits: true });
  await screenshot(page, 'forms-narrow-entities');
  await page.getByRole('tab', { name: 'Hits' }).click();
  await page.getByText('access requested').first().waitFor();
  await assertAccessible(page, 'hits', { fits: true });
  await page.goto('/#/jits');
  await page.getByRole('button', { name: 'Set up a JIT' }).click();
  await assertAccessible(page, 'jits', { fits: true });
  const jits = (await apiGet(page, 'jits')).body;
  await page.goto('/#/jits/' + jits.find((j) => /forms test/.test(j.name)).id);
  await page.getByRole('button', { name: 'Extend the agreement' }).waitFor();
  await openAll();
  await assertAccessible(page, 'jit', { fits: true });
  await assertClean(page);
});

test('an owner closes a case after confirming; the forms go away', async () => {
  const page = await newPage(browser, server);
  let asked = null;
  page.on('dialog', (d) => { asked = d.message(); d.accept(); });
  await login(page, 'se');
  const c = await page.evaluate(async () => {
    const r = await fetch('/api/v1/cases', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
      body: JSON.stringify({ title: 'Case to close (forms test)', crime_types: ['other'] }) });
    return r.json();
  });
  await page.goto('/#/cases/' + c.id);
  await page.getByRole('button', { name: 'Close the case…' }).click();
  await page.getByLabel('Reason for closing').fill('Opened by mistake');
  await page.getByRole('button', { name: 'Close the case', exact: true }).click();
  await page.getByText('Case ' + c.reference + ' is closed.').waitFor();
  assert.equal(asked, 'Close case ' + c.reference + '?');
  await page.locator('.page-head').getByText('closed', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add a participant' }).count(), 0);
  assert.equal((await apiGet(page, 'cases/' + c.id)).body.status, 'closed');
  await assertClean(page);
});
