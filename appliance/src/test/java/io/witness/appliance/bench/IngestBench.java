package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.capture.PackedNodes;
import io.witness.appliance.testing.NodePacker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bin/bench ingest}: live-capture throughput and latency of a freshly started appliance (child process,
 * embedded H2, the site rate limit lifted) on this machine, load generator included.
 *
 * <p>The corpus is cut into SDK batches once and each batch's {@code "events":[...]}} part is gzip-compressed
 * once, before the run. A request body is two gzip members (RFC 1952 allows concatenation; the server's
 * {@link java.util.zip.GZIPInputStream} reads both): a fresh ~100-byte member with {@code v}, {@code sessionId},
 * {@code seq}, then the precompressed events. So every batch is a distinct (sessionId, seq), stored for real,
 * while the generator spends almost no CPU. Sessions are interleaved (batch k of every session of a wave, then
 * batch k+1), so one session's batches arrive in order and far apart, as from real browsers.
 *
 * <p>Phases: warm-up (60 s by default: with 20 s the JIT compiler threads were still using 0.9–2.9 ms of CPU
 * per batch when the measured phases began, a third of the appliance's CPU; the per-thread CPU line shows it);
 * closed loop at each connection count of {@code connections} (each connection sends its next
 * batch when the last is answered) — the best is the saturation rate; then an open loop at {@code open-fraction}
 * (0.7) of it: batches are due at fixed intervals and latency is measured from when a batch was due, so a slow
 * answer is not hidden by the generator waiting for it (no coordinated omission). Its connections are open before
 * its clock starts, and its first {@code open-settle-seconds} (5) run at the same rate but are reported on a line
 * of their own and not counted: the appliance is still working off the saturated closed loop then (until
 * 2026-12-03 they were counted, and alone held ≈1 % of the answers at 40–100 ms). Raw MB/s = uncompressed JSON
 * bytes of acknowledged events per second (10^6 bytes).
 *
 * <p>Arguments ({@code key=value}): {@code warmup=60 seconds=15 connections=1,2,4,8,16,32 open-seconds=30
 * open-fraction=0.7 open-settle-seconds=5 open-connections=32 copies=8 batch-seconds=5 stagger=true jvm="..." jfr=true
 * keep-data=false packed=false}; {@code packed=true} sends the batches packed as the SDK does (capture protocol
 * v2, {@code NodePacker}); raw MB/s stay those of the corpus's own JSON.
 * {@code batch-seconds} changes the SDK's 5-s batch window (the 512 KB cap stays) to see how throughput depends on
 * batch size.
 */
public final class IngestBench {
  /** {@code packed=true}: batches packed as the SDK sends them (capture protocol v2). */
  private static boolean packed;

  /**
   * README "Running in production": transparent huge pages for the heap. On 2026-12-03's VM, whose kernel
   * samples page accesses every 500 ms (DAMON), they took p99 at 70 % from 53 to 23-32 ms (docs/benchmarks.md).
   * A tenuring threshold of 1 halved G1's young pauses (26-52 to 12-23 ms) and p99 (56-116 to 36-37 ms) in
   * session 15: the sanitizer's page models of live sessions are copied once, not up to 15 times.
   */
  static final List<String> PRODUCTION_FLAGS = List.of("-XX:+UseTransparentHugePages", "-XX:MaxTenuringThreshold=1");

  private IngestBench() {}

  /** One corpus batch: its precompressed events member and its raw size. */
  private record CorpusBatch(byte[] eventsGz, long rawBytes, int events) {}

  /** One request ready to write. */
  private record Request(byte[] head, byte[] prefixGz, byte[] eventsGz, long rawBytes, int seq) {}

  /**
   * An endless supply of distinct batches from {@code copies} × corpus-size live sessions ("slots"), one batch of
   * each slot in turn. Staggered (the default): every slot replays its corpus session over and over under a new
   * session id each time, and starts after a random number of turns below its session's length, so sessions begin
   * and end at random points and a turn holds about as many first batches (full snapshots, the heaviest) as any
   * other — as from browsers that open pages independently. {@code stagger=false} gives the lockstep waves used
   * until 2026-12-02: every slot starts batch 0 in the same turn, so each wave opens with copies × 12 full
   * snapshots in a row (a burst every ~1.1 s at 950 batches/s).
   */
  private static final class Supply {
    private final List<List<CorpusBatch>> corpus;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final String headStart;
    private final ApplianceClient client;
    private final String siteKey;
    private final java.util.Map<String, String> receipts = new java.util.HashMap<>();
    private final int slots;
    private final int[] position;
    private final int[] generation;
    private final boolean staggered;
    private final int waveLength;
    private int slot;
    private int turn;

    /** Sessions each visitor makes before a new visitor takes the slot; 0: no visitor id is sent. */
    private final int sessionsPerVisitor;

    Supply(List<List<CorpusBatch>> corpus, int copies, ApplianceClient client, String host, String siteKey,
        boolean staggered) {
      this(corpus, copies, client, host, siteKey, staggered, 0);
    }

    Supply(List<List<CorpusBatch>> corpus, int copies, ApplianceClient client, String host, String siteKey,
        boolean staggered, int sessionsPerVisitor) {
      this.sessionsPerVisitor = sessionsPerVisitor;
      this.corpus = corpus;
      this.staggered = staggered;
      this.slots = corpus.size() * copies;
      this.position = new int[slots];
      this.generation = new int[slots];
      this.client = client;
      this.siteKey = siteKey;
      this.headStart = "POST /ingest/v1/batches HTTP/1.1\r\nHost: " + host + "\r\nWitness-Site-Key: " + siteKey
          + "\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nWitness-Consent: ";
      // Lockstep: a wave lasts as long as the longest session; shorter ones wait for the next wave.
      this.waveLength = corpus.stream().mapToInt(List::size).max().orElseThrow();
      java.util.Random random = new java.util.Random(42);
      for (int s = 0; s < slots; s++) {
        // A negative position is a turn the slot sits out before its first session.
        position[s] = staggered ? -random.nextInt(sessionOf(s).size()) : 0;
      }
    }

    private List<CorpusBatch> sessionOf(int s) {
      return corpus.get(s % corpus.size());
    }

    synchronized Request next() {
      while (true) {
        if (slot == slots) {
          slot = 0;
          turn++;
          if (!staggered && turn % waveLength == 0) {
            for (int s = 0; s < slots; s++) {
              position[s] = 0;
              generation[s]++;
            }
          }
        }
        int s = slot++;
        List<CorpusBatch> batches = sessionOf(s);
        int p = position[s]++;
        if (p < 0) {
          continue;
        }
        if (p < batches.size()) {
          return request(s, p, batches.get(p));
        }
        if (staggered) {
          generation[s]++;
          position[s] = 1;
          return request(s, 0, batches.get(0));
        }
      }
    }

    private Request request(int s, int seq, CorpusBatch b) {
      String sessionId = "bench-" + run + "-" + s + "-" + generation[s];
      String visitorId = sessionsPerVisitor <= 0 ? null
          : "visitor-" + run + "-" + s + "-" + generation[s] / sessionsPerVisitor;
      byte[] prefix = CorpusBatches.gzip(CorpusBatches.envelopeHead(packed ? PackedNodes.PACKED_VERSION : 1,
          sessionId, visitorId, seq, System.currentTimeMillis()));
      // Every visitor grants consent once, when its first batch is built (ahead of its due time), as in production.
      String receipt = visitorId == null ? client.consentFor(siteKey)
          : receipts.computeIfAbsent(visitorId, v -> client.grantConsent(siteKey, v));
      byte[] head = (headStart + receipt + "\r\nContent-Length: " + (prefix.length + b.eventsGz().length)
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      return new Request(head, prefix, b.eventsGz(), b.rawBytes(), seq);
    }
  }

  /** What one phase measured. */
  private record Result(String name, double seconds, long batches, long rawBytes, long errors, long[] latencyNanos,
      double serverCpuSeconds, String firstError, String cpuPerBatch) {
    double batchesPerSecond() {
      return batches / seconds;
    }

    double megabytesPerSecond() {
      return rawBytes / seconds / 1e6;
    }

    String line() {
      return String.format("%-28s %8.1f batches/s %7.2f MB/s raw  p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms"
              + "  max %7.1f ms  errors %d  server CPU %.2f cores%s",
          name, batchesPerSecond(), megabytesPerSecond(), ms(Bench.percentile(latencyNanos, 50)),
          ms(Bench.percentile(latencyNanos, 90)), ms(Bench.percentile(latencyNanos, 99)),
          ms(Bench.percentile(latencyNanos, 100)), errors, serverCpuSeconds / seconds,
          firstError == null ? "" : "  first error: " + firstError)
          + (cpuPerBatch.isEmpty() ? "" : "\n    appliance CPU ms per batch by thread: " + cpuPerBatch);
    }
  }

  public static void main(String[] argv) throws Exception {
    Bench bench = new Bench("ingest", argv);
    int copies = bench.intArg("copies", 8);
    packed = Boolean.parseBoolean(bench.arg("packed", "false"));
    long batchMillis = Math.round(bench.doubleArg("batch-seconds", 5) * 1000);
    List<List<CorpusBatch>> corpus = new ArrayList<>();
    long rawTotal = 0;
    long gzTotal = 0;
    int batchTotal = 0;
    for (CorpusBatches.Session s : CorpusBatches.load()) {
      List<CorpusBatch> batches = new ArrayList<>();
      for (List<ObjectNode> events : CorpusBatches.cut(s.events(), batchMillis)) {
        byte[] joined = CorpusBatches.joined(events);
        long rrwebBytes = joined.length; // MB/s stay those of the corpus's own JSON, packed or not
        if (packed) {
          joined = CorpusBatches.joined(events.stream().map(e -> (ObjectNode) NodePacker.packEvent(e)).toList());
        }
        byte[] tail = new byte[joined.length + 2];
        System.arraycopy(joined, 0, tail, 0, joined.length);
        tail[joined.length] = ']';
        tail[joined.length + 1] = '}';
        CorpusBatch b = new CorpusBatch(CorpusBatches.gzip(tail), rrwebBytes, events.size());
        batches.add(b);
        rawTotal += b.rawBytes();
        gzTotal += b.eventsGz().length;
      }
      batchTotal += batches.size();
      corpus.add(batches);
    }
    System.out.printf("# corpus: %d sessions, %d SDK batches, %.2f MB raw, %.2f MB gzip (%.1fx), "
            + "%.1f KB raw per batch on average%n", corpus.size(), batchTotal, rawTotal / 1e6, gzTotal / 1e6,
        (double) rawTotal / gzTotal, rawTotal / 1e3 / batchTotal);

    if (bench.arg("admission", "on").equals("compare")) {
      compare(bench, corpus, "admission", "with admission", "without admission",
          "-Dcapture.benchmark-without-admission=", Double.NaN);
      return;
    }
    if (bench.arg("encryption", "on").equals("compare")) {
      compare(bench, corpus, "encryption", "encrypted", "unencrypted", "-Dcrypto.benchmark-unencrypted-recordings=",
          10);
      return;
    }
    // The production flags of README "Running in production", then no rate limit.
    List<String> jvm = new ArrayList<>(PRODUCTION_FLAGS);
    jvm.addAll(List.of("-Dcapture.site-batches-per-second=1000000", "-Dcapture.site-batch-burst=1000000"));
    if (Boolean.parseBoolean(bench.arg("jfr", "false"))) {
      jvm.add("-XX:StartFlightRecording=filename=" + bench.work.resolve("ingest.jfr") + ",settings=profile");
    }
    ApplianceProcess.Options options = ApplianceProcess.Options.of(bench.work.resolve("data"), bench.work)
        .withJvmOptions(bench.jvmOptions(jvm)).withNice(bench.intArg("appliance-nice", 0));
    System.out.println("# appliance JVM options: " + options.jvmOptions());
    try (ApplianceProcess app = ApplianceProcess.start(options)) {
      Duration up = app.awaitHealthy(Duration.ofMinutes(3));
      System.out.printf("# appliance up in %.1f s (pid %d, port %d)%n", up.toMillis() / 1e3, app.pid(), app.port());
      ApplianceClient client = new ApplianceClient(app.baseUri());
      String siteKey = client.demoSiteKey();
      boolean staggered = Boolean.parseBoolean(bench.arg("stagger", "true"));
      System.out.println("# sessions: " + (staggered ? "staggered (random start per slot)" : "lockstep waves (stagger=false)"));
      Supply supply = new Supply(corpus, copies, client, "127.0.0.1:" + app.port(), siteKey, staggered);

      int warmup = bench.intArg("warmup", 60);
      System.out.println(closedLoop(app, supply, 4, warmup, "warm-up, 4 connections").line());
      List<Result> levels = new ArrayList<>();
      for (String n : bench.arg("connections", "1,2,4,8,16,32").split(",")) {
        int c = Integer.parseInt(n.trim());
        Result r = closedLoop(app, supply, c, bench.intArg("seconds", 15), "closed loop, " + c + " conn");
        System.out.println(r.line() + "  [" + Bench.loadAverage() + "]");
        levels.add(r);
      }
      Result best = levels.stream().max((a, b) -> Double.compare(a.batchesPerSecond(), b.batchesPerSecond()))
          .orElseThrow();
      double fraction = bench.doubleArg("open-fraction", 0.7);
      double rate = best.batchesPerSecond() * fraction;
      int settle = bench.intArg("open-settle-seconds", 5);
      Result[] phases = openLoop(app, supply, rate, settle, bench.intArg("open-seconds", 30),
          bench.intArg("open-connections", 32),
          String.format("open loop %.0f%% = %.0f/s", fraction * 100, rate), bench.work.resolve("open-loop.csv"));
      Result open = phases[1];
      System.out.println("# every open-loop answer (due time as epoch ms, latency ms): "
          + bench.work.resolve("open-loop.csv"));
      System.out.println(phases[0].line() + "  (settling, not counted)");
      System.out.println(open.line() + "  [" + Bench.loadAverage() + "]");

      System.out.println();
      System.out.printf("RESULT saturation: %.1f MB/s raw, %.1f batches/s (%s) — target >= 50 MB/s: %s%n",
          best.megabytesPerSecond(), best.batchesPerSecond(), best.name(),
          best.megabytesPerSecond() >= 50 && best.errors() == 0 ? "met" : "MISSED");
      System.out.printf("RESULT at %.0f%% of saturation (%.0f batches/s offered, %.1f/s answered, %.1f MB/s): "
              + "p50 %.1f ms, p99 %.1f ms — target p99 <= 20 ms: %s%n",
          fraction * 100, rate, open.batchesPerSecond(), open.megabytesPerSecond(),
          ms(Bench.percentile(open.latencyNanos(), 50)), ms(Bench.percentile(open.latencyNanos(), 99)),
          ms(Bench.percentile(open.latencyNanos(), 99)) <= 20 && open.errors() == 0 ? "met" : "MISSED");
      System.out.println("# appliance RSS after the run: " + app.rssKib() / 1024 + " MiB; log " + app.log());
      app.stop();
    }
    // Each run writes gigabytes (the H2 file keeps superseded chunks until it compacts): keep only on request.
    Path data = bench.work.resolve("data");
    boolean keep = bench.arg("keep-data", "false").equals("true");
    System.out.printf("# data directory after the run: %.0f MB%s%n", sizeOf(data) / 1e6,
        keep ? " (kept: " + data + ")" : " (deleted; keep-data=true keeps it)");
    if (!keep) {
      try (var files = Files.walk(data)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  /**
   * {@code encryption=compare}: saturation throughput with recordings encrypted and unencrypted (the benchmark-only
   * {@code crypto.benchmark-unencrypted-recordings}); {@code admission=compare} the same with and without the
   * server-side admission ({@code capture.benchmark-without-admission}). Alternating ABAB... ({@code rounds=2}) in one run, each on a
   * fresh appliance and data directory (embedded H2: each round has a database and a root key of its own), so
   * drift of the machine falls on both; the target: encrypted at most 10 % lower. A round with errors ends
   * the comparison. {@code sessions-per-visitor=N} sends the SDK's visitor id, each visitor making N sessions (a
   * returning visitor's key exists); without it every session is a new data subject (the worst case).
   */
  private static void compare(Bench bench, List<List<CorpusBatch>> corpus, String what, String onName,
      String offName, String offFlag, double targetPct) throws Exception {
    int rounds = bench.intArg("rounds", 2);
    int connections = bench.intArg("connections", 32);
    int seconds = bench.intArg("seconds", 20);
    Map<Boolean, List<Double>> mbs = new java.util.HashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (boolean on : new boolean[] {true, false}) {
        List<String> jvm = new ArrayList<>(PRODUCTION_FLAGS);
        jvm.addAll(List.of("-Dcapture.site-batches-per-second=1000000", "-Dcapture.site-batch-burst=1000000",
            offFlag + !on));
        Path dir = bench.work.resolve("round-" + round + (on ? "-on" : "-off"));
        ApplianceProcess.Options options = ApplianceProcess.Options.of(dir.resolve("data"), dir)
            .withJvmOptions(bench.jvmOptions(jvm));
        try (ApplianceProcess app = ApplianceProcess.start(options)) {
          app.awaitHealthy(Duration.ofMinutes(3));
          ApplianceClient client = new ApplianceClient(app.baseUri());
          String siteKey = client.demoSiteKey();
          Supply supply = new Supply(corpus, bench.intArg("copies", 8), client, "127.0.0.1:" + app.port(), siteKey, true,
              bench.intArg("sessions-per-visitor", 0));
          closedLoop(app, supply, 4, bench.intArg("warmup", 30), "warm-up");
          Result r = closedLoop(app, supply, connections, seconds,
              (on ? onName : offName) + ", " + connections + " conn");
          System.out.println(r.line() + "  [" + Bench.loadAverage() + "]");
          if (r.errors() > 0) {
            throw new IllegalStateException("the " + (on ? onName : offName) + " round had "
                + r.errors() + " errors (first: " + r.firstError() + "): no comparison. Each round needs a fresh"
                + " database: with WITNESS_DB_URL every round would share one under a new root key");
          }
          mbs.computeIfAbsent(on, k -> new ArrayList<>()).add(r.megabytesPerSecond());
          app.stop();
        }
        try (var files = Files.walk(dir)) {
          for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    }
    double withIt = mbs.get(true).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double off = mbs.get(false).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double loss = (off - withIt) / off * 100;
    System.out.printf("RESULT %s overhead: %s %.1f MB/s %s, %s %.1f MB/s %s: %.1f %% lower%s%n", what, onName, withIt,
        mbs.get(true), offName, off, mbs.get(false), loss, Double.isNaN(targetPct) ? ""
            : " — target <= " + targetPct + " %: " + (loss <= targetPct ? "met" : "MISSED"));
  }

  private static long sizeOf(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static Result closedLoop(ApplianceProcess app, Supply supply, int connections, int seconds, String name)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong batches = new AtomicLong();
    AtomicLong raw = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String[] firstError = new String[1];
    long[][] latencies = new long[connections][];
    double cpu0 = Bench.cpuSeconds(app.pid());
    var threads0 = Bench.threadCpuSeconds(app.pid());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      int me = t;
      threads.add(Thread.ofPlatform().name("closed-" + t).start(() -> {
        long[] lat = new long[1024];
        int n = 0;
        try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.port())) {
          while (System.nanoTime() < end) {
            Request r = supply.next();
            long t0 = System.nanoTime();
            int status;
            try {
              status = c.exchange(r.head(), r.prefixGz(), r.eventsGz());
            } catch (IOException e) {
              c.close();
              status = -1;
            }
            long t1 = System.nanoTime();
            if (t1 > end) {
              break;
            }
            if (status == 200) {
              batches.incrementAndGet();
              raw.addAndGet(r.rawBytes());
              if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
              }
              lat[n++] = t1 - t0;
            } else {
              errors.incrementAndGet();
              synchronized (firstError) {
                if (firstError[0] == null) {
                  firstError[0] = status + " " + (status > 0 ? c.lastBody() : "I/O error");
                }
              }
            }
          }
        }
        latencies[me] = Arrays.copyOf(lat, n);
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(name, elapsed, batches.get(), raw.get(), errors.get(), all,
        Bench.cpuSeconds(app.pid()) - cpu0, firstError[0],
        Bench.cpuPerUnit(threads0, Bench.threadCpuSeconds(app.pid()), batches.get()));
  }

  /** A batch due at a fixed time. */
  private record Due(long dueNanos, Request request) {}

  private static Result[] openLoop(ApplianceProcess app, Supply supply, double rate, int settleSeconds,
      int seconds, int connections, String name, Path timeline) throws InterruptedException, IOException {
    BlockingQueue<Due> queue = new ArrayBlockingQueue<>(1 << 16);
    List<RawHttpConnection> open = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      RawHttpConnection c = new RawHttpConnection("127.0.0.1", app.port());
      c.connect();
      open.add(c);
    }
    // The generator's own young generation (bin/bench: 2 GB) is emptied now, so that no pause of the generator
    // falls inside the measured window: a request due during it would be sent late and count as slow.
    System.gc();
    long start = System.nanoTime();
    long settleNanos = settleSeconds * 1_000_000_000L;
    long total = (long) (rate * (settleSeconds + seconds));
    double interval = 1e9 / rate;
    AtomicLong batches = new AtomicLong();
    AtomicLong raw = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[] latencies = new long[(int) total];
    long[] dues = new long[(int) total];
    long[] raws = new long[(int) total];
    long[] lags = new long[(int) total];
    int[] seqs = new int[(int) total];
    AtomicLong done = new AtomicLong();
    String[] firstError = new String[1];
    Due poison = new Due(0, null);
    double cpu0 = Bench.cpuSeconds(app.pid());
    var threads0 = Bench.threadCpuSeconds(app.pid());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < connections; t++) {
      RawHttpConnection connection = open.get(t);
      workers.add(Thread.ofPlatform().name("open-" + t).start(() -> {
        try (RawHttpConnection c = connection) {
          while (true) {
            Due d = queue.take();
            if (d == poison) {
              return;
            }
            int status;
            long sent = System.nanoTime();
            try {
              status = c.exchange(d.request().head(), d.request().prefixGz(), d.request().eventsGz());
            } catch (IOException e) {
              c.close();
              status = -1;
            }
            long latency = System.nanoTime() - d.dueNanos();
            if (status == 200) {
              batches.incrementAndGet();
              raw.addAndGet(d.request().rawBytes());
              int i = (int) done.getAndIncrement();
              latencies[i] = latency;
              dues[i] = d.dueNanos() - start;
              raws[i] = d.request().rawBytes();
              lags[i] = sent - d.dueNanos();
              seqs[i] = d.request().seq();
            } else {
              errors.incrementAndGet();
              synchronized (firstError) {
                if (firstError[0] == null) {
                  firstError[0] = status + " " + (status > 0 ? c.lastBody() : "I/O error");
                }
              }
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    // Requests are built ahead of their due time so the schedule is not delayed by building them. A backlog of
    // more than 2 s of batches means the rate is not sustainable: the phase stops rather than pile up timeouts.
    String aborted = null;
    for (long k = 0; k < total; k++) {
      long due = start + (long) (k * interval);
      Request r = supply.next();
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (queue.size() > Math.max(10, rate * 2)) {
        aborted = String.format("unsustainable: %d batches queued after %.1f s; stopped", queue.size(),
            (System.nanoTime() - start) / 1e9);
        queue.clear();
        break;
      }
      queue.put(new Due(due, r));
    }
    for (int t = 0; t < connections; t++) {
      queue.put(poison);
    }
    for (Thread t : workers) {
      t.join(120_000);
    }
    if (aborted != null) {
      errors.incrementAndGet();
      firstError[0] = aborted + (firstError[0] == null ? "" : "; " + firstError[0]);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int n = (int) done.get();
    writeTimeline(timeline, start, dues, latencies, raws, lags, seqs, n);
    // The first settleSeconds are sent at the same rate but not counted (like wrk2's calibration period): the
    // phase starts right after the saturated closed loop, whose backlog and garbage the appliance is still working
    // off; the timeline keeps them.
    long[][] byPhase = {new long[n], new long[n]};
    long[] count = new long[2];
    long[] rawByPhase = new long[2];
    for (int i = 0; i < n; i++) {
      int phase = dues[i] < settleNanos ? 0 : 1;
      byPhase[phase][(int) count[phase]++] = latencies[i];
      rawByPhase[phase] += raws[i];
    }
    // The generator's own lateness (a request sent after its due time because the generator's threads waited for
    // a CPU), and the latency from the actual send: reported beside the latency from the due time, which counts.
    long[] lagMeasured = new long[n];
    long[] fromSend = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (dues[i] >= settleNanos) {
        lagMeasured[m] = lags[i];
        fromSend[m++] = latencies[i] - lags[i];
      }
    }
    lagMeasured = Arrays.copyOf(lagMeasured, m);
    fromSend = Arrays.copyOf(fromSend, m);
    Arrays.sort(lagMeasured);
    Arrays.sort(fromSend);
    if (m > 0) {
      System.out.printf("# generator send lag after the due time: p50 %.1f ms, p99 %.1f ms; latency from the send:"
          + " p50 %.1f ms, p99 %.1f ms%n", Bench.percentile(lagMeasured, 50) / 1e6,
          Bench.percentile(lagMeasured, 99) / 1e6, Bench.percentile(fromSend, 50) / 1e6,
          Bench.percentile(fromSend, 99) / 1e6);
    }
    double measured = Math.max(1e-9, elapsed - settleSeconds);
    double cpu = Bench.cpuSeconds(app.pid()) - cpu0;
    Result[] results = new Result[2];
    for (int phase = 0; phase < 2; phase++) {
      long[] sorted = Arrays.copyOf(byPhase[phase], (int) count[phase]);
      Arrays.sort(sorted);
      double secs = phase == 0 ? Math.max(1e-9, Math.min(settleSeconds, elapsed)) : measured;
      results[phase] = new Result(phase == 0 ? name + ", first " + settleSeconds + " s" : name, secs, count[phase],
          rawByPhase[phase], phase == 0 ? 0 : errors.get(), sorted, cpu * secs / elapsed, firstError[0],
          Bench.cpuPerUnit(threads0, Bench.threadCpuSeconds(app.pid()), batches.get()));
    }
    return results;
  }

  /** One line per answered batch of the open loop, to set the tail against GC and appliance logs by time. */
  private static void writeTimeline(Path file, long startNanos, long[] dues, long[] latencies, long[] raws,
      long[] lags, int[] seqs, int n) throws IOException {
    long epochNanosAtStart = System.currentTimeMillis() * 1_000_000L - (System.nanoTime() - startNanos);
    StringBuilder csv = new StringBuilder("due_epoch_ms,latency_ms,raw_bytes,seq,send_lag_ms\n");
    for (int i = 0; i < n; i++) {
      csv.append(String.format("%.3f,%.3f,%d,%d,%.3f%n", (epochNanosAtStart + dues[i]) / 1e6, latencies[i] / 1e6,
          raws[i], seqs[i], lags[i] / 1e6));
    }
    Files.writeString(file, csv);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
