package io.witness.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Throughput of {@link PiiDetector} over real recorded page text: every JSON string value of the {@code *.json}
 * and {@code *.json.gz} files under a directory (default {@code /work/shared/corpus}, rrweb recordings), scanned
 * single-threaded. After 6 s of warm-up, prints the median of 5 timed rounds of {@code contains} + {@code scan} on
 * every value (each value read twice, its bytes counted once), and of each alone, in MB/s where MB is 10^6 bytes of
 * the values' UTF-8; then the matches per kind.
 *
 * <pre>
 * mvn -B -q -o -pl policy-rules test-compile
 * java -cp policy-rules/target/test-classes:policy-rules/target/classes:$HOME/.m2/repository/com/fasterxml/\
 *   jackson/core/jackson-core/2.18.2/jackson-core-2.18.2.jar io.witness.policy.PiiDetectorThroughput [dir] [--show]
 * </pre>
 *
 * {@code --show} also prints every match with its surroundings, to review false positives (test data only). On a
 * shared machine the figures move with the load of the other CPUs (a busy hyper-thread sibling halves them, CPU time
 * included), so the load average is printed too.
 */
final class PiiDetectorThroughput {
  private static final int ROUNDS = 5;
  private static final long ROUND_NANOS = 1_000_000_000L;
  private static final long WARM_UP_NANOS = 6_000_000_000L;

  private PiiDetectorThroughput() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "/work/shared/corpus");
    boolean show = Arrays.asList(args).contains("--show");
    List<String> values = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(PiiDetectorThroughput::isJson).sorted().toList()) {
        read(p, values);
        files++;
      }
    }
    String[] texts = values.toArray(String[]::new);
    long bytes = 0;
    for (String t : texts) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
    }
    System.out.printf("%d files, %d string values, %.2f MB (UTF-8); %s, %d CPUs, load average %.2f%n", files,
        texts.length, bytes / 1e6, Runtime.version(), Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    PiiDetector d = PiiDetector.all();
    Map<String, LongSupplier> passes = new LinkedHashMap<>();
    passes.put("contains+scan", () -> containsAndScan(d, texts));
    passes.put("contains", () -> contains(d, texts));
    passes.put("scan", () -> scan(d, texts));
    long sink = 0;
    for (long until = System.nanoTime() + WARM_UP_NANOS; System.nanoTime() < until; ) {
      for (LongSupplier pass : passes.values()) {
        sink += pass.getAsLong();
      }
    }
    for (Map.Entry<String, LongSupplier> e : passes.entrySet()) {
      sink += measure(e.getKey(), bytes, e.getValue());
    }
    System.out.println("(sink " + sink + ")");
    report(d, texts, show);
  }

  /**
   * Runs {@link #ROUNDS} rounds of {@code pass} of at least 1 s each and prints the median MB/s by wall-clock time and
   * by this thread's CPU time (the latter leaves out the time the thread waited for a CPU).
   */
  private static long measure(String name, long bytes, LongSupplier pass) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    double[] wall = new double[ROUNDS];
    double[] cpu = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long passes = 0;
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long t1;
      do {
        sink += pass.getAsLong();
        passes++;
        t1 = System.nanoTime();
      } while (t1 - t0 < ROUND_NANOS);
      long c1 = threads.getCurrentThreadCpuTime();
      wall[r] = bytes * passes * 1e3 / (t1 - t0);
      cpu[r] = bytes * passes * 1e3 / (c1 - c0);
    }
    System.out.printf("%-14s median %6.1f MB/s wall, %6.1f MB/s CPU  (wall rounds %s)%n", name, median(wall),
        median(cpu), Arrays.toString(Arrays.stream(wall).map(Math::rint).toArray()));
    return sink;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long containsAndScan(PiiDetector d, String[] texts) {
    long found = 0;
    for (String t : texts) {
      found += (d.contains(t) ? 1 : 0) + d.scan(t).size();
    }
    return found;
  }

  private static long contains(PiiDetector d, String[] texts) {
    long found = 0;
    for (String t : texts) {
      found += d.contains(t) ? 1 : 0;
    }
    return found;
  }

  private static long scan(PiiDetector d, String[] texts) {
    long found = 0;
    for (String t : texts) {
      found += d.scan(t).size();
    }
    return found;
  }

  private static void report(PiiDetector d, String[] texts, boolean show) {
    Map<PiiKind, Integer> counts = new EnumMap<>(PiiKind.class);
    for (String t : texts) {
      for (PiiMatch m : d.scan(t)) {
        counts.merge(m.kind(), 1, Integer::sum);
        if (show) {
          String around = t.substring(Math.max(0, m.start() - 30), Math.min(t.length(), m.end() + 30));
          System.out.printf("%-5s %-30s | %s%n", m.kind().wire(), t.substring(m.start(), m.end()),
              around.replace('\n', ' '));
        }
      }
    }
    System.out.println("matches per kind: " + counts);
  }

  private static boolean isJson(Path p) {
    String name = p.getFileName().toString();
    return Files.isRegularFile(p) && (name.endsWith(".json") || name.endsWith(".json.gz"));
  }

  private static void read(Path p, List<String> values) throws IOException {
    InputStream raw = Files.newInputStream(p);
    try (InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        JsonParser parser = new JsonFactory().createParser(in)) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.VALUE_STRING) {
          values.add(parser.getText());
        }
      }
    }
  }
}
