// Main-thread busy time from a Chromium trace ("toplevel" category): the outermost top-level tasks
// (ThreadControllerImpl::RunTask, ...) on every renderer main thread (CrRendererMain) of the browser.
//   cpuMs   their thread CPU time (the trace's `tdur`): what the SDK costs the visitor's core, and unlike wall time
//           not inflated when another process takes the core (the machine is shared with other benchmarks)
//   wallMs  their wall-clock duration (`dur`, union of intervals), what a long-task observer would see
// Worker threads (a compression worker, OpenReplay's encoder worker) are other threads and are not counted: work
// moved off the main thread is work the page's responsiveness does not pay for.
export function mainThreadBusy(traceBuffer) {
  const { traceEvents = [] } = JSON.parse(traceBuffer.toString('utf8'));
  const mainThreads = new Set();
  for (const e of traceEvents) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mainThreads.add(`${e.pid}:${e.tid}`);
  }
  const byThread = new Map();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || typeof e.dur !== 'number' || !String(e.cat).split(',').includes('toplevel')) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mainThreads.has(key)) continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  let wallUs = 0;
  let cpuUs = 0;
  let tasks = 0;
  for (const events of byThread.values()) {
    events.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    let end = -Infinity;
    for (const e of events) {
      if (e.ts >= end) { // outermost: not nested in the task before it
        tasks++;
        wallUs += e.dur;
        cpuUs += typeof e.tdur === 'number' ? e.tdur : e.dur;
        end = e.ts + e.dur;
      } else if (e.ts + e.dur > end) { // overlapping without nesting (should not happen): count the extra wall time
        wallUs += e.ts + e.dur - end;
        end = e.ts + e.dur;
      }
    }
  }
  return { cpuMs: cpuUs / 1000, wallMs: wallUs / 1000, tasks };
}
