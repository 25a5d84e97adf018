package io.witness.appliance.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.bench.ApplianceClient;
import io.witness.appliance.bench.ApplianceProcess;
import io.witness.appliance.bench.CorpusBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * A 200 from {@code POST /ingest/v1/batches} means durable (docs/api.md). This test holds the appliance to it
 * the hard way: the packaged jar runs as a child process, several threads send SDK batches cut from the shared
 * corpus, and the process is SIGKILLed in the middle of the load, twice, each time restarted on the same data
 * directory and database. Then, for every session: every acknowledged batch's events are in the recording, in
 * seq order; re-sending an acknowledged batch answers {@code duplicate:true}; and once the unacknowledged
 * batches are re-sent (as the SDK's retries would), the recording holds exactly the whole session.
 *
 * <p>The database is the child's: {@code -Dwitness.test.db=h2} (default; the embedded H2 file dies with the
 * process, so this checks that a commit is on disk before the answer) or {@code postgresql} (a zonky embedded
 * PostgreSQL started here and handed over with {@code WITNESS_DB_URL}; it outlives the kill, so this checks that
 * the answer never precedes the commit). Each planned session gets its own hour of event time, which is how a
 * recording in {@code GET /api/v1/recordings} is matched to its session.
 */
class KillDuringIngestIT {
  private static final int COPIES = 3;
  private static final int THREADS = 6;
  private static final int KILLS = 2;
  private static final long BASE_MS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long HOUR_MS = 3_600_000;

  /** One planned session: its id and its batches, each as joined event JSON and as a gzip envelope. */
  private record Planned(String sessionId, List<List<ObjectNode>> batches, List<byte[]> bodies) {}

  @Test
  void acknowledgedBatches_surviveSigkillDuringIngest() throws Exception {
    String db = System.getProperty("witness.test.db", "h2");
    Path work = workDir(db);
    List<Planned> plan = plan();
    int total = plan.stream().mapToInt(p -> p.batches().size()).sum();
    AtomicIntegerArray[] acked = new AtomicIntegerArray[plan.size()];
    for (int i = 0; i < plan.size(); i++) {
      acked[i] = new AtomicIntegerArray(plan.get(i).batches().size());
    }
    Random random = new Random(42);

    try {
      run(db, work, plan, total, acked, random);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n(appliance logs and data: " + work + ")", e);
    }
  }

  private static void run(String db, Path work, List<Planned> plan, int total, AtomicIntegerArray[] acked,
      Random random) throws Exception {
    try (ChildDatabase database = ChildDatabase.start(db, work)) {
      ApplianceProcess.Options options = ApplianceProcess.Options.of(work.resolve("data"), work)
          .withJvmOptions(List.of("-Xmx512m", "-Dcapture.site-batches-per-second=1000000",
              "-Dcapture.site-batch-burst=1000000"))
          .withEnv(database.env());
      for (int round = 1; round <= KILLS; round++) {
        int before = count(acked);
        int killAt = before + (int) ((total - before) * (0.3 + 0.2 * random.nextDouble()));
        try (ApplianceProcess app = ApplianceProcess.start(options)) {
          app.awaitHealthy(Duration.ofMinutes(3));
          ApplianceClient client = new ApplianceClient(app.baseUri());
          Load load = new Load(plan, acked, client.demoSiteKey(), client);
          load.start();
          while (count(acked) < killAt && load.running()) {
            Thread.sleep(2);
          }
          int inFlight = load.inFlight.get();
          int exit = app.kill();
          load.stopAndJoin();
          assertEquals(137, exit, "Process.destroyForcibly() must be SIGKILL (exit 128+9); log " + app.log());
          assertTrue(load.errors.isEmpty(), "unexpected answers before the kill: " + load.errors);
          assertTrue(count(acked) < total, "the load finished before the kill (round " + round
              + "): nothing was in flight; raise COPIES");
          System.out.printf("[durability/%s] round %d: killed with %d of %d batches acknowledged, %d in flight%n",
              db, round, count(acked), total, inFlight);
        }
      }
      try (ApplianceProcess app = ApplianceProcess.start(options)) {
        app.awaitHealthy(Duration.ofMinutes(3));
        ApplianceClient client = new ApplianceClient(app.baseUri());
        String siteKey = client.demoSiteKey();
        verifyAcknowledged(client, plan, acked, db);
        resendAll(client, siteKey, plan, acked);
        verifyComplete(client, plan, db);
      }
    }
  }

  /** Every acknowledged batch is stored, in order, and answers duplicate:true when sent again. */
  private static void verifyAcknowledged(ApplianceClient client, List<Planned> plan, AtomicIntegerArray[] acked,
      String db) throws Exception {
    Map<Integer, String> recordings = recordingsBySession(client, plan.size());
    String siteKey = client.demoSiteKey();
    List<String> problems = new ArrayList<>();
    int lostSessions = 0;
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      boolean anyAcked = false;
      for (int seq = 0; seq < p.batches().size(); seq++) {
        anyAcked |= acked[i].get(seq) == 1;
      }
      String id = recordings.get(i);
      if (id == null) {
        if (anyAcked) {
          problems.add(p.sessionId() + ": has acknowledged batches but no recording");
          lostSessions++;
        }
        continue;
      }
      List<JsonNode> stored = parseArray(client.events(id));
      problems.addAll(matchBatches(p, stored, acked[i]));
      for (int seq = 0; seq < p.batches().size(); seq++) {
        if (acked[i].get(seq) == 1) {
          ApplianceClient.Reply r = client.postBatch(siteKey, p.bodies().get(seq));
          if (r.status() != 200 || !r.json().path("duplicate").asBoolean(false)) {
            problems.add(p.sessionId() + " seq " + seq + ": re-sent after the restart, answered " + r.status()
                + " " + r.text() + " (expected 200 with duplicate:true)");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      fail("[" + db + "] acknowledged batches were lost or changed after SIGKILL (" + problems.size()
          + " problems, " + lostSessions + " sessions without a recording):\n  "
          + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
    }
  }

  /**
   * Walks the stored events against the planned batches in seq order: each batch is there whole or not at all,
   * an acknowledged one must be there, and nothing else may be stored.
   */
  private static List<String> matchBatches(Planned p, List<JsonNode> stored, AtomicIntegerArray acked) {
    List<String> problems = new ArrayList<>();
    int at = 0;
    for (int seq = 0; seq < p.batches().size(); seq++) {
      List<ObjectNode> batch = p.batches().get(seq);
      boolean present = at + batch.size() <= stored.size();
      for (int k = 0; present && k < batch.size(); k++) {
        present = sameJson(batch.get(k), stored.get(at + k));
      }
      if (present) {
        at += batch.size();
      } else if (acked.get(seq) == 1) {
        problems.add(p.sessionId() + " seq " + seq + ": acknowledged (200) but its " + batch.size()
            + " events are not in the recording at event index " + at);
      }
    }
    if (at != stored.size()) {
      problems.add(p.sessionId() + ": the recording has " + (stored.size() - at)
          + " events that match no batch in seq order (stored " + stored.size() + ")");
    }
    return problems;
  }

  /** Re-sends every batch that was never acknowledged, in seq order, as the SDK's retries would. */
  private static void resendAll(ApplianceClient client, String siteKey, List<Planned> plan,
      AtomicIntegerArray[] acked) throws Exception {
    for (int i = 0; i < plan.size(); i++) {
      for (int seq = 0; seq < plan.get(i).batches().size(); seq++) {
        if (acked[i].get(seq) == 0) {
          ApplianceClient.Reply r = client.postBatch(siteKey, plan.get(i).bodies().get(seq));
          assertEquals(200, r.status(), "re-sending " + plan.get(i).sessionId() + " seq " + seq + ": " + r.text());
        }
      }
    }
  }

  /** After the retries every recording is exactly its session. */
  private static void verifyComplete(ApplianceClient client, List<Planned> plan, String db) {
    Map<Integer, String> recordings = recordingsBySession(client, plan.size());
    assertEquals(plan.size(), recordings.size(), "[" + db + "] one recording per session after the retries");
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      List<JsonNode> stored = parseArray(client.events(recordings.get(i)));
      List<ObjectNode> expected = p.batches().stream().flatMap(List::stream).toList();
      assertEquals(expected.size(), stored.size(), "[" + db + "] " + p.sessionId() + ": event count");
      for (int k = 0; k < expected.size(); k++) {
        if (!sameJson(expected.get(k), stored.get(k))) {
          fail("[" + db + "] " + p.sessionId() + ": event " + k + " differs after the retries");
        }
      }
    }
  }

  /** Session index -> recording id, by the hour of event time each planned session was given. */
  private static Map<Integer, String> recordingsBySession(ApplianceClient client, int sessions) {
    Map<Integer, String> byIndex = new java.util.HashMap<>();
    for (JsonNode r : client.recordings()) {
      long start = Instant.parse(r.get("startedAt").asText()).toEpochMilli();
      int index = (int) ((start - BASE_MS) / HOUR_MS);
      if (start < BASE_MS || index >= sessions) {
        continue;
      }
      String previous = byIndex.put(index, r.get("id").asText());
      if (previous != null) {
        fail("two recordings for planned session " + index + ": " + previous + " and " + r.get("id").asText()
            + " (one live session must be one recording)");
      }
    }
    return byIndex;
  }

  /** COPIES copies of every corpus session, each moved to its own hour of event time. */
  private static List<Planned> plan() {
    List<Planned> plan = new ArrayList<>();
    List<CorpusBatches.Session> corpus = CorpusBatches.load();
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int copy = 0; copy < COPIES; copy++) {
      for (CorpusBatches.Session s : corpus) {
        int index = plan.size();
        long first = s.events().stream().mapToLong(e -> e.get("timestamp").asLong()).min().orElseThrow();
        // As the appliance admits them (default policy), so that what is stored is exactly what was sent.
        List<ObjectNode> events = new ArrayList<>();
        io.witness.appliance.testing.EventAssertions.admitted(CorpusBatches.JSON.valueToTree(
            CorpusBatches.shifted(s.events(), BASE_MS + index * HOUR_MS - first))).forEach(e -> events.add((ObjectNode) e));
        String sessionId = String.format("kill-%s-%04d", run, index);
        List<List<ObjectNode>> batches = CorpusBatches.cut(events);
        List<byte[]> bodies = new ArrayList<>();
        for (int seq = 0; seq < batches.size(); seq++) {
          bodies.add(CorpusBatches.gzip(CorpusBatches.envelope(sessionId, seq, BASE_MS + index * HOUR_MS,
              CorpusBatches.joined(batches.get(seq)))));
        }
        plan.add(new Planned(sessionId, batches, bodies));
      }
    }
    return plan;
  }

  /** THREADS senders; each takes a session and sends its unacknowledged batches in seq order. */
  private static final class Load {
    final List<Planned> plan;
    final AtomicIntegerArray[] acked;
    final String siteKey;
    final ApplianceClient client;
    final ConcurrentLinkedQueue<Integer> sessions = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger alive = new AtomicInteger();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Load(List<Planned> plan, AtomicIntegerArray[] acked, String siteKey, ApplianceClient client) {
      this.plan = plan;
      this.acked = acked;
      this.siteKey = siteKey;
      this.client = client;
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < plan.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(7));
      sessions.addAll(order);
    }

    void start() {
      for (int t = 0; t < THREADS; t++) {
        Thread th = new Thread(this::run, "kill-load-" + t);
        threads.add(th);
        alive.incrementAndGet();
        th.start();
      }
    }

    boolean running() {
      return alive.get() > 0;
    }

    private void run() {
      try {
        Integer i;
        while (!stop.get() && (i = sessions.poll()) != null) {
          for (int seq = 0; seq < plan.get(i).batches().size() && !stop.get(); seq++) {
            if (acked[i].get(seq) == 1) {
              continue;
            }
            inFlight.incrementAndGet();
            ApplianceClient.Reply r;
            try {
              r = client.postBatch(siteKey, plan.get(i).bodies().get(seq));
            } catch (IOException e) {
              return; // the server is gone (killed): this batch stays unacknowledged
            } finally {
              inFlight.decrementAndGet();
            }
            if (r.status() == 200) {
              acked[i].set(seq, 1);
            } else if (!stop.get()) {
              errors.add(plan.get(i).sessionId() + " seq " + seq + ": " + r.status() + " " + r.text());
              return;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        alive.decrementAndGet();
      }
    }

    void stopAndJoin() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
  }

  private static int count(AtomicIntegerArray[] acked) {
    int n = 0;
    for (AtomicIntegerArray a : acked) {
      for (int k = 0; k < a.length(); k++) {
        n += a.get(k);
      }
    }
    return n;
  }

  private static List<JsonNode> parseArray(byte[] json) {
    try {
      List<JsonNode> out = new ArrayList<>();
      CorpusBatches.JSON.readTree(json).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new AssertionError("the events endpoint returned invalid JSON", e);
    }
  }

  /**
   * JSON equality where numbers compare by value (the server may write 1.0 as 1.0 or 1.00 as 1.0), and a stored
   * string may be the sent one masked: a session resumed after the restart fails closed until its next full
   * snapshot (the new process cannot place its nodes, so their text is masked: Admission).
   */
  private static boolean sameJson(JsonNode a, JsonNode b) {
    return a.equals((x, y) -> {
      if (x.isNumber() && y.isNumber()) {
        return x.decimalValue().compareTo(y.decimalValue());
      }
      if (x.isTextual() && y.isTextual() && masked(x.asText(), y.asText())) {
        return 0;
      }
      return x.equals(y) ? 0 : 1;
    }, b);
  }

  /** Whether {@code stored} is {@code sent} with every character but white space made {@code *}. */
  private static boolean masked(String sent, String stored) {
    if (sent.length() != stored.length()) {
      return false;
    }
    for (int i = 0; i < sent.length(); i++) {
      char c = sent.charAt(i);
      if (stored.charAt(i) != (Character.isWhitespace(c) ? c : '*')) {
        return false;
      }
    }
    return true;
  }

  private static Path workDir(String db) throws IOException {
    String configured = System.getProperty("witness.test.work-dir");
    Path base = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("target", "it-work", db);
    Files.createDirectories(base);
    return Files.createTempDirectory(base.toAbsolutePath(), "kill-during-ingest-");
  }
}
