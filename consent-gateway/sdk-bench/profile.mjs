// Where an SDK's main-thread time goes: one session of a page's scripted interaction with the V8 sampling profiler
// on, then self time per script and the heaviest functions of the SDK's bundle (bin/bench sdk-profile).
//   node profile.mjs sdk=witness page=sb-admin [top=25]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildAll, OUT as SDK_OUT } from './build.mjs';
import { Collector } from './lib/collector.mjs';
import { actions, SCENARIOS } from './lib/scenarios.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split(/=(.*)/s).slice(0, 2)));
const SDK = args.sdk ?? 'witness';
const PAGE = args.page ?? 'sb-admin';
const TOP = Number(args.top ?? 25);
await buildAll({ log: () => {} });
const modules = join(HERE, 'node_modules');
const collector = new Collector({
  roots: { '/todomvc/': join(modules, 'todomvc'), '/sb-admin-2/': join(modules, 'startbootstrap-sb-admin-2'),
    '/jquery-ui-demos/': '/usr/share/doc/libjs-jquery-ui-docs/examples' },
  sdkDir: SDK_OUT, posthogDist: join(modules, 'posthog-js', 'dist'),
});
const origin = await collector.listen();
const scenario = SCENARIOS[PAGE];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: scenario.viewport });
const page = await context.newPage();
collector.reset(SDK);
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
const self = new Map(); // "url fn line:col" -> ms
const byUrl = new Map();
async function collect() {
  const { profile } = await cdp.send('Profiler.stop');
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i] / 1000);
  for (const n of profile.nodes) {
    const ms = dt.get(n.id) ?? 0;
    if (!ms) continue;
    const f = n.callFrame;
    const url = f.url.replace(origin, '') || `(${f.functionName || 'program'})`;
    byUrl.set(url, (byUrl.get(url) ?? 0) + ms);
    const key = `${url} ${f.functionName || '(anon)'} ${f.lineNumber}:${f.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
}
// The profiler is per document: restart it after every navigation of the scenario.
let docs = 1;
page.on('framenavigated', async (frame) => {
  if (frame !== page.mainFrame()) return;
  docs++;
  try { await collect(); } catch { /* nothing running */ }
  try { await cdp.send('Profiler.start'); } catch { /* closed */ }
});
await cdp.send('Profiler.start');
const t0 = Date.now();
await scenario.run(page, origin, actions(page));
await collect();
console.log(`${SDK} on ${PAGE}: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${docs} documents`);
console.log('self time by script (ms):');
for (const [u, ms] of [...byUrl].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${ms.toFixed(0).padStart(6)}  ${u}`);
console.log(`heaviest functions in /bench-sdk/${SDK}.js (self ms):`);
const code = readFileSync(join(SDK_OUT, `${SDK}.js`), 'utf8').split('\n');
for (const [k, ms] of [...self].filter(([k]) => k.startsWith(`/bench-sdk/${SDK}.js`)).sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  const [line, col] = k.split(' ').at(-1).split(':').map(Number);
  console.log(`  ${ms.toFixed(1).padStart(7)}  ${k.slice(k.indexOf(' ') + 1)}  ${(code[line] ?? '').slice(col, col + 90)}`);
}
await browser.close();
await collector.close();
