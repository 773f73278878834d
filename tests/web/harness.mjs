// Browser tests: a real `custodia demo` server on a free loopback port with
// its own temporary data directory, driven through Debian's Chromium by
// playwright-core (../shared/docs/browser-testing.md). Every page a test
// opens is watched: a script error, a failed request to our own origin or a
// string missing from web/src/strings.js fails the test.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

export const BIN = process.env.CU_BIN || resolve(here, '../../build/custodia');
export const ARTIFACTS = process.env.CU_ARTIFACTS || resolve(here, '../artifacts/web');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `custodia demo` (the demo scenario, password "demo" for every user).
export async function startServer(opts = {}) {
  const data = await mkdtemp(join(tmpdir(), 'custodia-web-'));
  const ready = join(data, 'ready');
  const args = ['demo', '--data', join(data, 'd'), '--listen', '127.0.0.1:0',
    '--ready-file', ready, '--workers', String(opts.workers ?? 0)];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  let exited = null;
  proc.on('exit', (code) => { exited = code; });
  for (let i = 0; i < 600 && !existsSync(ready); i++) {
    if (exited !== null) throw new Error('custodia demo exited ' + exited + ':\n' + log);
    await sleep(50);
  }
  const url = (await readFile(ready, 'utf8')).trim().replace(/\/$/, '');
  return {
    url, data: join(data, 'd'), proc, log: () => log,
    async stop() {
      if (exited === null) {
        proc.kill('SIGTERM');
        for (let i = 0; i < 200 && exited === null; i++) await sleep(25);
        if (exited === null) proc.kill('SIGKILL');
      }
      await rm(data, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium, headless, kept off the network. playwright-core gives
// each launch a fresh empty profile (--user-data-dir) and removes it after.
export async function startBrowser() {
  return chromium.launch({
    executablePath: process.env.CU_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh browser context (its own cookies) with a page that is watched for
// errors; viewport 1280x800 unless given.
export async function newPage(browser, server, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 800 },
    baseURL: server.url, acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('script error: ' + e.message));
  page.on('console', (m) => {
    // Failed loads are reported below with their address.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
      page.problems.push('console: ' + m.text());
  });
  page.on('response', (r) => {
    // Asking who is logged in before the login page is the one expected refusal.
    if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/api/v1/me')))
      page.problems.push('HTTP ' + r.status() + ' ' + r.request().method() + ' ' + r.url());
  });
  page.on('requestfailed', (r) => {
    const f = r.failure() ? r.failure().errorText : '';
    // A page left while a request or stream was running is not a fault.
    if (r.url().startsWith(server.url) && !/ERR_ABORTED/.test(f))
      page.problems.push('request failed: ' + r.url() + ' ' + f);
  });
  page.on('request', (r) => {
    // Network requests only: the browser's own PDF viewer loads chrome:// resources.
    if (/^(https?|wss?|ftp):/i.test(r.url()) && !r.url().startsWith(server.url))
      page.problems.push('request outside the server: ' + r.url());
  });
  page.context = () => context;
  return page;
}

// Logs in through the login form, as a person would.
export async function login(page, user, password = 'demo') {
  await page.goto('/');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

// Fails on anything a watched page reported, and on strings missing from strings.js.
export async function assertClean(page, allow = []) {
  const missing = await page.evaluate(() => globalThis.__custodiaMissingStrings || []);
  assert.deepEqual(missing, [], 'strings missing from web/src/strings.js');
  const problems = page.problems.filter((p) => !allow.some((re) => re.test(p)));
  assert.deepEqual(problems, [], 'problems on the page');
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name + '.png'), fullPage: true });
}

// An API call with the page's session cookie (for checks behind the pages).
export async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch('/api/v1/' + p, { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, path);
}

// axe-core (WCAG 2.1 A and AA: names, labels, contrast, structure) over the
// page as it stands; fails on serious or critical findings. With fits, also
// fails when the page scrolls sideways (tables and maps scroll in their box).
let axeSource = null;
export async function assertAccessible(page, name, { fits = false } = {}) {
  axeSource ||= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(axeSource);
  const res = await page.evaluate(() => globalThis.axe.run(document,
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; '));
  assert.deepEqual(bad, [], 'accessibility violations on ' + name);
  if (fits) {
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 1, name + ' scrolls sideways by ' + over + ' px');
  }
}

export { assert };
