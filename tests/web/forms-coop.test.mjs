// The cooperation forms: a request issued and moved along its status table
// by both sides, an action day planned and extended from its coordination
// centre, a coordination meeting with its outcome, and a planned interview
// that shows the person's earlier interview — as the demo users would do it.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

const ARREST_REF = '2026/0001';
const YEZIDI_REF = '2024/0001';
const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

async function changeStatus(page, to, expect) {
  const sel = page.getByLabel('New status of the request');
  await sel.selectOption(to);
  await page.getByRole('button', { name: 'Change status' }).click();
  await page.getByRole('status').filter({ hasText: 'The request is now ' + expect + '.' }).waitFor();
}
async function offered(page) {
  return page.getByLabel('New status of the request').locator('option').evaluateAll((os) => os.map((o) => o.value));
}

test('SE issues an EIO to LT; LT receives and recognises it; the legal deadlines follow', async () => {
  const se = await newPage(browser, server);
  await login(se, 'se');
  await se.goto('/#/requests');
  await se.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
  await se.getByText('New request', { exact: true }).click();
  const titleText = 'Bank records of the suspect in Vilnius ' + Date.now();
  await se.getByLabel('Case', { exact: true }).selectOption(ARREST_REF);
  await se.getByLabel('Kind of request').selectOption('eio');
  await se.getByText('Directive 2014/41/EU art. 12(3)').first().waitFor();
  await se.getByLabel('Title', { exact: true }).fill(titleText);
  await se.getByLabel('Executing organisation').selectOption('LT');
  await se.getByLabel('Our reference').fill('AM-48213-26/9');
  await se.getByLabel('Legal basis').fill('Directive 2014/41/EU');
  await se.getByLabel('Marko Djordjevic (person)').check();
  await screenshot(se, 'forms-request-new');
  await se.getByRole('button', { name: 'Create the request' }).click();

  await se.getByRole('heading', { level: 1, name: titleText }).waitFor();
  await se.getByRole('status').filter({ hasText: 'created as a draft' }).waitFor();
  const law = se.getByRole('table', { name: 'Time limits the law sets' });
  await law.getByRole('cell', { name: 'Directive 2014/41/EU art. 12(3)' }).waitFor();
  await law.getByRole('cell', { name: 'Directive 2014/41/EU art. 12(4)' }).waitFor();
  const id = se.url().match(/#\/requests\/(\d+)/)[1];
  // The issuing side is offered only its steps of the table.
  assert.deepEqual(await offered(se), ['sent', 'withdrawn']);
  await changeStatus(se, 'sent', 'sent');
  await screenshot(se, 'forms-request-issued');

  const lt = await newPage(browser, server);
  await login(lt, 'lt');
  await lt.goto('/#/requests');
  await lt.getByRole('link', { name: titleText }).click();
  await lt.getByRole('heading', { level: 1, name: titleText }).waitFor();
  // From "sent" the executing side may only receive it (withdrawing is the issuing side's).
  assert.deepEqual(await offered(lt), ['received']);
  await changeStatus(lt, 'received', 'received');
  const dl = lt.getByRole('table', { name: 'Deadlines' });
  await dl.getByRole('cell', { name: 'Directive 2014/41/EU art. 12(3)' }).waitFor();
  assert.deepEqual(await offered(lt), ['recognised', 'refused']);
  // A legal limit of the executing side can be extended, with reasons, within art. 12(5).
  await lt.getByRole('heading', { name: 'Extend a deadline' }).waitFor();
  // No deadline by hand for an EIO: the law fixes its decision and execution limits.
  assert.equal(await lt.getByRole('heading', { name: 'Set a deadline by hand' }).count(), 0);
  await changeStatus(lt, 'recognised', 'recognised');
  await dl.getByRole('cell', { name: 'Directive 2014/41/EU art. 12(4)' }).waitFor();
  assert.ok(!(await offered(lt)).includes('sent'), 'an invalid transition is not offered');
  await screenshot(lt, 'forms-request-executing');

  await se.reload();
  await se.getByRole('heading', { level: 1, name: titleText }).waitFor();
  await se.locator('.page-head .badge').getByText('recognised').waitFor();
  await se.getByRole('table', { name: 'Deadlines' }).getByRole('cell', { name: 'Directive 2014/41/EU art. 12(4)' }).waitFor();
  assert.deepEqual(await offered(se), ['withdrawn']);
  const r = (await apiGet(se, 'requests/' + id)).body;
  assert.equal(r.status, 'recognised');
  assert.deepEqual(r.deadlines.map((d) => d.rule).sort(), ['eio.execution', 'eio.recognition']);
  await assertClean(se);
  await assertClean(lt);
  await se.context().close();
  await lt.context().close();
});

test('RS records the arrest on the extradition request and extends its deadline with reasons', async () => {
  const rs = await newPage(browser, server);
  await login(rs, 'rs');
  const ext = (await apiGet(rs, 'requests?kind=extradition')).body[0];
  await rs.goto('/#/requests/' + ext.id);
  await rs.getByRole('heading', { level: 1, name: ext.title }).waitFor();
  assert.deepEqual(await rs.getByLabel('Milestone', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => o.value)),
    ['arrested', 'consented']);
  await rs.getByLabel('Milestone', { exact: true }).selectOption('arrested');
  await rs.getByRole('button', { name: 'Record milestone' }).click();
  await rs.getByRole('status').filter({ hasText: 'Recorded: arrest of the person.' }).waitFor();
  await rs.getByRole('definition').filter({ hasText: today() }).first().waitFor();
  // The decision deadline was set by hand: the executing side extends it, giving reasons.
  const due = ext.deadlines.find((d) => d.state === 'open').due_on;
  await rs.getByLabel('Days to add').fill('5');
  await rs.getByLabel('Reasons for the extension').fill('The court awaits the translated file.');
  await rs.getByRole('button', { name: 'Extend deadline' }).click();
  await rs.getByRole('status').filter({ hasText: 'Deadline extended by 5 days.' }).waitFor();
  await rs.getByRole('table', { name: 'Deadlines' }).getByText('+5 days').waitFor();
  // The reasons recorded with the extension are shown with the deadline.
  await rs.getByRole('table', { name: 'Deadlines' })
    .getByText(today() + ', rs, 5 days added: The court awaits the translated file.').waitFor();
  // The arrest is its own line in the history, not a change of status "received → received".
  const hist = rs.getByRole('table', { name: 'History' });
  await hist.getByRole('cell', { name: 'Arrest of the person recorded', exact: true }).waitFor();
  const changes = await hist.locator('tbody td[data-label="Change"]').allTextContents();
  assert.ok(!changes.some((c) => /^(.+) → \1$/.test(c.trim())), 'a status "changed" into itself: ' + changes.join(' | '));
  const notes = await hist.locator('tbody td[data-label="Note"]').allTextContents();
  assert.ok(!notes.includes('arrested'), 'the raw event name is shown: ' + notes.join(' | '));
  const after = (await apiGet(rs, 'requests/' + ext.id)).body;
  assert.equal(after.arrested_on, today());
  assert.ok(after.deadlines.find((d) => d.state === 'open').due_on > due);
  await screenshot(rs, 'forms-request-milestone');
  await assertClean(rs);
  await rs.context().close();
});

test('SE plans an action day in two countries and adds an action; RS sees it', async () => {
  const se = await newPage(browser, server);
  await login(se, 'se');
  await se.goto('/#/actiondays');
  await se.getByText('Plan an action day', { exact: true }).click();
  await se.getByLabel('Case', { exact: true }).selectOption(ARREST_REF);
  const dayTitle = 'Third action day ' + Date.now();
  await se.getByLabel('Title of the day').fill(dayTitle);
  await se.getByLabel('Day', { exact: true }).fill(inDays(3));
  // The case's countries come with their zones; keep Serbia and Montenegro.
  await se.getByLabel('Time zone 1').waitFor();
  const zones = se.getByRole('group', { name: 'Countries and their time zones' });
  const countries = await zones.locator('select').evaluateAll((ss) => ss.map((s) => s.value));
  assert.deepEqual(countries.slice().sort(), ['ME', 'RS', 'SE']);
  assert.equal(await zones.getByLabel('Time zone ' + (countries.indexOf('RS') + 1)).inputValue(), 'Europe/Belgrade');
  await zones.getByRole('button', { name: 'Remove country ' + (countries.indexOf('SE') + 1) }).click();

  const a1 = se.getByRole('group', { name: 'Action 1' });
  await a1.getByLabel('Executing organisation').selectOption('RS');
  await a1.getByLabel('Kind of action').selectOption('house_search');
  await a1.getByLabel('Country').selectOption('RS');
  await a1.getByLabel('Planned local time').fill('06:00');
  await a1.getByLabel('Place').fill('Novi Sad');
  await a1.getByLabel('Target entity').selectOption({ label: 'Marko Djordjevic' });
  await se.getByRole('button', { name: 'Add an action' }).click();
  const a2 = se.getByRole('group', { name: 'Action 2' });
  await a2.getByLabel('Executing organisation').selectOption('ME');
  await a2.getByLabel('Kind of action').selectOption('asset_freezing');
  await a2.getByLabel('Country').selectOption('ME');
  await a2.getByLabel('Planned local time').fill('07:30');
  await a2.getByLabel('Place').fill('Bar');
  await screenshot(se, 'forms-actionday-plan');
  await se.getByRole('button', { name: 'Plan the action day' }).click();

  await se.getByRole('heading', { level: 1, name: dayTitle }).waitFor();
  await se.getByRole('status').filter({ hasText: 'planned with 2 actions' }).waitFor();
  await se.getByRole('table', { name: 'Actions in Serbia' }).getByText('Novi Sad').waitFor();
  await se.getByRole('table', { name: 'Actions in Montenegro' }).getByText('Bar', { exact: true }).waitFor();
  assert.equal(await se.getByRole('table', { name: 'Actions in Sweden' }).count(), 0);

  // Add an action from the coordination centre.
  const add = se.getByRole('region', { name: 'Add an action to the plan' });
  await add.getByLabel('Kind of action').selectOption('seizure');
  await add.getByLabel('Executing organisation').selectOption('RS');
  assert.deepEqual(await add.getByLabel('Country').locator('option').evaluateAll((os) => os.map((o) => o.value)), ['ME', 'RS']);
  await add.getByLabel('Country').selectOption('RS');
  await add.getByLabel('Planned local time').fill('08:15');
  await add.getByLabel('Place').fill('Warehouse in Zemun');
  await add.getByRole('button', { name: 'Add the action' }).click();
  await add.getByRole('status').filter({ hasText: 'Added: Seizure in Serbia.' }).waitFor();
  await se.getByRole('table', { name: 'Actions in Serbia' }).getByText('Warehouse in Zemun').waitFor();
  await screenshot(se, 'forms-actionday-added');
  const dayId = se.url().match(/#\/actiondays\/(\d+)/)[1];

  const rs = await newPage(browser, server);
  await login(rs, 'rs');
  await rs.goto('/#/actiondays/' + dayId);
  await rs.getByRole('heading', { level: 1, name: dayTitle }).waitFor();
  await rs.getByRole('table', { name: 'Actions in Serbia' }).getByText('Warehouse in Zemun').waitFor();
  const opts = await rs.getByLabel('Action', { exact: true }).locator('option').allInnerTexts();
  assert.equal(opts.length, 2, 'RS reports on its two actions: ' + opts);
  assert.ok(opts.some((o) => /Seizure — Serbia, 08:15 — Warehouse in Zemun/.test(o)), opts.join(' | '));
  await assertClean(se);
  await assertClean(rs);
  await se.context().close();
  await rs.context().close();
});

test('a wrong evidence number in an action-day report is explained in plain words next to its field', async () => {
  const rs = await newPage(browser, server);
  await login(rs, 'rs');
  const days = (await apiGet(rs, 'actiondays')).body;
  const day = (await apiGet(rs, 'actiondays/' + days.find((d) => /live demo/.test(d.title)).id)).body;
  const action = day.actions.find((a) => a.org === 'RS' && a.status === 'planned');
  await rs.goto('/#/actiondays/' + day.id);
  await rs.getByRole('heading', { level: 1, name: day.title }).waitFor();
  await rs.getByLabel('Action', { exact: true }).selectOption(String(action.id));
  await rs.getByLabel('New status').selectOption('started');
  const evidence = rs.getByLabel('Evidence item number');
  await evidence.fill('999999');
  await rs.getByRole('button', { name: 'Send report' }).click();

  // At the field: the input marked invalid, described by the message, focused.
  const fieldBox = rs.locator('.field').filter({ has: evidence });
  const err = fieldBox.getByRole('alert');
  await err.waitFor();
  const text = (await err.innerText()).trim();
  assert.match(text, /no evidence item 999999 in this case/i);
  assert.doesNotMatch(text, /field "|"evidence"|\\"/, 'no raw API text: ' + text);
  assert.equal(await evidence.getAttribute('aria-invalid'), 'true');
  const errId = await err.getAttribute('id');
  assert.ok((await evidence.getAttribute('aria-describedby')).split(' ').includes(errId));
  assert.ok(await evidence.evaluate((el) => el === document.activeElement), 'the field has the focus');
  assert.ok(!(await rs.locator('main').innerText()).includes('field "evidence"'), 'the API message is not shown anywhere');
  assert.equal(await rs.getByText('Report sent.').count(), 0);
  await screenshot(rs, 'forms-actionday-evidence-error');

  // Corrected (the field emptied): the report goes, the message and the mark go with it.
  await evidence.fill('');
  await rs.getByRole('button', { name: 'Send report' }).click();
  await rs.getByText('Report sent.').waitFor();
  assert.equal(await fieldBox.getByRole('alert').count(), 0);
  assert.equal(await evidence.getAttribute('aria-invalid'), null);
  await assertClean(rs, [/400 POST .*\/actions\/\d+\/updates$/]);
  await rs.context().close();
});

test('a coordination meeting with its outcome; a planned interview shows the earlier one', async () => {
  const se = await newPage(browser, server);
  await login(se, 'se');
  await se.getByRole('link', { name: 'Meetings', exact: true }).click();
  await se.getByRole('heading', { level: 1, name: 'Meetings and interviews' }).waitFor();
  await se.getByRole('link', { name: 'Coordination meeting on the arrest of the Swedish high-value target' }).waitFor();
  await se.getByText('New meeting', { exact: true }).click();
  await se.getByLabel('Kind of meeting').selectOption('coordination');
  await se.getByLabel('Case of the meeting').selectOption(ARREST_REF);
  const parts = se.getByRole('group', { name: 'Participating organisations' });
  await parts.getByLabel(/^RS — /).waitFor();
  assert.ok(await parts.getByLabel(/^ME — /).isChecked());
  await parts.getByLabel(/^INTERPOL — /).uncheck();
  const mTitle = 'Second coordination meeting ' + Date.now();
  await se.getByLabel('Title', { exact: true }).fill(mTitle);
  await se.getByLabel('Held on', { exact: true }).fill(today());
  await se.getByLabel('Place').fill('The Hague');
  await se.getByLabel('Agenda').fill('Extradition; analysis of the seized phones');
  await se.getByRole('button', { name: 'Add a follow-up action' }).click();
  const f1 = se.getByRole('group', { name: 'Follow-up action 1' });
  await f1.getByLabel('What is to be done').fill('Send the phone analysis to SE');
  await f1.getByLabel('By organisation').selectOption('RS');
  await f1.getByLabel('Linked request').selectOption({ label: 'Extradition of the suspect to Sweden after his arrest' });
  await screenshot(se, 'forms-meeting-new');
  await se.getByRole('button', { name: 'Record the meeting' }).click();

  await se.getByRole('heading', { level: 1, name: mTitle }).waitFor();
  await se.getByRole('status').filter({ hasText: 'recorded.' }).waitFor();
  await se.getByRole('table', { name: 'Follow-up actions' }).getByRole('cell', { name: 'Send the phone analysis to SE' }).waitFor();
  // Its request by title, a link to it (not "request 4").
  await se.getByRole('table', { name: 'Follow-up actions' })
    .getByRole('link', { name: 'Extradition of the suspect to Sweden after his arrest' }).waitFor();
  const outcome = 'Extradition to be coordinated with RS; phones analysed by RS by the end of the month.';
  await se.getByLabel('Outcome', { exact: true }).fill(outcome);
  await se.getByRole('button', { name: 'Save the outcome' }).click();
  await se.getByRole('status').filter({ hasText: 'Outcome recorded.' }).waitFor();
  await se.getByText(outcome, { exact: true }).first().waitFor();
  await screenshot(se, 'forms-meeting-page');
  const mid = se.url().match(/#\/meetings\/(\d+)/)[1];
  const m = (await apiGet(se, 'meetings/' + mid)).body;
  assert.equal(m.outcome, outcome);
  assert.deepEqual(m.participants.map((p) => p.org).sort(), ['ME', 'RS', 'SE']);

  // The interview register: SE plans to hear witness T-12 of the Yezidi case, whom FR heard.
  await se.getByRole('link', { name: 'All meetings' }).click();
  await se.getByRole('tab', { name: 'Interviews' }).click();
  await se.getByText('Register an interview', { exact: true }).click();
  await se.getByLabel('Case of the interview').selectOption(YEZIDI_REF);
  await se.getByLabel('Person interviewed').selectOption({ label: 'Hala Khidir Rasho' });
  await se.getByLabel('Role of the person').selectOption('witness');
  await se.getByLabel('Day of the interview').fill(inDays(30));
  await se.getByLabel('Authority', { exact: true }).fill('Swedish Prosecution Authority, war crimes unit');
  // A held interview cannot be in the future, a planned one not in the past: the
  // day's field says so before anything is sent.
  const day = se.getByLabel('Day of the interview');
  await se.getByLabel('Status of the interview').selectOption('held');
  await se.getByRole('button', { name: 'Register the interview' }).click();
  assert.equal(await day.evaluate((el) => el.validity.rangeOverflow), true);
  await se.getByLabel('Status of the interview').selectOption('planned');
  await day.fill(inDays(-1));
  assert.equal(await day.evaluate((el) => el.validity.rangeUnderflow), true);
  await day.fill(inDays(30));
  assert.equal(await day.evaluate((el) => el.validity.valid), true);
  await se.getByRole('button', { name: 'Register the interview' }).click();
  await se.getByRole('heading', { level: 1, name: 'Interview of Hala Khidir Rasho' }).waitFor();
  await se.getByRole('status').filter({ hasText: 'Interview registered.' }).waitFor();
  const earlier = se.getByRole('list', { name: 'Earlier interviews of the same person' });
  await earlier.getByRole('link', { name: `FR heard the person as witness on 2024-02-20 (case ${YEZIDI_REF})` }).waitFor();
  await screenshot(se, 'forms-interview-planned');
  await earlier.getByRole('link').first().click();
  await se.getByRole('heading', { level: 1, name: 'Interview of Hala Khidir Rasho' }).waitFor();
  await se.getByText('Hearing record of witness T-12').waitFor();
  await assertClean(se);
  await se.context().close();

  // DE, who does not see the Yezidi case, learns only who and when.
  const de = await newPage(browser, server);
  await login(de, 'de');
  await de.goto('/#/meetings?tab=interviews');
  await de.getByRole('link', { name: 'Hala Khider Rasho' }).click();
  await de.getByText('An interview by FR in 2024-02; its case is not visible to you').waitFor();
  assert.equal(await de.getByText('2024-02-20').count(), 0);
  await assertClean(de);
  await de.context().close();
});

// The forms opened (they are folded on the pages a11y.test.mjs checks), on a phone screen.
// An observer follows everything and is offered no form that writes: the server refuses its
// writes too (the action-day report among them).
test('an observer reads the cooperation pages and is offered no form that writes', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se-observer');
  await page.goto('/#/requests');
  await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
  await page.getByRole('table').first().waitFor();
  assert.equal(await page.getByText('New request', { exact: true }).count(), 0);
  await page.goto('/#/meetings');
  await page.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
  await page.getByRole('tabpanel').getByRole('table').first().waitFor();
  assert.ok(!/\bnull\b/.test(await page.locator('main').innerText()), 'no stray "null" on the page');
  assert.equal(await page.locator('summary').count(), 0, 'no form to open');
  const days = (await apiGet(page, 'actiondays')).body;
  const day = days.find((d) => /live demo/.test(d.title));
  await page.goto('/#/actiondays/' + day.id);
  await page.getByText('As an observer you follow the day; reports come from those who carry out the actions.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send report' }).count(), 0);
  const mine = (await apiGet(page, 'actiondays/' + day.id)).body.actions.find((a) => a.org === 'SE');
  const refused = await page.evaluate(async (id) => (await fetch('/api/v1/actions/' + id + '/updates', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
    body: JSON.stringify({ status: 'started' }) })).status, mine.id);
  assert.equal(refused, 403);
  await assertClean(page, [/403 POST .*\/updates$/]);
  await page.context().close();
});

test('an analyst follows requests but is offered no judicial act: no new request, no withdrawal', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se-analyst');
  await page.goto('/#/requests');
  await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
  await page.getByRole('table').first().waitFor();
  assert.equal(await page.getByText('New request', { exact: true }).count(), 0);
  // SE's extradition request to RS, received there: SE may withdraw it, a prosecutor's act.
  const ext = (await apiGet(page, 'requests?kind=extradition')).body[0];
  assert.deepEqual(ext.next, ['recognised', 'refused', 'withdrawn']);
  await page.goto('/#/requests/' + ext.id);
  await page.getByRole('heading', { level: 1, name: ext.title }).waitFor();
  await page.getByRole('heading', { name: 'Time limits the law sets' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Change the status' }).count(), 0);
  // The server refuses it anyway.
  const refused = await page.evaluate(async (id) => (await fetch('/api/v1/requests/' + id + '/status', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
    body: JSON.stringify({ to: 'withdrawn' }) })).status, ext.id);
  assert.equal(refused, 403);
  await assertClean(page, [/403 POST .*\/status$/]);
  await page.context().close();
  // A prosecutor of SE is offered the withdrawal.
  const se = await newPage(browser, server);
  await login(se, 'se');
  await se.goto('/#/requests/' + ext.id);
  await se.getByRole('heading', { name: 'Change the status' }).waitFor();
  assert.deepEqual(await se.getByLabel('New status of the request').locator('option').evaluateAll((os) => os.map((o) => o.value)),
    ['withdrawn']);
  await se.context().close();
});

test('the opened forms pass WCAG 2.1 AA checks and fit a 390 px screen', async () => {
  const page = await newPage(browser, server, { viewport: { width: 390, height: 844 } });
  await login(page, 'se');

  await page.goto('/#/requests');
  await page.getByText('New request', { exact: true }).click();
  await page.getByLabel('Case', { exact: true }).selectOption(ARREST_REF);
  await page.getByLabel('Marko Djordjevic (person)').waitFor();
  await assertAccessible(page, 'new request', { fits: true });
  await page.goto('/#/requests/4');
  await page.getByRole('heading', { name: 'Next steps' }).waitFor();
  await assertAccessible(page, 'request steps', { fits: true });
  await screenshot(page, 'forms-narrow-request-steps');
  await page.goto('/#/actiondays');
  await page.getByText('Plan an action day', { exact: true }).click();
  await page.getByLabel('Case', { exact: true }).selectOption(ARREST_REF);
  await page.getByRole('group', { name: 'Action 1' }).waitFor();
  await assertAccessible(page, 'plan an action day', { fits: true });
  await screenshot(page, 'forms-narrow-actionday-plan');
  await page.goto('/#/meetings');
  await page.getByText('New meeting', { exact: true }).click();
  await page.getByLabel('Case of the meeting').selectOption(ARREST_REF);
  await page.getByRole('button', { name: 'Add a follow-up action' }).click();
  await assertAccessible(page, 'new meeting', { fits: true });
  await page.getByRole('tab', { name: 'Interviews' }).click();
  await page.getByText('Register an interview', { exact: true }).click();
  await assertAccessible(page, 'register an interview', { fits: true });
  await assertClean(page);
  await page.context().close();
});
