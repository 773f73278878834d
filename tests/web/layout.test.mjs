// Layout at the sizes the application is made for (1280x800 down to a
// 390 px phone), measured from the element boxes the browser lays out, not
// from screenshots: nothing a person needs to read is cut off by its card or
// drawn too small to read.
import { test, before, after } from 'node:test';
import { startServer, startBrowser, newPage, login, assertClean, screenshot, assert } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// For every card on the page: a table box that scrolls sideways, or an
// element whose box reaches beyond the card's inner edge (what the card's
// overflow cuts off), by name.
async function clipped(page) {
  return page.evaluate(() => {
    const out = [];
    for (const card of document.querySelectorAll('main .card')) {
      const name = card.querySelector('h2')?.textContent || '?';
      const cr = card.getBoundingClientRect();
      const cs = getComputedStyle(card);
      const right = cr.right - parseFloat(cs.borderRightWidth) - parseFloat(cs.paddingRight) + 0.5;
      for (const w of card.querySelectorAll('.table-wrap'))
        if (w.scrollWidth > w.clientWidth + 1) out.push(`${name}: its table scrolls by ${w.scrollWidth - w.clientWidth} px`);
      for (const el of card.querySelectorAll('.badge, a, td, th')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > right) out.push(`${name}: "${el.textContent.trim().slice(0, 40)}" ends ${Math.round(r.right - right)} px beyond the card`);
      }
    }
    return out;
  });
}

test('the dashboard cards show their deadline badges whole at 1280 px and narrower', async () => {
  const page = await newPage(browser, server, { viewport: { width: 1280, height: 800 } });
  await login(page, 'se');
  const deadlines = page.getByRole('region', { name: 'Requests due or overdue' });
  await deadlines.getByRole('link', { name: /Extradition of the suspect/ }).waitFor();
  await page.getByRole('region', { name: "Today's action days" }).getByRole('link').first().waitFor();
  const badge = deadlines.locator('.badge').first();
  await badge.waitFor();
  assert.match(await badge.innerText(), /due in|overdue|open/);
  for (const width of [1280, 1024, 800, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForFunction(() => document.documentElement.clientWidth === innerWidth);
    assert.deepEqual(await clipped(page), [], `cut off at ${width} px`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(over <= 1, `the dashboard scrolls sideways by ${over} px at ${width} px`);
    // The badge is seen whole: its box lies inside the card and nothing hides it.
    await badge.scrollIntoViewIfNeeded();
    const seen = await badge.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const card = b.closest('.card').getBoundingClientRect();
      const x = r.left + r.width - 2, y = r.top + r.height / 2;
      return r.left >= card.left && r.right <= card.right && b.contains(document.elementFromPoint(x, y));
    });
    assert.ok(seen, `the deadline badge is hidden in part at ${width} px`);
    if (width === 1280) await screenshot(page, 'layout-dashboard-1280');
  }
  await assertClean(page);
  await page.context().close();
});

// The captions of the graph: their rendered size (the SVG is scaled to its
// box) and whether they lie inside the drawing.
async function captions(page) {
  return page.locator('svg.link-graph').evaluate((svg) => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('.node text, .edge text:not(.halo)')].map((el) => {
      const r = el.getBoundingClientRect();
      // The font size as drawn: the CSS size times the drawing's scale.
      const scale = svg.getScreenCTM().a;
      return { text: el.textContent, px: parseFloat(getComputedStyle(el).fontSize) * scale,
        inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 };
    });
  });
}

test('the link view is readable on a 390 px phone, and after turning a wide window narrow', async () => {
  const page = await newPage(browser, server, { viewport: { width: 390, height: 844 } });
  await login(page, 'se');
  for (const ref of ['2024/0001', '2026/0001']) {
    await page.goto('/#/links?case=' + encodeURIComponent(ref));
    await page.getByRole('heading', { name: 'Graph of case ' + ref }).waitFor();
    await page.locator('svg.link-graph .node').first().waitFor();
    const cs = await captions(page);
    assert.ok(cs.length >= 2);
    for (const c of cs) {
      assert.ok(c.px >= 11, `"${c.text}" of ${ref} is drawn at ${c.px.toFixed(1)} px at 390 px`);
      assert.ok(c.inside, `"${c.text}" of ${ref} is cut off by the drawing`);
    }
    const over = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(over <= 1, `the link view scrolls sideways by ${over} px`);
    // The legend, the details and the tables' labels are not squeezed either.
    const narrow = await page.evaluate(() => [...document.querySelectorAll('.links .legend li, .links td')]
      .filter((el) => el.getBoundingClientRect().width < 120 && el.textContent.trim().length > 12)
      .map((el) => el.textContent.trim()));
    assert.deepEqual(narrow, [], 'squeezed labels');
    await screenshot(page, 'layout-links-390-' + ref.replace('/', '-'));
  }
  // Wide, then narrow: the graph follows its box.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/#/links?case=2026%2F0001');
  await page.locator('svg.link-graph .node').first().waitFor();
  for (const c of await captions(page)) assert.ok(c.px >= 11 && c.inside, `"${c.text}" at 1280 px`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => {
    const svg = document.querySelector('svg.link-graph');
    return svg && svg.getScreenCTM().a >= 0.85;
  });
  for (const c of await captions(page)) assert.ok(c.px >= 11 && c.inside, `"${c.text}" after the resize`);
  await assertClean(page);
  await page.context().close();
});
