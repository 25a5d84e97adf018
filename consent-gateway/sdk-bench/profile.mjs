// Where an SDK's main-thread time goes, measured by V8's sampling profiler instead of whole-renderer CPU time
// (bin/bench sdk-profile). Each session runs a page's scripted interaction (lib/scenarios.mjs) with V8's CPU
// profiler on in a Chromium trace (every document of the session) and counts the time of the samples that have a frame of the SDK's own script on
// their stack: its callbacks (mutation observer, event listeners, timers), what they call (DOM reads,
// JSON.stringify, regexes) and the page's calls to functions the SDK patched. Not counted: garbage collection (no
// stack), work of the engine outside JavaScript the SDK causes (e.g. a style recalculation it forces later) and
// work in microtasks without an SDK frame (e.g. a CompressionStream's zlib, which runs on the main thread in
// Chromium). Unlike the trace's CPU time of all tasks (run.mjs), whose run-to-run spread on the same page is
// ≈ 700 ms/min, this isolates the SDK's share to a few ms. Each figure comes twice: as sampled (wall time) and as
// CPU time (each sample weighted by its top-level task's thread time over wall time, `cpuShares`).
//   node profile.mjs sdks=rrweb,witness pages=todomvc,sb-admin,jqueryui-modal-form runs=3 [top=15]
// A change to the Witness SDK is measured against an earlier build in the same run, alternating, since this
// machine's speed varies by half hour: baseline=<path of that build's witness.js> sdks=rrweb,witness-baseline,witness
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildAll, OUT as SDK_OUT } from './build.mjs';
import { Collector } from './lib/collector.mjs';
import { actions, JQUERY_UI_DEMOS, missingPrerequisite, SCENARIOS } from './lib/scenarios.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split(/=(.*)/s).slice(0, 2)));
const SDKS = (args.sdks ?? args.sdk ?? 'rrweb,witness').split(',');
const PAGES = (args.pages ?? args.page ?? 'todomvc,sb-admin,jqueryui-modal-form').split(',');
const RUNS = Number(args.runs ?? 3);
const TOP = Number(args.top ?? 0);
const CHROMIUM = args.chromium ?? '/usr/bin/chromium';
const die = (msg) => { console.error(`bench sdk-profile: ${msg}`); process.exit(1); };
for (const p of PAGES) if (!SCENARIOS[p]) die(`unknown page ${p} (known: ${Object.keys(SCENARIOS).join(', ')})`);
if (!(RUNS >= 1)) die('runs must be 1 or more');
const missing = missingPrerequisite(PAGES, CHROMIUM);
if (missing) die(missing);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Whether a script URL is the SDK's own code (its bundle; PostHog's recorder is lazy-loaded from its host). */
const isSdkScript = (sdk, url) => url.includes(`/bench-sdk/${sdk}.js`) || (sdk === 'posthog' && url.includes('/ph/static/'));

/**
 * Adds the SDK time of a Chromium trace's CPU profiles (category `disabled-by-default-v8.cpu_profiler`: a
 * `Profile` event per profiled thread, then `ProfileChunk` events with new nodes, samples and time deltas) of the
 * renderer main threads to `into`, with per-function time of the SDK frames. A trace covers every document of the
 * session, across navigations, where CDP's Profiler domain loses the one a navigation leaves.
 */
function attribute(traceBuffer, sdk, into) {
  const { traceEvents = [] } = JSON.parse(traceBuffer.toString('utf8'));
  const mainThreads = new Set(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  // The chunks come from the profiler's own thread; the `Profile` event that opens a profile, from the thread profiled.
  const opening = new Map(traceEvents.filter((e) => e.name === 'Profile' && mainThreads.has(`${e.pid}:${e.tid}`))
    .map((e) => [`${e.pid}:${e.id}`, e]));
  const cpuShare = cpuShares(traceEvents, mainThreads);
  const profiles = new Map(); // pid:id -> {nodes: Map(id -> {frame, parent}), under: Map(id -> boolean), ts, share}
  for (const e of traceEvents) {
    const open = e.name === 'ProfileChunk' && opening.get(`${e.pid}:${e.id}`);
    if (!open) continue;
    const key = `${e.pid}:${e.id}`;
    const p = profiles.get(key) ?? { nodes: new Map(), under: new Map(), ts: open.args?.data?.startTime ?? 0,
      share: cpuShare.get(`${open.pid}:${open.tid}`) ?? (() => 1) };
    profiles.set(key, p);
    const { cpuProfile = {}, timeDeltas = [] } = e.args?.data ?? {};
    for (const n of cpuProfile.nodes ?? []) p.nodes.set(n.id, { frame: n.callFrame ?? {}, parent: n.parent });
    const samples = cpuProfile.samples ?? [];
    const isUnder = (id) => {
      if (p.under.has(id)) return p.under.get(id);
      const n = p.nodes.get(id);
      const v = !!n && (isSdkScript(sdk, n.frame.url ?? '') || (n.parent !== undefined && isUnder(n.parent)));
      p.under.set(id, v);
      return v;
    };
    const sdkCaller = (q, id) => { // the nearest SDK frame above a native or page frame, to tell its callers apart
      for (let n = q.nodes.get(id); n; n = q.nodes.get(n.parent)) {
        if (isSdkScript(sdk, n.frame.url ?? '')) return `${n.frame.functionName || '(anon)'} ${n.frame.lineNumber}:${n.frame.columnNumber}`;
      }
      return '?';
    };
    for (let i = 0; i < samples.length; i++) {
      const ms = (timeDeltas[i] ?? 0) / 1000;
      p.ts += timeDeltas[i] ?? 0;
      into.totalMs += ms;
      if (!isUnder(samples[i])) continue;
      const cpuMs = ms * p.share(p.ts);
      into.sdkMs += ms;
      into.sdkCpuMs += cpuMs;
      const f = p.nodes.get(samples[i]).frame;
      const name = f.functionName || '(anon)';
      const k = isSdkScript(sdk, f.url ?? '') ? `${name} ${f.lineNumber}:${f.columnNumber}`
        : `(native or page, called by the SDK) ${name} <- ${sdkCaller(p, samples[i])}`;
      into.functions.set(k, (into.functions.get(k) ?? 0) + cpuMs);
    }
  }
}

/**
 * Per renderer main thread, a function from a time to the CPU share of the top-level task running then (its
 * thread time over its wall time, `tdur / dur` of the `toplevel` category; 1 outside tasks). A sample's time delta
 * is wall time: while another process has the core, the sample that follows the wait gets all of it. Weighting
 * each sample by its task's share counts the SDK's CPU time instead, which the machine's other work does not
 * inflate.
 */
function cpuShares(traceEvents, mainThreads) {
  const byThread = new Map();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || typeof e.dur !== 'number' || e.dur <= 0 || typeof e.tdur !== 'number') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mainThreads.has(key) || !String(e.cat).split(',').includes('toplevel')) continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const shares = new Map();
  for (const [key, events] of byThread) {
    events.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const tasks = []; // outermost tasks only
    for (const e of events) if (tasks.length === 0 || e.ts >= tasks.at(-1).ts + tasks.at(-1).dur) tasks.push(e);
    shares.set(key, (ts) => {
      let lo = 0;
      let hi = tasks.length - 1;
      while (lo < hi) { // the last task starting at or before ts
        const mid = (lo + hi + 1) >> 1;
        if (tasks[mid].ts <= ts) lo = mid; else hi = mid - 1;
      }
      const t = tasks[lo];
      return t && t.ts <= ts && ts <= t.ts + t.dur ? Math.min(1, t.tdur / t.dur) : 1;
    });
  }
  return shares;
}

async function session(collector, origin, sdk, pageName) {
  const scenario = SCENARIOS[pageName];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ viewport: scenario.viewport });
    const page = await context.newPage();
    collector.reset(sdk);
    await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', 'toplevel'] });
    const t0 = Date.now();
    await scenario.run(page, origin, actions(page));
    const minutes = (Date.now() - t0) / 60_000;
    await page.goto('about:blank'); // pagehide: the SDK's last flush is counted too
    await new Promise((r) => setTimeout(r, 1000));
    const into = { sdkMs: 0, sdkCpuMs: 0, totalMs: 0, functions: new Map() };
    attribute(await browser.stopTracing(), sdk, into);
    return { ...into, minutes };
  } finally {
    await browser.close();
  }
}

await buildAll({ log: () => {}, baseline: args.baseline });
const modules = join(HERE, 'node_modules');
const collector = new Collector({
  roots: { '/todomvc/': join(modules, 'todomvc'), '/sb-admin-2/': join(modules, 'startbootstrap-sb-admin-2'),
    '/jquery-ui-demos/': JQUERY_UI_DEMOS },
  sdkDir: SDK_OUT, posthogDist: join(modules, 'posthog-js', 'dist'),
});
const origin = await collector.listen();
console.log(`# ${new Date().toISOString()}, ${RUNS} runs; SDK time = samples with an SDK frame on the stack (V8 CPU profiler in the trace)`);
const results = [];
for (let run = 1; run <= RUNS; run++) {
  for (const pageName of PAGES) {
    for (const sdk of SDKS) {
      const r = await session(collector, origin, sdk, pageName);
      if (r.sdkMs === 0) die(`run ${run}, ${pageName}: no sample had a frame of the ${sdk} script on its stack (did the page load it?)`);
      results.push({ run, sdk, page: pageName, ...r });
      console.log(`run ${run} ${pageName.padEnd(19)} ${sdk.padEnd(10)} ${r.minutes.toFixed(2)} min: SDK ${(r.sdkMs / r.minutes).toFixed(1)} ms/min `
        + `(CPU ${(r.sdkCpuMs / r.minutes).toFixed(1)}) of ${(r.totalMs / r.minutes).toFixed(0)} ms/min sampled (idle included)`);
    }
  }
}
/** A table of one figure per session (ms/min), per page and over all pages, median [min–max] over runs. */
function table(title, field) {
  console.log(`\n${title}`);
  console.log(`| SDK | ${PAGES.join(' | ')} | all pages |`);
  console.log(`| --- | ${PAGES.map(() => '---').join(' | ')} | --- |`);
  for (const sdk of SDKS) {
    const cell = (xs) => `${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
    const per = PAGES.map((p) => cell(results.filter((r) => r.sdk === sdk && r.page === p).map((r) => r[field] / r.minutes)));
    const all = Array.from({ length: RUNS }, (_, i) => {
      const rs = results.filter((r) => r.sdk === sdk && r.run === i + 1);
      return rs.reduce((n, r) => n + r[field], 0) / rs.reduce((n, r) => n + r.minutes, 0);
    });
    console.log(`| ${sdk} | ${per.join(' | ')} | ${cell(all)} |`);
  }
}
table('SDK main-thread time per minute (ms/min, median [min–max] over runs)', 'sdkMs');
table('SDK main-thread CPU time per minute (each sample weighted by its task\'s thread time / wall time)', 'sdkCpuMs');
if (TOP > 0) {
  for (const sdk of SDKS) {
    const code = readFileSync(join(SDK_OUT, `${sdk}.js`), 'utf8').split('\n');
    const total = new Map();
    for (const r of results.filter((x) => x.sdk === sdk)) for (const [k, ms] of r.functions) total.set(k, (total.get(k) ?? 0) + ms);
    const minutes = results.filter((x) => x.sdk === sdk).reduce((n, r) => n + r.minutes, 0);
    console.log(`\n${sdk}: heaviest functions (self CPU ms/min, all pages and runs)`);
    for (const [k, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      const m = /(\d+):(\d+)$/.exec(k);
      const src = m ? (code[Number(m[1])] ?? '').slice(Number(m[2]), Number(m[2]) + 80) : '';
      console.log(`  ${(ms / minutes).toFixed(2).padStart(7)}  ${k}  ${src}`);
    }
  }
}
await collector.close();
