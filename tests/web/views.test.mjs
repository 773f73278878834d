// The views pages: the coordination centre of an action day (live through
// Server-Sent Events), the ledger page's in-browser proof verification, the
// statistics charts and their CSV, the link view's graph and what it hides.
import { test, before, after } from 'node:test';
import { readFile } from 'node:fs/promises';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, apiGet, assert } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a report posted in one coordination centre appears live in another', async () => {
  const se = await newPage(browser, server);
  const rs = await newPage(browser, server);
  await login(se, 'se');
  await login(rs, 'rs');
  const days = (await apiGet(se, 'actiondays')).body;
  const day = days.find((d) => /live demo/.test(d.title)) || days[0];
  const detail = (await apiGet(se, 'actiondays/' + day.id)).body;
  const action = detail.actions.find((a) => a.org === 'RS' && a.status === 'planned');
  assert.ok(action, 'a planned action executed by RS');

  for (const p of [se, rs]) {
    await p.goto('/#/actiondays/' + day.id);
    await p.getByRole('heading', { level: 1, name: day.title }).waitFor();
    await p.getByText('Live', { exact: true }).waitFor();
  }
  const seTable = se.getByRole('table', { name: 'Actions in Serbia' });
  const seRow = seTable.locator(`tr[data-action="${action.id}"]`);
  await seRow.getByText('Planned', { exact: true }).waitFor();
  // Its planned local time, with the instant in UTC the server gives (planned_at).
  assert.match(action.planned_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
  const utcText = `${action.planned_at.slice(11, 16)} UTC`;
  await seRow.getByText(utcText, { exact: true }).waitFor();
  assert.match(await seRow.innerText(), new RegExp(`${action.planned_time} \\(UTC\\+0[12]:00\\)`));
  const legendRS = se.locator('.legend-country[data-country="RS"]');
  assert.match(await legendRS.innerText(), /Serbia \(RS\): planned/);
  // The map: every country involved drawn, in the colour of its state.
  await se.locator('svg.ad-map path[data-country="RS"]').waitFor();
  assert.equal(await se.locator('svg.ad-map path[data-country]').count(), Object.keys(detail.timezones).length);
  assert.equal(await se.locator('svg.ad-map path[data-country="RS"]').getAttribute('data-state'), 'planned');
  await screenshot(se, 'actionday-before');

  // The form offers only the actions RS executes (not Sweden's seizure).
  const sel = rs.getByLabel('Action', { exact: true });
  const offered = await sel.locator('option').allInnerTexts();
  assert.ok(offered.length >= 1 && offered.every((o) => !/Seizure/.test(o)), 'only RS actions: ' + offered);
  await sel.selectOption(String(action.id));
  await rs.getByLabel('New status').selectOption('started');
  const note = 'Team at the door, entry at ' + Date.now();
  await rs.getByLabel('Result').fill(note);
  await rs.getByRole('button', { name: 'Send report' }).click();
  await rs.getByText('Report sent.').waitFor();

  // Seen in the Swedish coordination centre without a reload.
  await seRow.getByText('Started', { exact: true }).waitFor();
  await seRow.getByText(note).waitFor();
  const timeline = se.getByRole('list', { name: 'Timeline of reports (newest first)' });
  await timeline.getByRole('listitem').first().getByText(note).waitFor();
  await se.getByRole('status').filter({ hasText: 'New report: House search in Serbia, Started' }).waitFor();
  assert.match(await legendRS.innerText(), /Serbia \(RS\): under way/);
  assert.equal(await se.locator('svg.ad-map path[data-country="RS"]').getAttribute('data-state'), 'active');
  assert.equal(await se.locator('svg.ad-map path[data-country="SE"]').getAttribute('data-state'), 'planned');
  await screenshot(se, 'actionday-coordination-centre');
  // The plan in time order: every action, in the order of its instant (the API's order).
  await se.getByRole('button', { name: 'In time order (UTC)' }).click();
  const timeTable = se.getByRole('table', { name: 'All actions in time order' });
  await timeTable.waitFor();
  const order = await timeTable.locator('tr[data-action]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.action)));
  assert.deepEqual(order, detail.actions.map((a) => a.id));
  assert.deepEqual(detail.actions.map((a) => a.planned_at), detail.actions.map((a) => a.planned_at).slice().sort());
  await timeTable.locator(`tr[data-action="${action.id}"]`).getByText('Started', { exact: true }).waitFor();
  await screenshot(se, 'actionday-time-order');
  await se.getByRole('button', { name: 'By country' }).click();
  await seTable.waitFor();
  // Sweden executes none of Serbia's actions: its form does not offer them.
  const seOffered = await se.getByLabel('Action', { exact: true }).locator('option').allInnerTexts();
  assert.ok(seOffered.every((o) => !/Serbia/.test(o)), 'SE form offers no RS actions');
  // A narrow screen: one column, the map still drawn.
  await se.setViewportSize({ width: 390, height: 844 });
  await se.locator('svg.ad-map path[data-country="RS"]').waitFor();
  await screenshot(se, 'actionday-narrow');
  await assertClean(se);
  await assertClean(rs);
  await se.context().close();
  await rs.context().close();
});

// When a day is over everywhere: midnight after it in each of its countries' zones, the latest of them.
function dayOverAt(day) {
  const next = new Date(Date.parse(day.day + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10);
  const ends = Object.values(day.timezones).map((zone) => {
    const guess = Date.parse(next + 'T00:00:00Z');
    const part = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(guess)).find((p) => p.type === 'timeZoneName').value;
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(part);
    const off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0)) : 0;
    return guess - off * 60000;
  });
  return Math.max(...ends);
}

test('an action day the user cannot see asks for nothing more than the day', async () => {
  const se = await newPage(browser, server);
  await login(se, 'se');
  const day = (await apiGet(se, 'actiondays')).body.find((d) => /live demo/.test(d.title));
  await se.context().close();
  const icc = await newPage(browser, server);
  await login(icc, 'icc');
  assert.equal((await apiGet(icc, 'actiondays/' + day.id)).status, 404, 'the ICC takes no part in the day');
  icc.problems.length = 0; // the check above
  const asked = [];
  icc.on('request', (r) => { if (/\/api\/v1\/actiondays\//.test(r.url())) asked.push(r.url()); });
  await icc.goto('/#/actiondays/' + day.id);
  await icc.getByText('Not found, or not visible to you.').waitFor();
  await icc.waitForTimeout(500);
  assert.deepEqual(asked.map((u) => u.replace(server.url, '')), ['/api/v1/actiondays/' + day.id],
    'asked for more than the day');
  await assertClean(icc, [new RegExp('^HTTP 404 GET .*/api/v1/actiondays/' + day.id + '$')]);
  await icc.context().close();
});

test('a past action day shows as finished with its results, and offers no live forms', async () => {
  const page = await newPage(browser, server);
  const streams = [];
  page.on('request', (r) => { if (/\/stream\b/.test(r.url())) streams.push(r.url()); });
  await login(page, 'se');
  const days = (await apiGet(page, 'actiondays')).body;
  const past = days.find((d) => /arrest of the Architect/.test(d.title));
  const day = (await apiGet(page, 'actiondays/' + past.id)).body;
  const end = dayOverAt(day);
  assert.ok(end < Date.now(), 'the demo day ' + day.day + ' is over');
  const arrest = day.actions.find((a) => a.kind === 'arrest');
  assert.equal(arrest.status, 'completed');
  // SE executes one of its actions and contributes to the case: it would be offered both forms.
  assert.ok(day.actions.some((a) => a.org === 'SE'));

  // The list says where each day stands: the April day finished, the live demo's today.
  await page.goto('/#/actiondays');
  const list = page.getByRole('table', { name: 'Action days' });
  await list.getByRole('row').filter({ hasText: past.title }).getByText('finished', { exact: true }).waitFor();
  const live = days.find((d) => /live demo/.test(d.title));
  assert.equal(live.day, new Date().toISOString().slice(0, 10), 'the demo plans its live day today');
  await list.getByRole('row').filter({ hasText: live.title }).getByText('today', { exact: true }).waitFor();

  await page.goto('/#/actiondays/' + past.id);
  await page.getByRole('heading', { level: 1, name: day.title }).waitFor();
  await page.getByText('Finished', { exact: true }).waitFor();
  await page.getByText(/This action day is over in every country/).waitFor();
  assert.equal(await page.getByText('Live', { exact: true }).count(), 0);
  assert.equal(await page.getByText('Connecting…', { exact: true }).count(), 0);
  // Its results, readable: each action's outcome and last result, the timeline, the summary.
  const row = page.getByRole('table', { name: 'Actions in Serbia' }).locator(`tr[data-action="${arrest.id}"]`);
  await row.getByText('Completed', { exact: true }).waitFor();
  await row.getByText(arrest.result).waitFor();
  await page.getByText(`${day.actions.filter((a) => a.status === 'completed').length} of ${day.actions.length} actions completed`).waitFor();
  const timeline = page.getByRole('list', { name: 'Timeline of reports (newest first)' });
  assert.equal(await timeline.getByRole('listitem').count(), day.last_seq);
  // No live forms: no report, no action added to the plan.
  await page.locator('.ad-layout').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('button', { name: 'Send report' }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Report a status' }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Add an action to the plan' }).count(), 0);
  assert.equal(await page.locator('main form').count(), 0);
  assert.deepEqual(streams, [], 'no live stream for a finished day');
  await screenshot(page, 'actionday-finished');
  await assertClean(page);
  await page.context().close();

  // A minute before the day is over in its last country it is still live, with its forms;
  // a minute after, it is finished. The browser's clock is set, the server's is not.
  for (const [at, live] of [[end - 60000, true], [end + 60000, false]]) {
    const p = await newPage(browser, server);
    await login(p, 'se');
    await p.clock.setFixedTime(new Date(at));
    await p.goto('/#/actiondays/' + past.id);
    await p.getByRole('heading', { level: 1, name: day.title }).waitFor();
    await p.getByText(live ? 'Live' : 'Finished', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Send report' }).waitFor({ state: live ? 'visible' : 'detached' });
    if (live) await p.getByRole('heading', { name: 'Add an action to the plan' }).waitFor();
    else assert.equal(await p.locator('main form').count(), 0);
    await assertClean(p);
    await p.context().close();
  }

  // Open while the day ends: it turns finished where it stands, its forms gone.
  const p = await newPage(browser, server);
  await login(p, 'se');
  await p.clock.install({ time: new Date(end - 5000) });
  await p.goto('/#/actiondays/' + past.id);
  await p.getByText('Live', { exact: true }).waitFor();
  await p.getByRole('button', { name: 'Send report' }).waitFor();
  await p.clock.fastForward(10000);
  await p.getByText('Finished', { exact: true }).waitFor();
  await p.getByRole('button', { name: 'Send report' }).waitFor({ state: 'detached' });
  assert.equal(await p.getByText('Live', { exact: true }).count(), 0);
  await assertClean(p);
  await p.context().close();
});

test('the ledger page verifies an inclusion proof and refuses a tampered one', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  // The login is itself a ledger entry: wait for the checkpoint that covers it,
  // so that the page and this test see the same one.
  for (let i = 0; i < 100; i++) {
    const c = (await apiGet(page, 'ledger/checkpoint')).body;
    const n = (await apiGet(page, 'ledger/proof/consistency?from=1')).body;
    if (c && n && c.size === n.to) break;
    await page.waitForTimeout(100);
  }
  await page.goto('/#/ledger?index=3');
  await page.getByRole('heading', { name: 'Latest checkpoint' }).waitFor();
  await page.getByText('verified', { exact: true }).waitFor();
  const cp = (await apiGet(page, 'ledger/checkpoint')).body;
  const shown = await page.locator('.verify-result').innerText();
  assert.match(shown, /Entry 3 is in the log/);
  // The root computed in the browser is the checkpoint's.
  await page.getByText(cp.root).first().waitFor();
  await screenshot(page, 'ledger');

  // The form: another entry, by keyboard.
  await page.getByLabel('Entry index').fill(String(cp.size - 1));
  await page.getByLabel('Entry index').press('Enter');
  await page.getByRole('heading', { name: `Entry ${cp.size - 1}` }).waitFor();
  await page.getByText('verified', { exact: true }).waitFor();
  // An index no entry has (a link, say; the form's own bound stops one typed): said so, not "try again".
  await page.goto('/#/ledger?index=999999');
  await page.getByText(/^There is no entry 999.?999: the latest checkpoint covers/).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);

  // A proof with one flipped bit does not lead to the root.
  await page.route('**/api/v1/ledger/proof/inclusion**', async (route) => {
    const res = await route.fetch();
    const j = await res.json();
    const b = Buffer.from(j.proof[0], 'base64');
    b[5] ^= 0x01;
    j.proof[0] = b.toString('base64');
    await route.fulfill({ response: res, json: j });
  });
  await page.goto('/#/ledger?index=2');
  await page.getByRole('heading', { name: 'Entry 2' }).waitFor();
  await page.getByText('does not verify', { exact: true }).waitFor();
  assert.equal(await page.getByText('verified', { exact: true }).count(), 0);
  await screenshot(page, 'ledger-tampered');
  await assertClean(page, [/HTTP 404 GET .*\/ledger\/entries\/999999$/]);
  await page.context().close();

  // Without WebCrypto (plain HTTP from a LAN address): the bundled SHA-256 verifies the same.
  const lan = await newPage(browser, server);
  await lan.addInitScript(() => Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined }));
  await login(lan, 'se');
  await lan.goto('/#/ledger?index=3');
  await lan.getByText('verified', { exact: true }).waitFor();
  assert.equal(await lan.evaluate(() => crypto.subtle), undefined);
  await assertClean(lan);
  await lan.context().close();
});

test('statistics: the charts show the API figures and download them as CSV', async () => {
  const page = await newPage(browser, server);
  await login(page, 'se');
  const year = new Date().getUTCFullYear();
  await page.goto('/#/stats?year=' + year);
  const chart = page.getByRole('region', { name: 'Cases opened by crime type' });
  await chart.locator('svg g.bar').first().waitFor();
  const st = (await apiGet(page, 'stats?year=' + year)).body;
  const bars = await chart.locator('svg g.bar').evaluateAll((gs) => gs.map((g) =>
    [g.dataset.key, g.querySelector('text.val').textContent]));
  assert.deepEqual(Object.fromEntries(bars), Object.fromEntries(Object.entries(st.cases.by_crime_type).map(([k, v]) => [k, String(v)])));
  const reqBars = await page.getByRole('region', { name: 'Requests issued by kind' }).locator('svg g.bar')
    .evaluateAll((gs) => gs.map((g) => [g.dataset.key, Number(g.dataset.value)]));
  assert.deepEqual(Object.fromEntries(reqBars), st.requests.by_kind);
  // The chart is an image with a title; the figures are also a table.
  assert.equal(await chart.getByRole('img', { name: 'Cases opened by crime type' }).count(), 1);
  await chart.getByText('Show the figures as a table').click();
  await chart.getByRole('table').getByRole('cell', { name: 'Drug trafficking' }).waitFor();
  // The snapshot the figures name.
  await page.getByText(st.snapshot.root).waitFor();
  await screenshot(page, 'statistics');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('button', { name: /^Download CSV/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`custodia-stats-${year}-cases-by-crime-type\\.csv`));
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split(/\r\n/);
  assert.equal(lines[0], 'Crime type,Number of cases');
  assert.equal(lines.length - 1, Object.keys(st.cases.by_crime_type).length);
  const sum = lines.slice(1).reduce((a, l) => a + Number(l.split(',').pop()), 0);
  assert.equal(sum, Object.values(st.cases.by_crime_type).reduce((a, b) => a + b, 0));
  assert.ok(lines.includes('Drug trafficking,' + st.cases.by_crime_type.drug_trafficking));

  // Another year by the picker.
  await page.getByLabel('Year').selectOption(String(year - 1));
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Statistics ' + (year - 1) }).waitFor();
  await assertClean(page);
  await page.context().close();
});

test('the link view graphs entities and hits, and hides the other side of a hit', async () => {
  // What Montenegro's own side of the hits is: names Sweden must not see.
  const me = await newPage(browser, server);
  await login(me, 'me');
  const meHits = (await apiGet(me, 'hits')).body;
  const hidden = new Set();
  for (const hh of meHits) for (const side of [hh.a, hh.b])
    if (side.org === 'ME' && side.entity) { hidden.add(side.entity.label); hidden.add(side.case); }
  await me.context().close();

  const page = await newPage(browser, server);
  await login(page, 'se');
  const cases = (await apiGet(page, 'cases')).body.items;
  const kase = cases.find((c) => c.requesting_org === 'SE');
  const ents = (await apiGet(page, `cases/${kase.id}/entities`)).body;
  const hits = (await apiGet(page, `hits?case=${kase.id}`)).body;
  assert.ok(hits.some((x) => !x.a.visible || !x.b.visible), 'a hit on a case SE cannot see');
  for (const e of ents) hidden.delete(e.label);
  assert.ok(hidden.size > 0);

  await page.goto('/#/links?case=' + kase.id);
  const graph = page.getByRole('group', { name: /^Graph of case/ });
  await graph.waitFor();
  for (const e of ents) await graph.getByRole('button', { name: new RegExp('^' + e.label + ', ') }).waitFor();
  assert.ok(await page.locator('svg.link-graph .edge').count() >= 1, 'at least one hit edge');
  const other = graph.getByRole('button', { name: /Case of ME you cannot see, matched on/ }).first();
  await other.waitFor();
  // By keyboard: focus a node, Enter shows its details.
  await other.focus();
  await page.keyboard.press('Enter');
  assert.equal(await other.getAttribute('aria-pressed'), 'true');
  const details = page.locator('.node-details');
  await details.getByText('You cannot see this case').waitFor();
  assert.match(await details.innerText(), /Organisation\s+ME/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  // The tables list the same nodes and hits.
  const nodes = page.getByRole('table', { name: 'Nodes' });
  for (const e of ents) await nodes.getByRole('button', { name: e.label }).waitFor();
  const edgeRows = await page.getByRole('table', { name: 'Hits' }).locator('tbody tr').count();
  assert.equal(edgeRows, hits.length);
  await screenshot(page, 'link-view');
  // Nothing of Montenegro's side: not in the text, not in an attribute.
  const html = await page.content();
  for (const name of hidden) assert.ok(!html.includes(name), 'hidden name shown: ' + name);

  // A narrow screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await graph.waitFor();
  await screenshot(page, 'link-view-narrow');
  await assertClean(page);
  await page.context().close();
});
