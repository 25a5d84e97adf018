// bin/bench sdk: the Witness recorder against plain rrweb, OpenReplay, Sentry replay and PostHog in Chromium, on
// three corpus pages with one scripted interaction each (lib/scenarios.mjs), measured per SDK and page:
//   bundle   gzip -9 bytes of every SDK file the page loaded (bundle, lazy-loaded recorder; workers are inlined)
//   upload   request body bytes as received by the collector (compressed where the SDK compressed) per minute
//   main     main-thread CPU time per minute (trace, lib/trace.mjs) minus that of the page without SDK ("none")
//   privacy  whether typed input values or PII text (e-mail, card number) appear in any upload, decompressed
// Every (SDK, page) pair runs `runs` times in a fresh Chromium; results: median and range. Options (key=value):
//   runs=3 seconds=60 sdks=none,rrweb,openreplay,sentry,posthog,witness pages=todomvc,sb-admin,jqueryui-modal-form
//   chromium=/usr/bin/chromium out=target/results.json appliance=cold dump=<path prefix, optional>
// appliance=cold: the Witness collector starts every session knowing no stylesheet (the site's first visitor);
// appliance=warm: it keeps them across sessions, after one unmeasured Witness session per page (later visitors).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildAll, OUT as SDK_OUT, SDK_DIR } from './build.mjs';
import { Collector } from './lib/collector.mjs';
import { breakdown, decodedText, isCompressed, isReplay, rrwebEvents } from './lib/decode.mjs';
import { report } from './lib/report.mjs';
import { actions, JQUERY_UI_DEMOS, missingPrerequisite, SCENARIOS } from './lib/scenarios.mjs';
import { mainThreadBusy } from './lib/trace.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split(/=(.*)/s).slice(0, 2)));
const RUNS = Number(args.runs ?? 3);
const SECONDS = Number(args.seconds ?? 60);
const SDKS = (args.sdks ?? 'none,rrweb,openreplay,sentry,posthog,witness').split(',');
const PAGES = (args.pages ?? 'todomvc,sb-admin,jqueryui-modal-form').split(',');
const CHROMIUM = args.chromium ?? '/usr/bin/chromium';
const RESULTS = join(HERE, args.out ?? 'target/results.json');
const APPLIANCE = args.appliance ?? 'cold';
const BUSY_OTHER = '/tmp/bench-busy';
const BUSY_MINE = '/tmp/sdk-bench-busy';

const die = (msg) => { console.error(`bench sdk: ${msg}`); process.exit(1); };
for (const p of PAGES) if (!SCENARIOS[p]) die(`unknown page ${p} (known: ${Object.keys(SCENARIOS).join(', ')})`);
if (!['cold', 'warm'].includes(APPLIANCE)) die('appliance is cold or warm');
if (!SDKS.includes('none')) die('sdks must include none (the baseline for main-thread time)');
const missing = missingPrerequisite(PAGES, CHROMIUM);
if (missing) die(missing);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const modules = join(HERE, 'node_modules');

async function waitForOtherBenchmarks() {
  let said = false;
  while (existsSync(BUSY_OTHER)) {
    if (!said) console.log(`# waiting: ${BUSY_OTHER} exists (another benchmark runs); polling every 20 s`);
    said = true;
    await sleep(20_000);
  }
}

const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding', '--disable-ipc-flooding-protection', '--disable-blink-features=AutomationControlled',
  // third-party hosts some pages reference (gravatar, Google fonts, unsplash) fail at once instead of timing out
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

/** One session: a fresh Chromium, the page's scripted interaction with `sdk`, then leaving the page. */
async function session(collector, origin, sdk, pageName) {
  const scenario = SCENARIOS[pageName];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs,
    ignoreDefaultArgs: ['--enable-automation'] });
  try {
    const userAgent = (await browser.newBrowserCDPSession().then((s) => s.send('Browser.getVersion'))).userAgent.replace('HeadlessChrome', 'Chrome');
    const context = await browser.newContext({ viewport: scenario.viewport, userAgent });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => { if (e.message !== 'boom') errors.push(e.message); });
    collector.reset(sdk);
    await browser.startTracing(page, { categories: ['toplevel'] });
    const act = actions(page);
    const t0 = Date.now();
    await scenario.run(page, origin, act);
    const left = t0 + SECONDS * 1000 - Date.now();
    if (left > 0) await sleep(left);
    const t1 = Date.now();
    await page.goto('about:blank'); // pagehide: every SDK's last flush
    let last = -1;
    for (let i = 0; i < 20 && collector.uploads.length !== last; i++) { last = collector.uploads.length; await sleep(750); }
    const trace = await browser.stopTracing();
    await context.close();
    const busy = mainThreadBusy(trace);
    return { sdk, page: pageName, minutes: (t1 - t0) / 60_000, busyMs: busy.cpuMs, wallMs: busy.wallMs, uploads: collector.uploads,
      assets: [...collector.assets], failures: act.failures, errors };
  } finally {
    await browser.close();
  }
}

const gzBytes = new Map();
/** `gzip -9 -c file | wc -c`, as the SDK README measures its bundle (zlib level 9 when gzip is missing). */
function gzip9(file) {
  if (!gzBytes.has(file)) {
    let n;
    try {
      n = execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length;
    } catch {
      n = gzipSync(readFileSync(file), { level: 9 }).length;
    }
    gzBytes.set(file, n);
  }
  return gzBytes.get(file);
}

/** Figures of one session; throws when an SDK recorded nothing (a benchmark of a silent SDK would be wrong). */
function measure(s) {
  const scenario = SCENARIOS[s.page];
  const replay = s.uploads.filter((u) => isReplay(s.sdk, u));
  const texts = s.uploads.map((u) => decodedText(s.sdk, u));
  const replayTexts = s.uploads.map((u, i) => (isReplay(s.sdk, u) ? texts[i] : null)).filter((t) => t !== null);
  const events = replayTexts.flatMap((t) => rrwebEvents(s.sdk, t));
  // dump=<prefix>: the session's uploaded events, one array per request, for offline analysis
  if (args.dump) writeFileSync(`${args.dump}-${s.sdk}-${s.page}.json`, JSON.stringify(replayTexts.map((t) => rrwebEvents(s.sdk, t))));
  const all = texts.join('\n');
  const found = (probe) => all.includes(probe) || all.includes(probe.replace(/ /g, ''));
  const r = {
    sdk: s.sdk, page: s.page, minutes: s.minutes, busyMs: s.busyMs, wallMs: s.wallMs,
    bundleBytes: s.assets.reduce((n, f) => n + gzip9(f), 0), assets: s.assets.map((f) => f.replace(/.*node_modules\//, '').replace(SDK_OUT + '/', '')),
    uploadBytes: s.uploads.reduce((n, u) => n + u.bytes, 0), replayBytes: replay.reduce((n, u) => n + u.bytes, 0),
    requests: s.uploads.length, replayRequests: replay.length,
    gzipShare: replay.length ? replay.filter((u) => isCompressed(s.sdk, u)).length / replay.length : 0,
    plainReplayBytes: replay.filter((u) => !isCompressed(s.sdk, u)).reduce((n, u) => n + u.bytes, 0),
    decodedReplayBytes: replayTexts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    events: events.length, fullSnapshots: events.filter((e) => e.type === 2).length,
    leakedInput: scenario.probes.input.filter(found), leakedText: scenario.probes.text.filter(found),
    failures: s.failures, errors: s.errors,
    breakdown: ['witness', 'rrweb'].includes(s.sdk) ? breakdown(events) : undefined,
  };
  if (s.sdk !== 'none' && (r.replayRequests === 0 || r.replayBytes < 2000)) {
    const seen = s.uploads.map((u) => `${u.path}${u.query} ${u.bytes} B`).join('; ') || 'no upload at all';
    throw new Error(`${s.sdk} on ${s.page} uploaded no replay data (${r.replayRequests} replay requests, ${r.replayBytes} B): ${seen}`);
  }
  return r;
}

function machineLine(version) {
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model;
  return `machine: date ${new Date().toISOString()}; nproc ${execFileSync('nproc').toString().trim()}; cpu ${cpu}; `
    + `Chromium ${version}; node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** Which Witness SDK build ran: the gzip size, when dist/witness.js was built, and the commit of its source. */
function witnessBuild() {
  const git = (...a) => { try { return execFileSync('git', a, { cwd: SDK_DIR }).toString().trim(); } catch { return '?'; } };
  const dirty = git('status', '--porcelain', '--', 'src') ? ' + uncommitted changes in src/' : '';
  const dist = join(SDK_DIR, 'dist', 'witness.js');
  return `consent-gateway/sdk/dist/witness.js ${gzip9(dist)} B gzip -9, built ${statSync(dist).mtime.toISOString()}; `
    + `src at ${git('log', '-1', '--format=%h %cI', '--', 'src')}${dirty}`;
}

async function main() {
  await buildAll({ log: (m) => console.log(`# ${m}`) });
  const probe = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs });
  const version = probe.version();
  await probe.close();
  console.log(machineLine(version));
  console.log(`# witness: ${witnessBuild()}`);
  console.log(`# ${RUNS} runs x ${PAGES.length} pages x ${SDKS.length} SDKs, ${SECONDS} s per session; appliance ${APPLIANCE}; results: ${RESULTS}`);
  const collector = new Collector({
    warm: APPLIANCE === 'warm',
    roots: { '/todomvc/': join(modules, 'todomvc'), '/sb-admin-2/': join(modules, 'startbootstrap-sb-admin-2'), '/jquery-ui-demos/': JQUERY_UI_DEMOS },
    sdkDir: SDK_OUT, posthogDist: join(modules, 'posthog-js', 'dist'),
  });
  const origin = await collector.listen();
  const cleanup = () => { try { unlinkSync(BUSY_MINE); } catch { /* already gone */ } };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });
  const results = [];
  mkdirSync(dirname(RESULTS), { recursive: true });
  try {
    if (APPLIANCE === 'warm' && SDKS.includes('witness')) {
      for (const pageName of PAGES) {
        await waitForOtherBenchmarks();
        await session(collector, origin, 'witness', pageName); // an earlier visitor: the appliance learns the stylesheets
        console.log(`warm-up ${pageName}: the collector holds ${collector.stylesheets.size} stylesheets`);
      }
    }
    for (let run = 1; run <= RUNS; run++) {
      for (const pageName of PAGES) {
        // the SDK order rotates with the run, so that a drift of the machine does not always hit the same SDK
        const order = SDKS.map((_, i) => SDKS[(i + run - 1) % SDKS.length]);
        for (const sdk of order) {
          await waitForOtherBenchmarks();
          writeFileSync(BUSY_MINE, `${process.pid}\n`);
          const r = measure(await session(collector, origin, sdk, pageName));
          results.push({ run, ...r });
          writeFileSync(RESULTS, JSON.stringify({ machine: machineLine(version), witness: witnessBuild(), appliance: APPLIANCE, seconds: SECONDS, runs: RUNS, results }, null, 1));
          console.log(`run ${run} ${pageName.padEnd(19)} ${sdk.padEnd(10)} ${r.minutes.toFixed(2)} min, main ${r.busyMs.toFixed(0)} ms CPU (${r.wallMs.toFixed(0)} wall), `
            + `upload ${r.uploadBytes} B (replay ${r.replayBytes} B in ${r.replayRequests} req, ${(r.gzipShare * 100).toFixed(0)} % of them compressed, ${r.plainReplayBytes} B sent uncompressed), `
            + `${r.events} events, leaks input [${r.leakedInput}] text [${r.leakedText}]`
            + (r.failures.length ? `; FAILED ACTIONS: ${r.failures.join(' | ')}` : '') + ` [load ${loadavg()[0].toFixed(2)}]`);
        }
      }
    }
  } finally {
    cleanup();
    await collector.close();
  }
  report({ results, sdks: SDKS, pages: PAGES, seconds: SECONDS, runs: RUNS });
}

main().catch((e) => { console.error(`bench sdk: ${e.stack ?? e}`); process.exit(1); });
