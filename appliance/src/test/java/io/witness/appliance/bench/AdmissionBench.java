package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.capture.PackedNodes;
import io.witness.appliance.testing.NodePacker;
import io.witness.consent.BatchSanitizer;
import io.witness.consent.EventSanitizer;
import io.witness.consent.SanitizerSession;
import io.witness.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test): server-side admission throughput on one thread over the shared corpus, as the appliance
 * runs it per batch ({@code mode=stream}, the default): {@link BatchSanitizer} reads the envelope's head, then
 * sanitizes the batch in one token pass with the default policy. {@code mode=tree}: the way before 2026-12-04
 * (parse the batch into a tree, {@link EventSanitizer} on every event, write the tree back); {@code
 * mode=parse-only}: tree parse and write, no rules; {@code mode=unpack-only} (with {@code packed=true}): only the
 * unpacking, to see its share. Batches of 50 events per session, in order, one
 * {@link SanitizerSession} per session. Reports MB/s of input JSON, median of the rounds (each the corpus 20 times, ≈ 0.5 s) after 5 warm-up rounds.
 * {@code packed=true}: the batches packed as the SDK sends them (capture protocol v2, {@link NodePacker}) and
 * unpacked by {@link PackedNodes} first, as the appliance does; MB/s are still of the corpus's own JSON.
 * Also the rate per CPU-second of the whole process (GC and JIT threads included), which other processes on a
 * shared machine disturb less. {@code rounds=15}: measured rounds after the warm-up.
 * Run: {@code bin/bench admission [mode=stream|tree|parse-only|unpack-only] [packed=true] [rounds=15]}.
 * (Not JMH: the figure is a whole-pipeline rate per batch, as the appliance spends it.)
 */
public final class AdmissionBench {
  private AdmissionBench() {}

  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    boolean packed = List.of(args).contains("packed=true");
    PackedNodes unpacker = new PackedNodes(json, 16 << 20);
    int[] unpackedLength = new int[1];
    List<List<byte[]>> sessions = new ArrayList<>();
    long bytes = 0;
    try (var dirs = Files.list(Paths.corpus())) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        Path plain = dir.resolve("events.json");
        ArrayNode events;
        try (var in = Files.exists(plain) ? Files.newInputStream(plain)
            : new java.util.zip.GZIPInputStream(Files.newInputStream(dir.resolve("events.json.gz")))) {
          events = (ArrayNode) json.readTree(in);
        }
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 50) {
          ArrayNode part = json.createArrayNode();
          for (int j = i; j < Math.min(events.size(), i + 50); j++) {
            part.add(events.get(j));
          }
          byte[] b = json.writeValueAsBytes(json.createObjectNode().put("v", 1).put("sessionId", "s")
              .put("seq", i / 50).set("events", part));
          bytes += b.length; // the corpus's own bytes: the same figure with and without packing
          if (packed) {
            ArrayNode packedPart = json.createArrayNode();
            part.forEach(e -> packedPart.add(NodePacker.packEvent(e)));
            b = json.writeValueAsBytes(json.createObjectNode().put("v", PackedNodes.PACKED_VERSION)
                .put("sessionId", "s").put("seq", i / 50).set("events", packedPart));
          }
          batches.add(b);
        }
        sessions.add(batches);
      }
    }
    EventSanitizer sanitizer = new EventSanitizer(Policy.defaults());
    BatchSanitizer streaming = new BatchSanitizer(sanitizer, json);
    String mode = List.of(args).contains("mode=parse-only") ? "parse-only"
        : List.of(args).contains("mode=tree") ? "tree"
        : List.of(args).contains("mode=unpack-only") ? "unpack-only" : "stream";
    boolean sanitize = !mode.equals("parse-only");
    byte[] buffer = new byte[64 << 10]; // the appliance's pooled request buffer
    int repeat = 20;
    bytes *= repeat;
    int rounds = List.of(args).stream().filter(a -> a.startsWith("rounds=")).findFirst()
        .map(a -> Integer.parseInt(a.substring(7))).orElse(15);
    double[] rates = new double[rounds];
    double[] cpuRates = new double[rounds];
    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int round = -5; round < rates.length; round++) {
      long start = System.nanoTime();
      long cpuStart = os.getProcessCpuTime();
      long out = 0;
      for (int r = 0; r < repeat * sessions.size(); r++) {
        List<byte[]> batches = sessions.get(r % sessions.size());
        SanitizerSession session = new SanitizerSession();
        EventSanitizer.Report report = new EventSanitizer.Report();
        for (byte[] b : batches) {
          if (mode.equals("unpack-only")) {
            byte[] in = unpacker.unpack(b, b.length, unpackedLength);
            out += unpackedLength[0] + (in == b ? 0 : 1);
            continue;
          }
          if (mode.equals("stream")) {
            byte[] in = unpacker.unpack(b, b.length, unpackedLength); // as the appliance: v1 returns at "v"
            var unused = streaming.head(in, unpackedLength[0]);
            out += streaming.sanitize(session, in, unpackedLength[0], buffer, report).map(o -> o.length())
                .orElse(0);
            continue;
          }
          JsonNode tree = json.readTree(b);
          for (var it = tree.path("events").iterator(); it.hasNext(); ) {
            JsonNode event = it.next();
            if (sanitize && !sanitizer.apply(session, (ObjectNode) event, report)) {
              it.remove();
            }
          }
          out += json.writeValueAsBytes(tree).length;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (round >= 0) {
        rates[round] = bytes / 1e6 / seconds;
        cpuRates[round] = bytes / 1e6 / ((os.getProcessCpuTime() - cpuStart) / 1e9);
      }
      if (out == 0) {
        throw new AssertionError("nothing written");
      }
    }
    Arrays.sort(rates);
    Arrays.sort(cpuRates);
    int mid = rounds / 2;
    System.out.printf("RESULT admission (" + switch (mode) {
          case "stream" -> "one token pass, default policy, unchanged bytes copied: as the appliance runs it";
          case "tree" -> "tree parse + sanitize with the default policy + write (before 2026-12-04)";
          case "unpack-only" -> "packed nodes written out only (PackedNodes), no sanitizing";
          default -> "tree parse + write only, no sanitizing";
        } + (packed ? ", batches packed as the SDK sends them (protocol v2), unpacking included" : "")
        + "), one thread, %d sessions,"
        + " %.1f MB, %d rounds: median %.1f MB/s (min %.1f, max %.1f) of wall time, %.1f MB/s (min %.1f, max %.1f)"
        + " of the process's CPU time (GC and JIT threads included) — target >= 150 MB/s per core: %s%n",
        sessions.size(), bytes / 1e6, rounds, rates[mid], rates[0], rates[rounds - 1], cpuRates[mid], cpuRates[0],
        cpuRates[rounds - 1], rates[mid] >= 150 ? "met" : "MISSED");
  }
}
