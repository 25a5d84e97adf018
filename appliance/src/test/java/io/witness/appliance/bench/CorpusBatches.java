package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The shared corpus cut the way the recorder SDK cuts a session (capture-protocol.md, "SDK behaviour"): a batch
 * closes 5 s after its first event or before it would pass 512 KB of JSON. Builds the protocol-v1 envelope
 * {@code {"v":1,"sessionId":...,"seq":n,"sentAt":...,"events":[...]}}.
 */
public final class CorpusBatches {
  public static final ObjectMapper JSON = new ObjectMapper();
  static final long BATCH_MILLIS = 5_000;
  static final int BATCH_BYTES = 512 << 10;

  private CorpusBatches() {}

  /** One recorded corpus session. */
  public record Session(String name, List<ObjectNode> events, long durationMs, long rawBytes) {
    /** The events cut into SDK batches. */
    public List<List<ObjectNode>> batches() {
      return cut(events);
    }
  }

  /** Every session of the corpus, sorted by folder name. */
  public static List<Session> load() {
    Path dir = Paths.corpus();
    List<Session> sessions = new ArrayList<>();
    try (Stream<Path> folders = Files.list(dir)) {
      for (Path f : folders.filter(p -> Files.isRegularFile(p.resolve("meta.json"))).sorted().toList()) {
        byte[] json = eventsJson(f);
        List<ObjectNode> events = new ArrayList<>();
        for (JsonNode e : JSON.readTree(json)) {
          events.add((ObjectNode) e);
        }
        long first = events.stream().mapToLong(e -> e.get("timestamp").asLong()).min().orElse(0);
        long last = events.stream().mapToLong(e -> e.get("timestamp").asLong()).max().orElse(0);
        sessions.add(new Session(f.getFileName().toString(), events, last - first, json.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (sessions.isEmpty()) {
      throw new AssertionError("the corpus at " + dir + " has no session folders (<name>/meta.json)");
    }
    return sessions;
  }

  private static byte[] eventsJson(Path folder) throws IOException {
    Path plain = folder.resolve("events.json");
    Path gz = folder.resolve("events.json.gz");
    if (Files.isRegularFile(plain)) {
      return Files.readAllBytes(plain);
    }
    if (!Files.isRegularFile(gz)) {
      throw new AssertionError("corpus session " + folder + " has neither events.json nor events.json.gz");
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** SDK cutting: 5 s of event time or 512 KB of JSON per batch, whichever comes first. */
  public static List<List<ObjectNode>> cut(List<ObjectNode> events) {
    return cut(events, BATCH_MILLIS);
  }

  /** Cutting with another time window (the 512 KB limit stays): larger batches for sensitivity runs. */
  public static List<List<ObjectNode>> cut(List<ObjectNode> events, long batchMillis) {
    List<List<ObjectNode>> batches = new ArrayList<>();
    List<ObjectNode> current = new ArrayList<>();
    long start = 0;
    long bytes = 0;
    for (ObjectNode e : events) {
      long ts = e.get("timestamp").asLong();
      int size = json(e).length + 1;
      if (!current.isEmpty() && (ts - start >= batchMillis || bytes + size > BATCH_BYTES)) {
        batches.add(current);
        current = new ArrayList<>();
      }
      if (current.isEmpty()) {
        start = ts;
        bytes = 0;
      }
      current.add(e);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** The events as JSON joined by commas (no brackets): what the server stores for the batch. */
  public static byte[] joined(List<ObjectNode> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ObjectNode e : events) {
      if (out.size() > 0) {
        out.write(',');
      }
      out.writeBytes(json(e));
    }
    return out.toByteArray();
  }

  /** The envelope's opening up to and including {@code "events":[}. */
  public static byte[] envelopeHead(String sessionId, int seq, long sentAt) {
    return envelopeHead(sessionId, null, seq, sentAt);
  }

  /** The same with the SDK's visitor id ({@code visitorId} null: none, as from an SDK before visitor ids). */
  public static byte[] envelopeHead(String sessionId, String visitorId, int seq, long sentAt) {
    return envelopeHead(1, sessionId, visitorId, seq, sentAt);
  }

  /** The same in another protocol version (2: the events are packed, {@code NodePacker}). */
  public static byte[] envelopeHead(int version, String sessionId, String visitorId, int seq, long sentAt) {
    return ("{\"v\":" + version + ",\"sessionId\":\"" + sessionId + "\",\"seq\":" + seq + ",\"sentAt\":" + sentAt
        + (visitorId == null ? "" : ",\"visitorId\":\"" + visitorId + "\"")
        + ",\"events\":[").getBytes(StandardCharsets.UTF_8);
  }

  /** The whole envelope of one batch. */
  public static byte[] envelope(String sessionId, int seq, long sentAt, byte[] joinedEvents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(joinedEvents.length + 128);
    out.writeBytes(envelopeHead(sessionId, seq, sentAt));
    out.writeBytes(joinedEvents);
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  public static byte[] json(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
      z.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A copy of the events with every timestamp moved by {@code shiftMs}. */
  public static List<ObjectNode> shifted(List<ObjectNode> events, long shiftMs) {
    List<ObjectNode> out = new ArrayList<>(events.size());
    for (ObjectNode e : events) {
      ObjectNode c = e.deepCopy();
      c.put("timestamp", e.get("timestamp").asLong() + shiftMs);
      out.add(c);
    }
    return out;
  }
}
