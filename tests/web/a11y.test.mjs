// Every main page, at 1280x800 and on a 390 px wide phone screen: checked by
// axe-core (the engine behind most accessibility audits) against WCAG 2.1 A
// and AA (labels, names, contrast, structure), and for a page that does not
// scroll sideways on the narrow screen; reached by keyboard from the skip link.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert, assertAccessible } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

// The pages, with the ids of demo objects the Swedish prosecutor sees.
async function pages(page) {
  const first = async (path) => {
    const r = await apiGet(page, path);
    const list = Array.isArray(r.body) ? r.body : r.body.items;
    assert.ok(list && list.length > 0, 'demo data for ' + path);
    return list[0].id;
  };
  const caseId = await first('cases');
  const item = await first('cases/' + caseId + '/evidence');
  return [
    ['dashboard', '/'], ['cases', '/cases'], ['case', '/cases/' + caseId],
    ['case-evidence', '/cases/' + caseId + '?tab=evidence'], ['evidence', '/evidence/' + item],
    ['jits', '/jits'], ['jit', '/jits/' + await first('jits')],
    ['requests', '/requests'], ['request', '/requests/' + await first('requests')],
    ['search', '/search?q=Djordjevic'], ['actiondays', '/actiondays'],
    ['actionday', '/actiondays/' + await first('actiondays')],
    ['meetings', '/meetings'], ['meeting', '/meetings/' + await first('meetings')],
    ['interviews', '/meetings?tab=interviews'], ['interview', '/interviews/' + await first('interviews')],
    ['links', '/links?case=' + caseId], ['stats', '/stats'], ['ledger', '/ledger?index=3'],
  ];
}

async function settle(page, path) {
  await page.goto('/#' + path);
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 15000 });
}


for (const [label, viewport] of [['wide', { width: 1280, height: 800 }], ['narrow', { width: 390, height: 844 }]]) {
  test('every main page passes WCAG 2.1 AA checks, ' + label, async () => {
    const page = await newPage(browser, server, { viewport });
    await page.goto('/');
    await page.locator('form').waitFor();
    await assertAccessible(page, 'login (' + label + ')');
    await login(page, 'se');
    for (const [name, path] of await pages(page)) {
      await settle(page, path);
      await assertAccessible(page, name + ' (' + label + ')', { fits: label === 'narrow' });
      if (label === 'narrow') {
        if (['dashboard', 'case', 'evidence', 'stats'].includes(name)) await screenshot(page, 'narrow-' + name);
      }
    }
    await assertClean(page);
  });
}

test('the keyboard reaches the content and the navigation', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  await page.reload(); // a page as it loads, focus at the top
  await page.locator('h1').first().waitFor();
  // The first Tab stop is the skip link; following it puts focus on the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // Through the navigation by Tab, and Enter follows a link.
  await page.getByRole('link', { name: 'Requests', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /Requests/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Requests', exact: true }).getAttribute('aria-current'), 'page');
  await assertClean(page);
});
