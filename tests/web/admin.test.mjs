// The administration page: an organisation's administrator lists its users,
// adds one, disables and enables one (and the API agrees), reads the
// retention due and places and releases a legal hold. Others are not offered
// the page.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert, assertAccessible } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// Whether username can log in (the API's answer to a login, without a cookie).
async function canLogin(page, username) {
  return page.evaluate(async (u) => (await fetch('/api/v1/session', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
    body: JSON.stringify({ username: u, password: 'demo' }) })).status, username);
}

test('an administrator revokes a session of the organisation and sets a new password', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se-admin');
  // se-observer logs in elsewhere (a bearer token, as a script or a lost laptop would hold).
  const tok = (await (await fetch(server.url + '/api/v1/session', { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'se-observer', password: 'demo' }) })).json()).token;
  const me = () => fetch(server.url + '/api/v1/me', { headers: { Authorization: 'Bearer ' + tok } });
  assert.equal((await me()).status, 200);
  const id = tok.slice(3, tok.indexOf('.'));
  await page.goto('/#/admin');
  const tokens = page.getByRole('table', { name: 'Sessions and API tokens' });
  const row = tokens.locator(`tr[data-token="${id}"]`);
  await row.getByText('se-observer', { exact: true }).waitFor();
  // One click only asks: the token stays in force until confirmed; Cancel puts the button back.
  await row.getByRole('button', { name: 'Revoke this token of se-observer' }).click();
  const sure = row.getByRole('button', { name: 'Confirm: revoke this token of se-observer' });
  await sure.waitFor();
  assert.equal(await sure.evaluate((b) => b === document.activeElement), true, 'the confirm button has the focus');
  assert.equal((await me()).status, 200, 'revoked before it was confirmed');
  await row.getByRole('button', { name: 'Cancel', exact: true }).click();
  await row.getByRole('button', { name: 'Revoke this token of se-observer' }).click();
  assert.equal((await me()).status, 200);
  await sure.click();
  await page.getByRole('status').filter({ hasText: 'The token of se-observer is revoked.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await me()).status, 401);

  // A new password: the old one no longer opens a session, the new one does.
  const form = page.getByRole('form', { name: 'Set a new password' });
  await form.getByLabel('User').selectOption('se-observer');
  await form.getByLabel('New password').fill('a new one for the observer');
  await form.getByRole('button', { name: 'Set the password' }).click();
  await form.getByRole('status').filter({ hasText: 'se-observer has a new password' }).waitFor();
  assert.equal(await canLogin(page, 'se-observer'), 401);
  const st = await page.evaluate(async () => (await fetch('/api/v1/session', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Custodia-CSRF': '1' },
    body: JSON.stringify({ username: 'se-observer', password: 'a new one for the observer' }) })).status);
  assert.equal(st, 201);
  await assertAccessible(page, 'administration, tokens');
  await assertClean(page, [/^HTTP 401 POST .*\/api\/v1\/session$/]);
  await page.context().close();
});

test('a prosecutor is not offered the administration page', async () => {
  const page = await newPage(browser, server);
  const users = [];
  page.on('request', (r) => { if (/\/api\/v1\/(users|retention)\b/.test(r.url())) users.push(r.url()); });
  await login(page, 'se');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
  await page.goto('/#/admin');
  await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
  await page.getByText('This page is for your organisation’s administrators.').waitFor();
  assert.equal(await page.getByRole('button').filter({ hasText: /Disable|Enable/ }).count(), 0);
  assert.deepEqual(users, [], 'no administration request made');
  await assertClean(page);
  await page.context().close();
});

test('an administrator manages the users of the organisation, its retention and legal holds', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se-admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
  const users = page.getByRole('table', { name: 'Users of SE' });
  await users.waitFor();
  const listed = await users.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.user));
  const api = (await apiGet(page, 'users?org=SE')).body.map((u) => u.username);
  assert.deepEqual(listed, api);
  assert.ok(listed.includes('se-analyst') && listed.includes('se-admin'));
  // No button to disable oneself.
  assert.equal(await users.getByRole('button', { name: 'Disable se-admin' }).count(), 0);

  // Disable se-analyst: shown, kept by the server, the login refused; then enabled again.
  const row = users.locator('tr[data-user="se-analyst"]');
  await row.getByText('active', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Disable se-analyst' }).click();
  await row.getByRole('button', { name: 'Confirm: disable se-analyst' }).waitFor();
  assert.equal((await apiGet(page, 'users/se-analyst')).body.disabled, false, 'disabled before it was confirmed');
  await row.getByRole('button', { name: 'Confirm: disable se-analyst' }).click();
  await page.getByRole('status').filter({ hasText: 'se-analyst is disabled' }).waitFor();
  await users.locator('tr[data-user="se-analyst"]').getByText('disabled', { exact: true }).waitFor();
  assert.equal((await apiGet(page, 'users/se-analyst')).body.disabled, true);
  assert.equal(await canLogin(page, 'se-analyst'), 401);
  await screenshot(page, 'admin-users');
  await page.getByRole('button', { name: 'Enable se-analyst' }).click();
  await page.getByRole('status').filter({ hasText: 'se-analyst is enabled again' }).waitFor();
  await users.locator('tr[data-user="se-analyst"]').getByText('active', { exact: true }).waitFor();
  assert.equal((await apiGet(page, 'users/se-analyst')).body.disabled, false);

  // Add a user.
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('Username').fill('se-analyst2');
  await form.getByLabel('Full name').fill('Second analyst (test)');
  await form.getByLabel('Role').selectOption('analyst');
  await form.getByLabel('First password').fill('first day pass');
  await form.getByRole('button', { name: 'Add the user' }).click();
  await form.getByRole('status').filter({ hasText: 'se-analyst2 is added as analyst.' }).waitFor();
  await users.locator('tr[data-user="se-analyst2"]').getByText('Second analyst (test)').waitFor();
  assert.equal((await apiGet(page, 'users/se-analyst2')).body.role, 'analyst');
  // At once a user whose password can be set.
  await page.getByRole('form', { name: 'Set a new password' }).getByLabel('User')
    .locator('option[value="se-analyst2"]').waitFor({ state: 'attached', timeout: 5000 });

  // Retention: the review of the arrest case, three years after it opened.
  const due = (await apiGet(page, 'retention?within=1826d')).body;
  assert.ok(due.length >= 1);
  await page.getByLabel('Due within').selectOption('1826d');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const ret = page.getByRole('table', { name: 'Retention due' });
  for (const c of due) {
    const r = ret.locator(`tr[data-case="${c.reference}"]`);
    await r.getByRole('link', { name: c.reference }).waitFor();
    for (const d of c.due) await r.getByText(d.due_on).waitFor();
  }

  // A legal hold placed, shown with the retention, then released.
  const holdForm = page.getByRole('form', { name: 'Place a legal hold' });
  await holdForm.getByLabel('Case').selectOption({ label: due[0].reference + ' — ' + due[0].title });
  await holdForm.getByLabel('Reason').fill('appeal pending (test)');
  await holdForm.getByRole('button', { name: 'Place the hold' }).click();
  await holdForm.getByRole('status').filter({ hasText: 'A legal hold is placed on ' + due[0].reference }).waitFor();
  const holds = page.getByRole('table', { name: 'Legal holds' });
  await holds.getByRole('cell', { name: 'appeal pending (test)' }).waitFor();
  const kept = (await apiGet(page, `cases/${due[0].case_id}/retention`)).body.holds;
  assert.deepEqual(kept.map((x) => x.reason), ['appeal pending (test)']);
  // The retention section shows the new hold without being asked again.
  await ret.locator(`tr[data-case="${due[0].reference}"]`).getByText('appeal pending (test)').waitFor({ timeout: 5000 });
  await screenshot(page, 'admin-retention-holds');
  await assertAccessible(page, 'administration');
  await page.getByRole('button', { name: 'Release the hold on ' + due[0].reference }).click();
  await holds.getByRole('button', { name: 'Confirm: release the hold on ' + due[0].reference }).waitFor();
  assert.equal((await apiGet(page, `cases/${due[0].case_id}/retention`)).body.holds.length, 1, 'released before it was confirmed');
  await holds.getByRole('button', { name: 'Confirm: release the hold on ' + due[0].reference }).click();
  await page.getByRole('status').filter({ hasText: 'The legal hold on ' + due[0].reference + ' is released.' }).waitFor();
  await page.getByText('No legal hold in force.').waitFor();
  assert.deepEqual((await apiGet(page, `cases/${due[0].case_id}/retention`)).body.holds, []);
  // Neither the retention section nor the form's message still speak of the hold.
  await ret.locator(`tr[data-case="${due[0].reference}"]`).getByText('appeal pending (test)')
    .waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await holdForm.getByText('A legal hold is placed on').count(), 0);

  // A phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await users.waitFor();
  await assertAccessible(page, 'administration (390 px)', { fits: true });
  await screenshot(page, 'admin-narrow');
  // The refused login of the disabled user is the one expected refusal.
  await assertClean(page, [/^HTTP 401 POST .*\/api\/v1\/session$/]);
  await page.context().close();
});

test('a retention review whose day has passed is marked overdue', async () => {
  const page = await newPage(browser, server);
  await login(page, 'lt-admin');
  const due = (await apiGet(page, 'retention?within=1826d')).body;
  const today = new Date().toISOString().slice(0, 10);
  const late = due.find((c) => c.due.some((d) => d.due_on < today));
  assert.ok(late, 'the demo has a review already due: ' + JSON.stringify(due));
  await page.goto('/#/admin?within=1826d');
  const row = page.getByRole('table', { name: 'Retention due' }).locator(`tr[data-case="${late.reference}"]`);
  const d = late.due.find((x) => x.due_on < today);
  const item = row.locator('li').filter({ hasText: d.due_on });
  await item.waitFor();
  const b = item.locator('.badge');
  assert.match(await b.textContent(), /overdue/);
  assert.match(await b.getAttribute('class'), /badge-bad/);
  await assertAccessible(page, 'administration, overdue review');
  await assertClean(page);

  // A review still to come keeps its amber badge, without the word.
  await page.context().close();
  const se = await newPage(browser, server);
  await login(se, 'se-admin');
  const seDue = (await apiGet(se, 'retention?within=1826d')).body;
  const future = seDue.find((c) => c.due.some((x) => x.action === 'review' && x.due_on >= today));
  assert.ok(future);
  await se.goto('/#/admin?within=1826d');
  const fd = future.due.find((x) => x.action === 'review' && x.due_on >= today);
  const fb = se.getByRole('table', { name: 'Retention due' }).locator(`tr[data-case="${future.reference}"] li`)
    .filter({ hasText: fd.due_on }).locator('.badge');
  await fb.waitFor();
  assert.equal((await fb.textContent()).trim(), 'review');
  assert.match(await fb.getAttribute('class'), /badge-warn/);
  await assertClean(se);
  await se.context().close();
});
