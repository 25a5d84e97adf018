package io.witness.appliance.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/bench startup}: time from process start to {@code GET /health} 200, and resident memory after
 * 10 s idle (VmRSS), median of {@code runs} (5), for several JVM flag sets. Also the CPU time the process used
 * until ready (user + system, /proc/<pid>/stat), which says more than wall time on a machine shared with builds. Each run starts on a fresh data
 * directory (first start: migrations, admin account, demo site) and then once more on the same directory
 * (restart). Flag sets ({@code variants=...}, comma-separated):
 * <ul>
 *   <li>{@code default}: {@code java -jar}, no flags;
 *   <li>{@code serial}: {@code -XX:+UseSerialGC};
 *   <li>{@code aot}: a JDK 25 AOT cache ({@code -XX:AOTCache}) and {@code -XX:MaxTenuringThreshold=1}, as
 *       bin/witness demo starts; the cache is made first by a training run ({@code -XX:AOTCacheOutput}) that
 *       starts, signs in, ingests and replays a corpus session, then exits;
 *   <li>{@code aot-serial}: both; {@code aot-lean}: both and {@code -Xms32m -Xmx512m}; {@code c1}: {@code -XX:TieredStopAtLevel=1}; {@code small}: serial GC,
 *       {@code -Xmx256m -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m}.
 * </ul>
 * Arguments: {@code runs=5 idle=10 variants=default,serial,aot,aot-serial}.
 */
public final class StartupBench {
  private StartupBench() {}

  public static void main(String[] argv) throws Exception {
    Bench bench = new Bench("startup", argv);
    int runs = bench.intArg("runs", 5);
    int idle = bench.intArg("idle", 10);
    Path aot = bench.work.resolve("witness.aot");
    Map<String, List<String>> known = new LinkedHashMap<>();
    known.put("default", List.of());
    known.put("serial", List.of("-XX:+UseSerialGC"));
    known.put("aot", List.of("-XX:AOTCache=" + aot, "-XX:MaxTenuringThreshold=1"));
    known.put("aot-serial", List.of("-XX:AOTCache=" + aot, "-XX:+UseSerialGC"));
    known.put("aot-lean", List.of("-XX:AOTCache=" + aot, "-XX:+UseSerialGC", "-Xms32m", "-Xmx512m"));
    known.put("c1", List.of("-XX:TieredStopAtLevel=1"));
    known.put("small", List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xss512k", "-XX:ReservedCodeCacheSize=64m",
        "-XX:MaxMetaspaceSize=128m"));
    List<String> variants = List.of(bench.arg("variants", "default,serial,aot,aot-serial").split(","));
    if (variants.stream().anyMatch(v -> v.startsWith("aot"))) {
      train(bench, aot);
    }
    List<String> lines = new ArrayList<>();
    for (String v : variants) {
      List<String> flags = known.get(v.trim());
      if (flags == null) {
        throw new IllegalArgumentException("unknown variant " + v + "; known: " + known.keySet());
      }
      List<Long> first = new ArrayList<>();
      List<Long> restart = new ArrayList<>();
      List<Long> rssFirst = new ArrayList<>();
      List<Long> rssRestart = new ArrayList<>();
      List<Long> cpuFirst = new ArrayList<>();
      List<Long> cpuRestart = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Path data = bench.work.resolve(v.trim() + "-" + run);
        ApplianceProcess.Options o = ApplianceProcess.Options.of(data, bench.work)
            .withJvmOptions(bench.jvmOptions(flags));
        for (int pass = 0; pass < 2; pass++) {
          try (ApplianceProcess app = ApplianceProcess.start(o)) {
            long ms = app.awaitHealthy(Duration.ofMinutes(3)).toMillis();
            long cpuMs = Math.round(Bench.cpuSeconds(app.pid()) * 1000);
            (pass == 0 ? cpuFirst : cpuRestart).add(cpuMs);
            ApplianceProcess.sleep(idle * 1000L);
            long rss = app.rssKib() / 1024;
            (pass == 0 ? first : restart).add(ms);
            (pass == 0 ? rssFirst : rssRestart).add(rss);
            System.out.printf("%-11s run %d %-8s %6d ms to /health 200 (%6d ms CPU), RSS %4d MiB after %d s idle"
                + "  [%s]%n", v, run, pass == 0 ? "first" : "restart", ms, cpuMs, rss, idle, Bench.loadAverage());
            app.stop();
          }
        }
      }
      lines.add(String.format("RESULT %-11s first start %5d ms, restart %5d ms (CPU used to ready: %5d / %5d ms),"
              + " idle RSS %4d MiB (first) / %4d MiB (restart) — targets <= 4000 ms: %s, <= 300 MiB: %s   flags: %s",
          v, Bench.median(first), Bench.median(restart), Bench.median(cpuFirst), Bench.median(cpuRestart),
          Bench.median(rssFirst), Bench.median(rssRestart),
          Math.max(Bench.median(first), Bench.median(restart)) <= 4000 ? "met" : "MISSED",
          Math.max(Bench.median(rssFirst), Bench.median(rssRestart)) <= 300 ? "met" : "MISSED",
          flags.isEmpty() ? "(none)" : String.join(" ", flags)));
    }
    System.out.println();
    lines.forEach(System.out::println);
  }

  /** One training run that exercises start-up, sign-in, ingest and replay, then writes the AOT cache at exit. */
  private static void train(Bench bench, Path aot) throws Exception {
    ApplianceProcess.Options o = ApplianceProcess.Options.of(bench.work.resolve("aot-training"), bench.work)
        .withJvmOptions(bench.jvmOptions(List.of("-XX:AOTCacheOutput=" + aot)));
    long t0 = System.nanoTime();
    try (ApplianceProcess app = ApplianceProcess.start(o)) {
      app.awaitHealthy(Duration.ofMinutes(3));
      ApplianceClient client = new ApplianceClient(app.baseUri());
      String key = client.demoSiteKey();
      CorpusBatches.Session s = CorpusBatches.load().get(0);
      var batches = s.batches();
      for (int seq = 0; seq < batches.size(); seq++) {
        client.postBatch(key, CorpusBatches.gzip(CorpusBatches.envelope("aot-training-session", seq,
            System.currentTimeMillis(), CorpusBatches.joined(batches.get(seq)))));
      }
      for (var r : client.recordings()) {
        client.events(r.get("id").asText());
        client.get("/api/v1/recordings/" + r.get("id").asText());
      }
      int exit = app.stop(Duration.ofMinutes(5));
      if (!Files.isRegularFile(aot)) {
        throw new AssertionError("the AOT training run exited with " + exit + " but wrote no cache " + aot
            + "; see " + app.log());
      }
    }
    System.out.printf("# AOT cache %s: %.1f MB, training run and cache creation %.1f s%n", aot,
        Files.size(aot) / 1e6, (System.nanoTime() - t0) / 1e9);
  }
}
