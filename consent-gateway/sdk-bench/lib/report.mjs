// Prints the tables (median [min–max] over runs, per SDK and page) and the RESULT lines against issue 6's targets.
// KB = 1,000 bytes. Added main-thread time = the SDK's main-thread CPU ms per minute minus the median of the page
// without SDK (wall-clock task time printed beside it).

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 1) => x.toFixed(d);
const range = (xs, d = 1) => `${fmt(median(xs), d)} [${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}]`;

export function report({ results, sdks, pages, runs }) {
  const of = (sdk, page) => results.filter((r) => r.sdk === sdk && (page === undefined || r.page === page));
  const noneMain = Object.fromEntries(pages.map((p) => [p, median(of('none', p).map((r) => r.busyMs / r.minutes))]));
  const noneWall = Object.fromEntries(pages.map((p) => [p, median(of('none', p).map((r) => r.wallMs / r.minutes))]));
  const perRun = (sdk, f) => Array.from({ length: runs }, (_, i) => {
    const rs = of(sdk).filter((r) => r.run === i + 1);
    return rs.length ? f(rs) : undefined;
  }).filter((x) => x !== undefined);
  const minutes = (rs) => rs.reduce((n, r) => n + r.minutes, 0);
  const figures = {};
  for (const sdk of sdks) {
    const f = (figures[sdk] = { pages: {} });
    for (const page of pages) {
      const rs = of(sdk, page);
      f.pages[page] = {
        bundle: rs.map((r) => r.bundleBytes / 1000),
        upload: rs.map((r) => r.uploadBytes / 1000 / r.minutes),
        replay: rs.map((r) => r.replayBytes / 1000 / r.minutes),
        decoded: rs.map((r) => r.decodedReplayBytes / 1000 / r.minutes),
        main: rs.map((r) => r.busyMs / r.minutes - noneMain[page]),
        wall: rs.map((r) => r.wallMs / r.minutes - noneWall[page]),
        leaks: [...new Set(rs.flatMap((r) => [...r.leakedInput.map((p) => `input "${p}"`), ...r.leakedText.map((p) => `text "${p}"`)]))],
      };
    }
    // all three pages as one session: bytes and added main-thread time over the summed minutes, per run
    f.upload = perRun(sdk, (rs) => rs.reduce((n, r) => n + r.uploadBytes, 0) / 1000 / minutes(rs));
    f.main = perRun(sdk, (rs) => (rs.reduce((n, r) => n + r.busyMs - noneMain[r.page] * r.minutes, 0)) / minutes(rs));
    f.bundle = of(sdk).map((r) => r.bundleBytes / 1000);
    f.leaks = [...new Set(pages.flatMap((p) => f.pages[p].leaks))];
  }

  const line = (cells) => `| ${cells.join(' | ')} |`;
  const table = (title, key, d = 1, skipNone = true) => {
    console.log(`\n${title}`);
    console.log(line(['SDK', ...pages, 'all pages']));
    console.log(line(['---', ...pages.map(() => '---'), '---']));
    for (const sdk of sdks) {
      if (skipNone && sdk === 'none') continue;
      const all = key === 'upload' || key === 'main' ? range(figures[sdk][key], d) : '';
      console.log(line([sdk, ...pages.map((p) => range(figures[sdk].pages[p][key], d)), all]));
    }
  };
  console.log('\n# median [min–max] over runs; KB = 1,000 bytes');
  console.log(`\nBundle, gzip -9 of the SDK files each page loaded (KB): ${sdks.filter((s) => s !== 'none').map((s) => `${s} ${fmt(median(figures[s].bundle))}`).join(', ')}`);
  table('Upload per recorded minute, all requests, bytes as sent (KB/min)', 'upload');
  table('Replay requests only, bytes as sent (KB/min)', 'replay');
  table('Replay requests only, decompressed (KB/min)', 'decoded');
  console.log(`\nMain thread without SDK, CPU (wall) ms/min: ${pages.map((p) => `${p} ${fmt(noneMain[p], 0)} (${fmt(noneWall[p], 0)})`).join(', ')}`);
  table('Added main-thread CPU time per minute vs the page without SDK (ms/min)', 'main', 0);
  table('Added main-thread wall time of tasks per minute (ms/min; inflated when the core is shared)', 'wall', 0);
  console.log('\nPrivacy: typed input values / PII text found in the uploads (decompressed)');
  for (const sdk of sdks.filter((s) => s !== 'none')) {
    console.log(`  ${sdk.padEnd(10)} ${pages.map((p) => `${p}: ${figures[sdk].pages[p].leaks.join(', ') || 'none'}`).join('; ')}`);
  }
  const w = results.filter((r) => r.sdk === 'witness' && r.breakdown);
  if (w.length) printBreakdown(w, pages, results);

  if (!figures.witness) return;
  const W = figures.witness;
  const others = sdks.filter((s) => !['none', 'witness'].includes(s));
  const wBundle = median(W.bundle);
  const wUpload = median(W.upload);
  const wPageMax = Math.max(...pages.map((p) => median(W.pages[p].upload)));
  const fewest = others.map((s) => [s, median(figures[s].upload)]).sort((a, b) => a[1] - b[1])[0];
  console.log();
  console.log(`RESULT bundle: witness ${fmt(wBundle)} KB gzipped — target <= 30 KB: ${wBundle <= 30 ? 'met' : 'MISSED'}`);
  console.log(`RESULT upload: witness ${fmt(wUpload)} KB/min over all pages (worst page ${fmt(wPageMax)}), fewest other: ${fewest ? `${fewest[0]} ${fmt(fewest[1])}` : '-'}`
    + ` — target <= 30 KB/min and fewer than every other SDK: ${wPageMax <= 30 && wUpload <= 30 && (!fewest || wUpload < fewest[1]) ? 'met' : 'MISSED'}`);
  if (figures.rrweb) {
    const perPage = pages.map((p) => `${p} ${fmt(median(W.pages[p].main), 0)} vs ${fmt(median(figures.rrweb.pages[p].main), 0)}`).join(', ');
    const ok = median(W.main) <= median(figures.rrweb.main);
    console.log(`RESULT main thread: witness +${fmt(median(W.main), 0)} ms/min, plain rrweb +${fmt(median(figures.rrweb.main), 0)} ms/min (per page: ${perPage})`
      + ` — target <= plain rrweb: ${ok ? 'met' : 'MISSED'}`);
  }
  console.log(`RESULT privacy: witness leaked ${W.leaks.join(', ') || 'nothing'} — target: no input value, no PII text: ${W.leaks.length ? 'MISSED' : 'met'}`);
}

/** Where the Witness SDK's bytes go: by rrweb event kind, stylesheet text and its resends, compressed or not. */
function printBreakdown(w, pages, results) {
  console.log('\nWitness upload breakdown (decompressed JSON of the events, all runs):');
  for (const page of pages) {
    const rs = w.filter((r) => r.page === page);
    if (!rs.length) continue;
    const kinds = {};
    let css = 0, resent = 0, total = 0;
    for (const r of rs) {
      for (const [k, v] of Object.entries(r.breakdown.byKind)) {
        const x = (kinds[k] ??= { count: 0, bytes: 0 });
        x.count += v.count;
        x.bytes += v.bytes;
        total += v.bytes;
      }
      css += r.breakdown.cssBytes;
      resent += r.breakdown.cssResent;
    }
    const wire = rs.reduce((n, r) => n + r.replayBytes, 0);
    const gz = rs.map((r) => `${(r.gzipShare * 100).toFixed(0)} %`).join('/');
    const plain = rs.reduce((n, r) => n + r.plainReplayBytes, 0);
    const rr = results.filter((r) => r.sdk === 'rrweb' && r.page === page);
    const rrDecoded = rr.reduce((n, r) => n + r.decodedReplayBytes, 0) / Math.max(rr.length, 1);
    console.log(`  ${page}: ${fmt(total / rs.length / 1000)} KB of event JSON per session (plain rrweb ${fmt(rrDecoded / 1000)} KB), `
      + `${fmt(wire / rs.length / 1000)} KB on the wire (batches gzipped: ${gz}; ${fmt(plain / rs.length / 1000)} KB of it in uncompressed batches); stylesheet text ${fmt(css / rs.length / 1000)} KB, `
      + `of it resent ${fmt(resent / rs.length / 1000)} KB`);
    for (const [k, v] of Object.entries(kinds).sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 6)) {
      console.log(`    ${k.padEnd(22)} ${String(Math.round(v.count / rs.length)).padStart(5)} events ${fmt(v.bytes / rs.length / 1000).padStart(7)} KB ${fmt((100 * v.bytes) / total).padStart(5)} %`);
    }
  }
}
