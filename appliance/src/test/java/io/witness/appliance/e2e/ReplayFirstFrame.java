package io.witness.appliance.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Measures how long the console's replay page takes to show a recording's first frame: navigation start to
 * {@code __witnessReplay.firstFrameAt} (a {@code performance.now()} value, so already relative to navigation
 * start), over fresh page loads in one warm Chromium, with the page's own timings beside it to tell where the
 * time goes: the events request (Resource Timing: start, first byte, last byte, bytes on the wire and decoded)
 * and the main-thread long tasks after the download (JSON parse, Replayer construction, first rebuild).
 * {@link #probeParse} separately times a {@code JSON.parse} of the same events in the page.
 *
 * <p>Used by {@code bin/bench replay} (io.witness.appliance.bench.ReplayBench); public only for that.
 */
public final class ReplayFirstFrame implements AutoCloseable {
  /** One page load. Times in ms since navigation start; bytes as Resource Timing reports them. */
  public record Run(double firstFrameMs, double domContentLoadedMs, double eventsFetchStartMs,
      double eventsFirstByteMs, double eventsLastByteMs, long eventsTransferBytes, long eventsDecodedBytes,
      double longTasksAfterDownloadMs, String longTasks) {

    public String line(int n) {
      return String.format(Locale.ROOT, "run %2d: first frame %6.0f ms | DOMContentLoaded %5.0f | events request "
          + "%5.0f -> first byte %5.0f -> last byte %5.0f (%.1f MB on the wire, %.1f MB decoded) | long tasks "
          + "after download %5.0f ms %s", n, firstFrameMs, domContentLoadedMs, eventsFetchStartMs,
          eventsFirstByteMs, eventsLastByteMs, eventsTransferBytes / 1e6, eventsDecodedBytes / 1e6,
          longTasksAfterDownloadMs, longTasks);
    }
  }

  private static final String LONG_TASK_RECORDER = "window.__witnessLongTasks = [];"
      + "try { new PerformanceObserver(l => { for (const e of l.getEntries())"
      + " window.__witnessLongTasks.push([e.startTime, e.duration]); }).observe({type: 'longtask', buffered: true});"
      + "} catch (e) {}";

  private final Chromium browser;
  private final URI base;

  private ReplayFirstFrame(Chromium browser, URI base) {
    this.browser = browser;
    this.base = base;
  }

  /** Starts Chromium with a {@code width} x {@code height} viewport and signs in to the console. */
  public static ReplayFirstFrame open(URI base, String username, String password, int width, int height) {
    Chromium browser = Chromium.start(width, height);
    try {
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", LONG_TASK_RECORDER));
      new Console(browser, base).signIn(username, password);
      return new ReplayFirstFrame(browser, base);
    } catch (RuntimeException | Error e) {
      browser.close();
      throw e;
    }
  }

  /**
   * Makes the browser send {@code Accept-Encoding: identity} (true) or its own list (false), to compare the
   * events answer compressed and not on the same machine.
   */
  public void acceptIdentityOnly(boolean identity) {
    browser.driver().executeCdpCommand("Network.enable", Map.of());
    browser.driver().executeCdpCommand("Network.setExtraHTTPHeaders",
        Map.of("headers", identity ? Map.of("Accept-Encoding", "identity") : Map.of()));
  }

  /** One fresh load of {@code replay.html?id=<id>} (as an operator opens it from the list), measured. */
  @SuppressWarnings("unchecked")
  public Run load(String recordingId) {
    browser.driver().get("about:blank");
    browser.driver().get(base.resolve("console/replay.html?id=" + recordingId).toString());
    new ReplayPage(browser).awaitReady(Duration.ofSeconds(120));
    Map<String, Object> m = (Map<String, Object>) ((JavascriptExecutor) browser.driver()).executeScript(
        "const nav = performance.getEntriesByType('navigation')[0];"
        + "const ev = performance.getEntriesByType('resource').find(r => /\\/events(\\?|$)/.test(r.name));"
        + "const first = window.__witnessReplay.firstFrameAt;"
        + "const lt = (window.__witnessLongTasks || [])"
        + "  .filter(t => ev && t[0] + t[1] > ev.responseEnd && t[0] < first);"
        + "return {first, dcl: nav.domContentLoadedEventEnd, evStart: ev ? ev.fetchStart : -1,"
        + " evFirst: ev ? ev.responseStart : -1, evLast: ev ? ev.responseEnd : -1,"
        + " evTransfer: ev ? ev.transferSize : -1, evDecoded: ev ? ev.decodedBodySize : -1,"
        + " ltSum: lt.reduce((s, t) => s + t[1], 0),"
        + " lt: lt.map(t => Math.round(t[0]) + '+' + Math.round(t[1])).join(' ')};");
    return new Run(num(m, "first"), num(m, "dcl"), num(m, "evStart"), num(m, "evFirst"), num(m, "evLast"),
        (long) num(m, "evTransfer"), (long) num(m, "evDecoded"), num(m, "ltSum"), "[" + m.get("lt") + "]");
  }

  /**
   * In the console's page (same origin, signed in): downloads the events as text and times {@code JSON.parse} of
   * it, {@code repeat} times; returns {download ms, parse ms (median), characters}.
   */
  @SuppressWarnings("unchecked")
  public List<Double> probeParse(String recordingId, int repeat) {
    Object r = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "(async () => { const t0 = performance.now();"
        + " const text = await (await fetch('/api/v1/recordings/' + arguments[0] + '/events')).text();"
        + " const t1 = performance.now(); const parses = [];"
        + " for (let i = 0; i < arguments[1]; i++) { const a = performance.now(); JSON.parse(text);"
        + "   parses.push(performance.now() - a); }"
        + " parses.sort((x, y) => x - y);"
        + " done([t1 - t0, parses[Math.floor(parses.length / 2)], text.length]); })()"
        + ".catch(e => done(String(e)));", recordingId, repeat);
    if (!(r instanceof List<?> list)) {
      throw new AssertionError("parse probe failed: " + r);
    }
    List<Double> out = new ArrayList<>();
    for (Object o : (List<Object>) list) {
      out.add(((Number) o).doubleValue());
    }
    return out;
  }

  /**
   * One more load under the V8 sampling profiler (DevTools {@code Profiler} domain, 250 µs interval); returns the
   * {@code top} functions by self time up to the first frame as "ms  function  (script:line)" lines, plus the
   * total sampled. Garbage collection and idle time appear as V8's "(garbage collector)" and "(idle)".
   */
  @SuppressWarnings("unchecked")
  public List<String> profile(String recordingId, int top) {
    var d = browser.driver();
    d.get("about:blank");
    d.executeCdpCommand("Profiler.enable", Map.of());
    d.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 250));
    d.executeCdpCommand("Profiler.start", Map.of());
    d.get(base.resolve("console/replay.html?id=" + recordingId).toString());
    new ReplayPage(browser).awaitReady(Duration.ofSeconds(120));
    Map<String, Object> profile = (Map<String, Object>) d.executeCdpCommand("Profiler.stop", Map.of()).get("profile");
    d.executeCdpCommand("Profiler.disable", Map.of());
    Map<Long, String> names = new java.util.HashMap<>();
    Map<Long, Long> parents = new java.util.HashMap<>();
    for (Object o : (List<Object>) profile.get("nodes")) {
      Map<String, Object> node = (Map<String, Object>) o;
      for (Object c : (List<Object>) node.getOrDefault("children", List.of())) {
        parents.put(((Number) c).longValue(), ((Number) node.get("id")).longValue());
      }
      Map<String, Object> cf = (Map<String, Object>) node.get("callFrame");
      String url = String.valueOf(cf.get("url"));
      String fn = String.valueOf(cf.get("functionName"));
      names.put(((Number) node.get("id")).longValue(), (fn.isEmpty() ? "(anonymous)" : fn)
          + (url.isEmpty() ? "" : "  (" + url.substring(url.lastIndexOf('/') + 1) + ":" + cf.get("lineNumber") + ")"));
    }
    List<Object> samples = (List<Object>) profile.get("samples");
    List<Object> deltas = (List<Object>) profile.get("timeDeltas");
    Map<String, Double> self = new java.util.HashMap<>();
    Map<String, Double> inclusive = new java.util.HashMap<>();
    double total = 0;
    for (int i = 0; i < samples.size(); i++) {
      double ms = (i + 1 < deltas.size() ? ((Number) deltas.get(i + 1)).doubleValue() : 0) / 1000.0;
      long id = ((Number) samples.get(i)).longValue();
      self.merge(names.get(id), ms, Double::sum);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Long n = id; n != null; n = parents.get(n)) {
        if (seen.add(names.get(n))) {
          inclusive.merge(names.get(n), ms, Double::sum);
        }
      }
      total += ms;
    }
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%.0f ms sampled, first frame at %.0f ms", total,
        ((Number) d.executeScript("return window.__witnessReplay.firstFrameAt")).doubleValue()));
    out.add("by self time:");
    self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.add(String.format(Locale.ROOT, "%6.1f ms  %s", e.getValue(), e.getKey())));
    out.add("by total time (callees included):");
    inclusive.entrySet().stream().filter(e -> !e.getKey().startsWith("(root)"))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.add(String.format(Locale.ROOT, "%6.1f ms  %s", e.getValue(), e.getKey())));
    return out;
  }

  private static double num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  @Override
  public void close() {
    browser.close();
  }
}
