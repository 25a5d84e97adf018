#!/usr/bin/env node
/**
 * Replays every corpus screenshot moment through the console (`scale=1&chrome=0`, seeked with
 * `window.__witnessReplay.seek`) against the fake appliance and prints the % of pixels that differ from the shot
 * (a rough per-channel threshold, not pixelmatch: the appliance's e2e suite holds the real check).
 *   node dev/fake-appliance.mjs --dist <built> & node dev/compare-corpus.mjs [--base http://127.0.0.1:8099]
 */
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (n, d) => (process.argv.indexOf(`--${n}`) > 0 ? process.argv[process.argv.indexOf(`--${n}`) + 1] : d);
const BASE = arg('base', 'http://127.0.0.1:8099');
const CORPUS = arg('corpus', '/work/shared/corpus');
const index = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8'));
const idOf = (name) => createHash('sha256').update(`${name}/0`).digest('hex').slice(0, 32).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');

const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'witness-cmp-')), {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
await ctx.route('http://127.0.0.1:8765/**', (r) => r.abort());
const page = ctx.pages()[0];
await page.goto(`${BASE}/console/login.html`);
await page.fill('#username', 'tester');
await page.fill('#password', 'witness');
await page.click('button[type=submit]');
await page.waitForURL(/\/console\/index\.html/);

const diffPct = (a, b) => page.evaluate(async ([a, b]) => {
  const load = (src) => new Promise((res) => { const i = new Image(); i.onload = () => res(i); i.src = src; });
  const [ia, ib] = await Promise.all([load(a), load(b)]);
  const w = Math.min(ia.width, ib.width), h = Math.min(ia.height, ib.height);
  const px = (img) => { const c = new OffscreenCanvas(w, h); const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, w, h).data; };
  const da = px(ia), db = px(ib);
  let diff = 0;
  for (let i = 0; i < da.length; i += 4) {
    if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 60) diff++;
  }
  return (100 * diff) / (w * h);
}, [a, b]);

for (const s of index.sessions) {
  for (const shot of s.screenshots) {
    const { width, height } = shot.viewport;
    await page.setViewportSize({ width, height });
    const t0 = Date.now();
    await page.goto(`${BASE}/console/replay.html?id=${idOf(s.id)}&t=${Math.floor(shot.offsetMs / 1000)}&scale=1&chrome=0`);
    await page.waitForSelector('body[data-replay-ready=true]', { state: 'attached', timeout: 60000 });
    await page.evaluate((ms) => window.__witnessReplay.seek(ms), shot.offsetMs);
    const png = await page.screenshot({ clip: { x: 0, y: 0, width, height } });
    const ref = readFileSync(join(CORPUS, s.id, shot.file));
    const pct = await diffPct(`data:image/png;base64,${png.toString('base64')}`, `data:image/png;base64,${ref.toString('base64')}`);
    console.log(`${s.id.padEnd(32)} ${shot.file.padEnd(34)} ${pct.toFixed(2).padStart(6)} %  ready in ${Date.now() - t0} ms`);
  }
}
await ctx.close();
