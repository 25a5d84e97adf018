// Replay first-frame benchmark driver (used by `bin/bench replay`, see docs/benchmarks.md). Not shipped.
//
// Opens the console's replay page of one recording again and again in Debian's Chromium, driven through the
// DevTools protocol by playwright-core (a devDependency of the console; it downloads no browser), and prints one
// JSON line per measured load: navigation start to `__witnessReplay.firstFrameAt`, DOMContentLoaded, the first
// events request (Resource Timing) and the main-thread long tasks after it.
//
//   node bench/replay-first-frame.mjs <base-url> <recording-id> <user> <password> <warmup> <runs> <width>x<height>
//        [overlap]
//
// Each load starts once the page before it has loaded all its events (`__witnessReplay.complete`), as when a person
// opens one recording after watching another; with "overlap" it starts as soon as the page before it was ready, while
// the appliance may still be sending that page the rest of a long recording.
//
// The password comes from the environment variable WITNESS_BENCH_PASSWORD when <password> is "-".
import { chromium } from 'playwright-core';

const [base, id, user, passArg, warmupArg, runsArg, viewportArg, overlapArg] = process.argv.slice(2);
const overlap = overlapArg === 'overlap';
if (!base || !id || !user || !passArg) {
  console.error('usage: replay-first-frame.mjs <base-url> <recording-id> <user> <password|-> <warmup> <runs> <WxH>');
  process.exit(2);
}
const password = passArg === '-' ? process.env.WITNESS_BENCH_PASSWORD ?? '' : passArg;
const [width, height] = (viewportArg ?? '1280x800').split('x').map(Number);
const executablePath = process.env.WITNESS_CHROMIUM ?? '/usr/bin/chromium';

const LONG_TASKS = `window.__witnessLongTasks = [];
try { new PerformanceObserver(l => { for (const e of l.getEntries()) window.__witnessLongTasks.push([e.startTime, e.duration]); })
  .observe({ type: 'longtask', buffered: true }); } catch (e) {}`;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // As the e2e tests' Chromium (e2e/Chromium.java): colour profile, scale factor, no background work.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-extensions', '--hide-scrollbars',
    '--disable-dev-shm-usage', '--force-color-profile=srgb', '--lang=en-US'],
});
try {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  await context.addInitScript(LONG_TASKS);
  const page = await context.newPage();
  const signIn = await page.request.post(new URL('/api/v1/auth/login', base).toString(), { data: { username: user, password } });
  if (!signIn.ok()) throw new Error(`signing in as ${user} failed: ${signIn.status()}`);
  const url = new URL(`/console/replay.html?id=${encodeURIComponent(id)}`, base).toString();
  for (let i = 0; i < Number(warmupArg ?? 1) + Number(runsArg ?? 20); i++) {
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => window.__witnessReplay?.ready || window.__witnessReplay?.error, null, { timeout: 120_000 });
    const run = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const ev = performance.getEntriesByType('resource').find((r) => /\/events(\?|$)/.test(r.name));
      const first = window.__witnessReplay.firstFrameAt;
      const lt = (window.__witnessLongTasks || []).filter((t) => ev && t[0] + t[1] > ev.responseEnd && t[0] < first);
      return {
        error: window.__witnessReplay.error,
        first, dcl: nav.domContentLoadedEventEnd,
        evStart: ev ? ev.fetchStart : -1, evFirst: ev ? ev.responseStart : -1, evLast: ev ? ev.responseEnd : -1,
        evTransfer: ev ? ev.transferSize : -1, evDecoded: ev ? ev.decodedBodySize : -1,
        ltSum: lt.reduce((s, t) => s + t[1], 0),
        lt: lt.map((t) => `${Math.round(t[0])}+${Math.round(t[1])}`).join(' '),
      };
    });
    if (run.error) throw new Error(`the replay page failed: ${run.error}`);
    if (!overlap) await page.waitForFunction(() => window.__witnessReplay.complete, null, { timeout: 120_000 });
    console.log(JSON.stringify({ warmup: i < Number(warmupArg ?? 1), ...run }));
  }
} finally {
  await browser.close();
}
