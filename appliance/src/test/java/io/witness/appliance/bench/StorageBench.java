package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/bench storage}: stored bytes per recorded minute over the whole corpus, four ways: imported
 * (POST /api/v1/recordings: one zstd stream per session); live (SDK batches) as frames (one zstd frame per batch,
 * read at once after the session's last batch); live once its frames were compacted into a segment
 * ({@code capture.compact-after-seconds} after they were stored); and live after the sealer has rewritten each
 * idle session as one stream. Figures come from the API ({@code storedBytes} and {@code durationMs} of
 * GET /api/v1/recordings); KB per minute = total stored bytes / 1000 / total recorded minutes. The sealed
 * recordings are also read back and compared with the corpus events.
 *
 * <p>Arguments: {@code compact-after=5} (seconds after a frame is stored before it is compacted: longer than it
 * takes to send one session), {@code seal-after=30} (seconds idle before sealing: longer than it takes to send
 * every session and compact it), {@code jvm="..."}.
 */
public final class StorageBench {
  private StorageBench() {}

  private record Row(String session, long durationMs, long rawBytes, long importStored, long liveStored,
      long compactedStored, long sealedStored) {}

  public static void main(String[] argv) throws Exception {
    Bench bench = new Bench("storage", argv);
    int compactAfter = bench.intArg("compact-after", 5);
    int sealAfter = bench.intArg("seal-after", 30);
    List<CorpusBatches.Session> corpus = CorpusBatches.load();
    ApplianceProcess.Options options = ApplianceProcess.Options.of(bench.work.resolve("data"), bench.work)
        .withJvmOptions(bench.jvmOptions(List.of("-Dcapture.site-batches-per-second=1000000",
            "-Dcapture.site-batch-burst=1000000", "-Dcapture.seal-after-idle-seconds=" + sealAfter,
            "-Dcapture.seal-interval-seconds=1", "-Dcapture.compact-after-seconds=" + compactAfter)));
    try (ApplianceProcess app = ApplianceProcess.start(options)) {
      app.awaitHealthy(Duration.ofMinutes(3));
      ApplianceClient client = new ApplianceClient(app.baseUri());
      String siteKey = client.demoSiteKey();

      Map<String, String> imported = new HashMap<>();
      for (CorpusBatches.Session s : corpus) {
        byte[] array = CorpusBatches.json(CorpusBatches.JSON.valueToTree(s.events()));
        imported.put(s.name(), client.importRecording(CorpusBatches.gzip(array)));
      }

      Map<String, String> live = new HashMap<>();
      Map<String, Long> unsealed = new HashMap<>();
      String run = Long.toString(System.currentTimeMillis(), 36);
      for (CorpusBatches.Session s : corpus) {
        String sessionId = "storage-" + run + "-" + s.name();
        sessionId = sessionId.length() > 64 ? sessionId.substring(0, 64) : sessionId;
        List<List<ObjectNode>> batches = s.batches();
        for (int seq = 0; seq < batches.size(); seq++) {
          byte[] body = CorpusBatches.gzip(CorpusBatches.envelope(sessionId, seq, System.currentTimeMillis(),
              CorpusBatches.joined(batches.get(seq))));
          ApplianceClient.Reply r = client.postBatch(siteKey, body);
          if (r.status() != 200) {
            throw new AssertionError("batch " + seq + " of " + s.name() + ": " + r.status() + " " + r.text());
          }
        }
        // Read at once, before its frames are compacted (compact-after) or sealed (seal-after).
        JsonNode rec = find(client, "live", firstTs(s));
        live.put(s.name(), rec.get("id").asText());
        unsealed.put(s.name(), rec.get("storedBytes").asLong());
      }

      Map<String, JsonNode> compacted = awaitChanged(client, live, unsealed,
          Duration.ofSeconds(60 + 2L * compactAfter), "compacted (capture.compact-after-seconds)");
      Map<String, Long> compactedBytes = new HashMap<>();
      compacted.forEach((name, r) -> compactedBytes.put(name, r.get("storedBytes").asLong()));
      Map<String, JsonNode> sealed = awaitChanged(client, live, compactedBytes,
          Duration.ofSeconds(120 + 2L * sealAfter), "sealed (capture.seal-after-idle-seconds)");
      List<Row> rows = new ArrayList<>();
      Map<String, JsonNode> importedRows = new HashMap<>();
      for (JsonNode r : client.recordings()) {
        importedRows.put(r.get("id").asText(), r);
      }
      for (CorpusBatches.Session s : corpus) {
        JsonNode imp = importedRows.get(imported.get(s.name()));
        JsonNode seal = sealed.get(s.name());
        checkEvents(client, live.get(s.name()), s);
        rows.add(new Row(s.name(), seal.get("durationMs").asLong(), imp.get("rawBytes").asLong(),
            imp.get("storedBytes").asLong(), unsealed.get(s.name()), compactedBytes.get(s.name()),
            seal.get("storedBytes").asLong()));
      }
      print(rows);
      System.out.printf("# H2 database files while running: %.2f MB (all tables, indexes and free space; import"
          + " and live copies: %.1f recorded minutes)%n", dirSize(bench.work.resolve("data")) / 1e6, 2 * minutes(rows));
      app.stop();
      System.out.printf("# H2 database files after an orderly stop: %.2f MB%n",
          dirSize(bench.work.resolve("data")) / 1e6);
    }
  }

  private static double minutes(List<Row> rows) {
    return rows.stream().mapToLong(Row::durationMs).sum() / 60000.0;
  }

  private static long firstTs(CorpusBatches.Session s) {
    return s.events().stream().mapToLong(e -> e.get("timestamp").asLong()).min().orElseThrow();
  }

  private static JsonNode find(ApplianceClient client, String source, long firstTs) {
    for (JsonNode r : client.recordings()) {
      if (r.get("source").asText().equals(source)
          && Instant.parse(r.get("startedAt").asText()).toEpochMilli() == firstTs) {
        return r;
      }
    }
    throw new AssertionError("no " + source + " recording starting at " + Instant.ofEpochMilli(firstTs));
  }

  /** Waits until the sealer has rewritten every live recording again (its stored size changes). */
  private static Map<String, JsonNode> awaitChanged(ApplianceClient client, Map<String, String> live,
      Map<String, Long> before, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, JsonNode> byId = new HashMap<>();
      for (JsonNode r : client.recordings()) {
        byId.put(r.get("id").asText(), r);
      }
      Map<String, JsonNode> sealed = new HashMap<>();
      live.forEach((name, id) -> {
        JsonNode r = byId.get(id);
        if (r != null && r.get("storedBytes").asLong() != before.get(name)) {
          sealed.put(name, r);
        }
      });
      if (sealed.size() == live.size()) {
        return sealed;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + sealed.size() + " of " + live.size() + " live recordings were " + what
            + " within " + timeout);
      }
      ApplianceProcess.sleep(1000);
    }
  }

  private static void checkEvents(ApplianceClient client, String id, CorpusBatches.Session s) throws Exception {
    JsonNode stored = CorpusBatches.JSON.readTree(client.events(id));
    if (stored.size() != s.events().size()) {
      throw new AssertionError(s.name() + ": the sealed recording has " + stored.size() + " events, the corpus "
          + s.events().size());
    }
  }

  private static void print(List<Row> rows) {
    System.out.printf("%-32s %8s %10s %10s %10s %12s %10s%n", "session", "minutes", "raw KB", "import KB",
        "frames KB", "compacted KB", "sealed KB");
    long dur = 0;
    long raw = 0;
    long imp = 0;
    long live = 0;
    long compacted = 0;
    long sealed = 0;
    for (Row r : rows) {
      System.out.printf("%-32s %8.2f %10.1f %10.1f %10.1f %12.1f %10.1f%n", r.session(), r.durationMs() / 60000.0,
          r.rawBytes() / 1e3, r.importStored() / 1e3, r.liveStored() / 1e3, r.compactedStored() / 1e3,
          r.sealedStored() / 1e3);
      dur += r.durationMs();
      raw += r.rawBytes();
      imp += r.importStored();
      live += r.liveStored();
      compacted += r.compactedStored();
      sealed += r.sealedStored();
    }
    double minutes = dur / 60000.0;
    System.out.printf("%-32s %8.2f %10.1f %10.1f %10.1f %12.1f %10.1f%n", "TOTAL", minutes, raw / 1e3, imp / 1e3,
        live / 1e3, compacted / 1e3, sealed / 1e3);
    System.out.println();
    System.out.printf("RESULT raw JSON: %.1f KB per recorded minute%n", raw / 1e3 / minutes);
    for (Object[] v : new Object[][] {{"import", imp}, {"live, frames", live}, {"live, compacted", compacted},
        {"live, sealed", sealed}}) {
      double kbPerMin = (Long) v[1] / 1e3 / minutes;
      System.out.printf("RESULT %-17s %6.1f KB per recorded minute (%.1fx smaller than raw) — target <= 40: %s%n",
          v[0] + ":", kbPerMin, (double) raw / (Long) v[1], kbPerMin <= 40 ? "met" : "MISSED");
    }
  }

  private static long dirSize(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
