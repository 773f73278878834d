// The shell: log in and out, the navigation, the security headers, the
// session cookie a script cannot read, a narrow screen.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, assert } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('wrong password is refused and a right one logs in and out', async () => {
  const page = await newPage(browser, server);
  await page.goto('/');
  await page.getByLabel('Username').fill('se');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
  await screenshot(page, 'login');
  await login(page, 'se');
  await page.getByText('Demo prosecutor, National desk Sweden').waitFor();
  // The token lives in an HttpOnly cookie: no script on the page can read it.
  assert.equal(await page.evaluate(() => document.cookie), '');
  const cookies = await page.context().cookies();
  const c = cookies.find((x) => x.name === 'custodia_session');
  assert.ok(c && c.httpOnly && c.sameSite === 'Strict', 'HttpOnly SameSite=Strict session cookie');
  // A write with the cookie but without the CSRF header is refused.
  const st = await page.evaluate(async () => (await fetch('/api/v1/cases', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
  assert.equal(st, 403);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  // The session is revoked on the server, not only forgotten by the page.
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
  await assertClean(page, [/HTTP 401 POST .*session$/, /HTTP 403 POST .*cases$/]);
});

test('a link followed before logging in opens where it pointed, tab and all', async () => {
  const page = await newPage(browser, server);
  await page.goto('/#/cases/1?tab=evidence');
  await page.getByLabel('Username').fill('se');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('tab', { name: 'Evidence', selected: true }).waitFor();
  assert.match(page.url(), /#\/cases\/1\?tab=evidence$/);
  await assertClean(page, [/HTTP 401 GET .*\/me$/]);
  await page.context().close();
});

test('the page is served with a strict content security policy', async () => {
  const page = await newPage(browser, server);
  const res = await page.goto('/');
  const h = res.headers();
  assert.match(h['content-security-policy'], /script-src 'self'/);
  assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  await assertClean(page);
});

test('every navigation entry opens its page on a narrow screen too', async () => {
  const page = await newPage(browser, server, { viewport: { width: 390, height: 844 } });
  await login(page, 'se');
  const menu = page.getByRole('button', { name: 'Menu' });
  await menu.click();
  await page.getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await screenshot(page, 'narrow-cases');
  await assertClean(page);
});
