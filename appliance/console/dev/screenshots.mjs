#!/usr/bin/env node
/**
 * Screenshots of the console pages against a running (fake or real) appliance, with the Debian Chromium.
 *   node dev/screenshots.mjs [--base http://127.0.0.1:8099] [--out dev/out] [--user alice.m --password witness]
 */
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const BASE = arg('base', 'http://127.0.0.1:8099');
const OUT = arg('out', new URL('./out/', import.meta.url).pathname);
const only = arg('only', '');
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'witness-shots-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
await browser.route('http://127.0.0.1:8765/**', (r) => r.abort());
const page = browser.pages()[0] ?? (await browser.newPage());
page.on('console', (m) => m.type() === 'error' && !m.text().includes('8765') && console.log('console:', m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const want = (n) => !only || only.split(',').includes(n);

await page.goto(`${BASE}/console/login.html?next=%2Fconsole%2F`);
await page.waitForSelector('input[type=password]');
if (want('login')) await page.screenshot({ path: join(OUT, 'login.png') });
await page.fill('#username', arg('user', 'alice.m'));
await page.fill('#password', 'wrong');
await page.click('form button[type=submit]');
await page.waitForSelector('.alert:not([hidden])');
if (want('login')) await page.screenshot({ path: join(OUT, 'login-error.png') });
await page.fill('#password', arg('password', 'witness'));
await page.click('form button[type=submit]');
await page.waitForURL(/\/console\/index\.html/);
await page.waitForSelector('tr.row-link');
if (want('list')) await page.screenshot({ path: join(OUT, 'list.png') });

if (want('list')) {
  await page.goto(`${BASE}/console/index.html?url=nothing-like-this`);
  await page.waitForSelector('.state-empty');
  await page.screenshot({ path: join(OUT, 'list-empty.png') });
}

const id = arg('id', '');
await page.goto(`${BASE}/console/`);
await page.waitForSelector('tr.row-link');
const rowId = id || (await page.$$eval('tr.row-link', (rows, m) => rows.find((r) => r.textContent.includes(m))?.dataset.id ?? rows[0].dataset.id, arg('match', 'todomvc/')));
await page.goto(`${BASE}/console/replay.html?id=${rowId}&t=${arg('t', '37')}`);
await page.waitForSelector('body[data-replay-ready=true]', { state: 'attached', timeout: 60000 });
console.log('replay', await page.evaluate(() => ({ ...window.__witnessReplay, t: window.__witnessReplay.currentTime() })));
if (want('replay')) await page.screenshot({ path: join(OUT, 'replay.png') });
await page.hover('.marker-error');
if (want('replay')) await page.screenshot({ path: join(OUT, 'replay-tooltip.png') });

await page.setViewportSize({ width: 1366, height: 768 });
await page.goto(`${BASE}/console/replay.html?id=${rowId}&t=5&scale=1&chrome=0`);
await page.waitForSelector('body[data-replay-ready=true]', { state: 'attached', timeout: 60000 });
console.log('frame rect', await page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().toJSON()));
if (want('replay')) await page.screenshot({ path: join(OUT, 'replay-chrome0.png') });

await page.goto(`${BASE}/console/replay.html?id=does-not-exist`);
await page.waitForSelector('body[data-replay-error]');
if (want('replay')) await page.screenshot({ path: join(OUT, 'replay-404.png') });
await browser.close();
