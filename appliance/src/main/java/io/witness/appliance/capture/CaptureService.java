package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.witness.appliance.consent.ConsentService;
import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.recording.EventSlice;
import io.witness.appliance.recording.Fact;
import io.witness.appliance.recording.LiveBatch;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.site.Site;
import io.witness.appliance.site.SiteService;
import io.witness.appliance.subject.SubjectService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The capture use cases: a live batch from the SDK and the import of a finished recording. Both validate the
 * whole input before anything is stored, so a rejected request leaves nothing behind.
 */
@ApplicationScoped
public class CaptureService {
  /** The answer to a stored batch. */
  /** The answer to a batch; {@code stylesheets}: hashes the SDK may send instead of these stylesheets from now on. */
  public record BatchReceipt(String sessionId, int seq, boolean duplicate, List<String> stylesheets) {}

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  @Inject SiteService sites;
  @Inject RecordingStore store;
  @Inject CaptureLimits limits;
  @Inject DomIndexCache domIndexes;
  @Inject BatchWriter batchWriter;
  @Inject SubjectService subjects;
  @Inject Admission admission;
  @Inject io.witness.appliance.site.SiteStylesheets stylesheets;
  @Inject io.witness.appliance.incident.PiiIncidents incidents;

  private final ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000)
          .maxStringLength(16 << 20).build())
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private RateLimiter rateLimiter;
  private PackedNodes packedNodes;

  @PostConstruct
  void init() {
    rateLimiter = new RateLimiter(limits.batchesPerSecond, limits.batchBurst);
    packedNodes = new PackedNodes(mapper, limits.maxDecompressed);
  }

  public Site siteFor(String siteKey) {
    if (siteKey == null || siteKey.isBlank() || siteKey.length() > 64) {
      throw new ProblemException(ProblemType.UNKNOWN_SITE, 401, "the Witness-Site-Key header is missing");
    }
    return sites.byKey(siteKey).orElseThrow(() ->
        new ProblemException(ProblemType.UNKNOWN_SITE, 401, "no site has this key"));
  }

  public void checkRate(Site site) {
    long wait = rateLimiter.acquire(site.id(), System.nanoTime());
    if (wait > 0) {
      throw new ProblemException(Problem.of(ProblemType.RATE_LIMITED, 429,
          "this site sends batches faster than its limit"), Map.of("Retry-After", Long.toString(wait)));
    }
  }

  /**
   * Validates and stores one SDK batch (already size-limited and decoded). {@code clientIp} (truncated here) and
   * {@code userAgent} describe the sender; both are stored sealed with a new recording. An identity on the batch
   * (identify()) is stored before the batch is handed on.
   */
  public BatchReceipt ingest(Site site, ConsentService.Admitted consent, InputStream body, String clientIp,
      String userAgent) throws IOException {
    Body read = Body.of(body);
    // Stylesheet references, then protocol v2's packed nodes, written out before admission reads the batch.
    read = rewritten(read, (bytes, length, newLength) ->
        stylesheets.expand(site.id(), bytes, length, newLength, limits.maxDecompressed));
    read = rewritten(read, packedNodes::unpack);
    Admission.Batch admitted;
    byte[] into = Body.buffer();
    try {
      admitted = admission.batch(mapper, site.id(), read.bytes(), read.length(), into);
    } catch (StreamConstraintsException e) {
      throw ProblemException.malformed("the JSON nests too deeply or has an oversized value");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ProblemException.malformed("the body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    } finally {
      read.release();
    }
    if (admitted.json().isEmpty()) {
      // Every event was out of the policy's scope: nothing to store, and nothing to retry.
      new Body(into, 0).release();
      if (!SESSION_ID.matcher(admitted.sessionId()).matches() || admitted.seq() < 0) {
        throw ProblemException.validation("sessionId", "must be 16-64 characters of [A-Za-z0-9_-], with a seq");
      }
      return new BatchReceipt(admitted.sessionId(), admitted.seq(), false, List.of());
    }
    Body json = new Body(admitted.json().get().bytes(), admitted.json().get().length());
    Envelope env;
    List<io.witness.appliance.site.SiteStylesheets.Found> found;
    try {
      env = parseEnvelope(site.id(), json);
      found = stylesheets.find(json.bytes(), json.length());
    } finally {
      json.release();
    }
    if (env.visitorId != null && !ConsentService.sha256(env.visitorId).equals(consent.visitorHash())) {
      throw new ProblemException(ProblemType.CONSENT_REQUIRED, 403, "the consent receipt is another visitor's");
    }
    if (env.identity != null) {
      if (env.visitorId != null) {
        subjects.identify(site.id(), KeyService.VISITOR, env.visitorId, env.identity);
      } else {
        subjects.identify(site.id(), KeyService.SESSION, env.sessionId, env.identity);
      }
    }
    int policyVersion = admission.current(site.id()).version();
    if (!admitted.quarantined().isEmpty()) {
      incidents.raise(site.id(), env.sessionId, env.seq, env.visitorId != null ? KeyService.VISITOR : KeyService.SESSION,
          env.visitorId != null ? env.visitorId : env.sessionId, policyVersion, admitted.quarantined());
    }
    LiveBatch.Origin origin = new LiveBatch.Origin(env.visitorId, ClientAddress.truncate(clientIp),
        userAgent == null || userAgent.isBlank() ? null : (userAgent.length() <= 512 ? userAgent : userAgent.substring(0, 512)),
        consent.consentId(), policyVersion);
    boolean duplicate = batchWriter.append(LiveBatch.of(site.id(), env.sessionId, env.seq, env.slice, origin));
    return new BatchReceipt(env.sessionId, env.seq, duplicate, stylesheets.remember(site.id(), found));
  }

  /**
   * At start, before requests are taken: the batches of the ingest journal (answered, perhaps not yet stored
   * when the appliance stopped) are stored. Each is parsed again, so its facts are named against its session's
   * DOM index as stored, like any batch.
   */
  void replayJournal(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 50)
      @Initialized(ApplicationScoped.class) Object ignored) {
    batchWriter.replayJournal(this::batchOf);
  }

  private LiveBatch batchOf(IngestJournal.Entry entry) {
    byte[] events = LiveBatch.eventsOf(entry.frame());
    // The session key was validated to [A-Za-z0-9_-] before it was journaled: nothing to escape.
    byte[] head = ("{\"v\":1,\"sessionId\":\"" + entry.sessionKey() + "\",\"seq\":" + entry.seq() + ",\"events\":[")
        .getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + events.length + 2];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(events, 0, body, head.length, events.length);
    body[body.length - 2] = ']';
    body[body.length - 1] = '}';
    try {
      Envelope env = parseEnvelope(entry.siteId(), new Body(body, body.length));
      return new LiveBatch(entry.siteId(), env.sessionId, env.seq, env.slice, entry.frame(), entry.origin());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Envelope {
    Integer v;
    String sessionId;
    Integer seq;
    String visitorId;
    SubjectService.Identity identity;
    EventSlice slice;
  }

  private Envelope parseEnvelope(String siteId, InputStream body) throws IOException {
    Body read = Body.of(body);
    try {
      return parseEnvelope(siteId, read);
    } finally {
      read.release();
    }
  }

  private Envelope parseEnvelope(String siteId, Body read) throws IOException {
    byte[] bytes = read.bytes();
    int length = read.length();
    Envelope env = new Envelope();
    List<EventSlice> slices = new ArrayList<>();
    // The session id may come after the events in the body, so the DOM index is picked once it is known;
    // facts of events read before are resolved against a fresh index (clicks keep their node ids).
    try (JsonParser p = mapper.getFactory().createParser(bytes, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ProblemException.validation("body", "must be a JSON object (the batch envelope)");
      }
      Head head = peekHead(bytes, length);
      DomIndex dom = head.sessionId() == null ? new DomIndex()
          : domIndexes.forSession(siteId, head.sessionId(), head.seq() == 0);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "v" -> env.v = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "sessionId" -> env.sessionId = t == JsonToken.VALUE_STRING ? p.getText() : "";
          case "seq" -> env.seq = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue() : -1;
          case "visitorId" -> env.visitorId = t == JsonToken.VALUE_STRING ? p.getText() : "";
          case "identity" -> env.identity = Identities.read(p, t);
          case "events" -> {
            synchronized (dom) {
              new EventReader(mapper, new EventInterpreter(dom), limits.maxEventsPerBatch, "events", bytes)
                  .read(p, slices::add);
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw ProblemException.malformed("unexpected content after the batch envelope");
      }
    } catch (StreamConstraintsException e) {
      throw ProblemException.malformed("the JSON nests too deeply or has an oversized value");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ProblemException.malformed("the body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (env.v == null || (env.v != 1 && env.v != PackedNodes.PACKED_VERSION)) {
      throw ProblemException.validation("v", "must be 1 or 2 (the protocol version)");
    }
    if (env.sessionId == null || !SESSION_ID.matcher(env.sessionId).matches()) {
      throw ProblemException.validation("sessionId", "must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -");
    }
    if (env.seq == null || env.seq < 0) {
      throw ProblemException.validation("seq", "must be an integer >= 0");
    }
    if (env.visitorId != null && !SESSION_ID.matcher(env.visitorId).matches()) {
      throw ProblemException.validation("visitorId", "must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -");
    }
    if (slices.isEmpty()) {
      throw ProblemException.validation("events", "must be a non-empty array of rrweb events");
    }
    env.slice = merge(slices);
    return env;
  }

  /** A rewrite of a body's bytes: the same array when nothing changed, else a new one of {@code newLength[0]}. */
  private interface Rewrite {
    byte[] apply(byte[] bytes, int length, int[] newLength);
  }

  /** {@code body} through {@code rewrite}; the old body released when replaced, and on an error. */
  private static Body rewritten(Body body, Rewrite rewrite) {
    int[] newLength = new int[1];
    byte[] out;
    try {
      out = rewrite.apply(body.bytes(), body.length(), newLength);
    } catch (RuntimeException e) {
      body.release();
      throw e;
    }
    if (out == body.bytes()) {
      return body;
    }
    body.release();
    return new Body(out, newLength[0]);
  }

  /**
   * A request body read into one array: {@code bytes[0..length)}. InputStream.readAllBytes collects pieces and
   * copies them (three times the body in garbage); an SDK batch (≈36 KB of JSON) fits the first 64 KB here. The
   * arrays come from a small pool and go back with {@link #release()} once the batch is parsed (every slice copies
   * its bytes out): 64 KB per request was 10–15 % of the ingest path's allocation (docs/benchmarks.md).
   */
  @SuppressWarnings("ArrayRecordComponent") // internal, read once
  record Body(byte[] bytes, int length) {
    static final int INITIAL = 64 << 10;
    /** Larger arrays (a rare big batch) are left to the GC rather than kept. */
    static final int LARGEST_KEPT = 1 << 20;
    static final int POOLED = 32;
    private static final BlockingQueue<byte[]> POOL = new ArrayBlockingQueue<>(POOLED);

    /** An array from the pool (or a new one of {@link #INITIAL} bytes); back with {@link #release()}. */
    static byte[] buffer() {
      byte[] pooled = POOL.poll();
      return pooled != null ? pooled : new byte[INITIAL];
    }

    static Body of(InputStream in) throws IOException {
      byte[] buf = buffer();
      int n = 0;
      for (int r; (r = in.read(buf, n, buf.length - n)) >= 0; ) {
        n += r;
        if (n == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
      }
      return new Body(buf, n);
    }

    /** Hands the array back; nothing may read this body afterwards. */
    void release() {
      if (bytes.length <= LARGEST_KEPT) {
        var unused = POOL.offer(bytes);
      }
    }
  }

  /** The envelope's session id and seq, when they are valid; null and -1 when absent or invalid. */
  private record Head(String sessionId, int seq) {}

  /** Finds "sessionId" and "seq" at the top level without building anything (the SDK writes both first). */
  private Head peekHead(byte[] bytes, int length) throws IOException {
    String sessionId = null;
    int seq = -1;
    try (JsonParser p = mapper.getFactory().createParser(bytes, 0, length)) {
      p.nextToken();
      while ((sessionId == null || seq < 0) && p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("sessionId") && t == JsonToken.VALUE_STRING && SESSION_ID.matcher(p.getText()).matches()) {
          sessionId = p.getText();
        } else if (name.equals("seq") && t == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT) {
          seq = Math.max(-1, p.getIntValue());
        } else {
          p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Head(null, -1);
    }
    return new Head(sessionId, seq);
  }

  /** One slice of all of {@code slices}, their events in order (package-private for its test). */
  static EventSlice merge(List<EventSlice> slices) {
    if (slices.size() == 1) {
      return slices.get(0);
    }
    // Sized once: a growing ByteArrayOutputStream copied each batch's events several times over.
    int size = slices.size() - 1;
    for (EventSlice s : slices) {
      size += s.json().length;
    }
    byte[] bytes = new byte[size];
    int at = 0;
    List<Fact> facts = new ArrayList<>();
    int n = 0;
    long first = Long.MAX_VALUE;
    long last = 0;
    int activityCount = slices.stream().mapToInt(s -> s.activityTs().length).sum();
    long[] activity = new long[activityCount];
    int a = 0;
    for (EventSlice s : slices) {
      if (at > 0) {
        bytes[at++] = ',';
      }
      System.arraycopy(s.json(), 0, bytes, at, s.json().length);
      at += s.json().length;
      facts.addAll(s.facts());
      n += s.eventCount();
      first = Math.min(first, s.firstTs());
      last = Math.max(last, s.lastTs());
      System.arraycopy(s.activityTs(), 0, activity, a, s.activityTs().length);
      a += s.activityTs().length;
    }
    return new EventSlice(at == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, at), n, first, last, activity,
        facts, at);
  }

  /**
   * Validates and stores a complete rrweb recording (an event array); returns the new recording's id.
   * {@code subjectId}: its data subject, if the importer names one.
   */
  public String importRecording(Site site, ConsentService.Admitted consent, java.util.Optional<String> subjectId,
      InputStream body) throws IOException {
    DomIndex dom = new DomIndex();
    EventReader reader = new EventReader(mapper, new EventInterpreter(dom), 5_000_000, "events");
    try {
      io.witness.consent.EventSanitizer.Report report = new io.witness.consent.EventSanitizer.Report();
      InputStream admitted = admission.importBody(mapper, site.id(), body, report);
      int policyVersion = admission.current(site.id()).version();
      String id = store.importRecording(site.id(), consent.consentId(), policyVersion, subjectId,
          consumer -> {
        try (JsonParser p = mapper.getFactory().createParser(admitted)) {
          if (p.nextToken() != JsonToken.START_ARRAY) {
            throw ProblemException.validation("body", "must be a JSON array of rrweb events");
          }
          reader.read(p, consumer::accept);
          if (p.nextToken() != null) {
            throw ProblemException.malformed("unexpected content after the events array");
          }
        }
      });
      incidents.raiseForImport(site.id(), id, policyVersion, report.quarantined());
      return id;
    } catch (StreamConstraintsException e) {
      throw ProblemException.malformed("the JSON nests too deeply or has an oversized value");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ProblemException.malformed("the body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (UncheckedIOException e) {
      // Parsing while sanitizing (Admission.importBody) failed: the same answers as above.
      if (e.getCause() instanceof StreamConstraintsException) {
        throw ProblemException.malformed("the JSON nests too deeply or has an oversized value");
      }
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
        throw ProblemException.malformed("the body is not valid JSON (line " + j.getLocation().getLineNr()
            + ", column " + j.getLocation().getColumnNr() + ")");
      }
      throw e;
    }
  }
}
