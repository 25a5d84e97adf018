package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.policy.PolicyService;
import io.witness.appliance.policy.SitePolicy;
import io.witness.consent.BatchSanitizer;
import io.witness.consent.EventSanitizer;
import io.witness.consent.SanitizerSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-side admission of recorded events (issue 6): the site's current policy applied again, by
 * {@link EventSanitizer}, to every live batch and every import before anything is stored — scope, blocking,
 * masking, PII redaction. The DOM state a session's later mutations need is kept per session, for the
 * {@value #SESSIONS} sessions that sent a batch most recently (a session's DOM costs ≈100–300 KB; 20,000 of them,
 * the bound until 2026-12-04, filled the heap under the ingest benchmark). A session forgotten, or lost in a
 * restart, fails closed until its next full snapshot: text and values of nodes it cannot place are masked
 * ({@link SanitizerSession}).
 */
@ApplicationScoped
class Admission {
  static final int SESSIONS = 2_000;

  @Inject PolicyService policies;

  /**
   * Benchmark only ({@code bin/bench ingest admission=compare}): batches are stored as sent, without the policy's
   * masking and redaction. The start logs a SEVERE warning when it is on; never set it where people are recorded.
   */
  @Inject
  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "capture.benchmark-without-admission",
      defaultValue = "false")
  boolean withoutAdmissionForBenchmark;

  @jakarta.annotation.PostConstruct
  void warnIfOff() {
    if (withoutAdmissionForBenchmark) {
      java.util.logging.Logger.getLogger(Admission.class.getName()).severe("BATCHES ARE STORED WITHOUT THE POLICY'S"
          + " MASKING AND REDACTION (capture.benchmark-without-admission=true): a benchmark setting, never for real"
          + " data");
    }
  }

  private final Map<String, BatchSanitizer> sanitizers = new ConcurrentHashMap<>();
  /** Least recently used first out; the lock is held for a lookup only. */
  private final Map<String, SanitizerSession> sessions = new java.util.LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SanitizerSession> eldest) {
      return size() > SESSIONS;
    }
  };

  /** The sanitizer of the site's current policy, and that policy's version. */
  SitePolicy current(String siteId) {
    return policies.current(siteId);
  }

  private BatchSanitizer sanitizer(SitePolicy p, ObjectMapper mapper) {
    return sanitizers.computeIfAbsent(p.siteId() + "@" + p.version(),
        k -> new BatchSanitizer(new EventSanitizer(p.policy()), mapper));
  }

  /**
   * A live batch's envelope with its events sanitized, as JSON bytes (in {@code into} when they fit); empty when
   * no event is left (a page out of scope). One pass over the batch's tokens that copies what it does not change ({@link BatchSanitizer}).
   * Structure errors are left for the envelope's validation (events that are not objects stay as they are).
   */
  Batch batch(ObjectMapper mapper, String siteId, byte[] bytes, int length, byte[] into) throws IOException {
    if (withoutAdmissionForBenchmark) {
      byte[] out = length <= into.length ? into : new byte[length];
      System.arraycopy(bytes, 0, out, 0, length);
      return new Batch(Optional.of(new BatchSanitizer.Output(out, length)), "", -1, java.util.List.of());
    }
    BatchSanitizer sanitizer = sanitizer(current(siteId), mapper);
    BatchSanitizer.Head head = sanitizer.head(bytes, length);
    String sessionId = head.sessionId() == null ? "" : head.sessionId();
    String key = siteId + "/" + sessionId;
    SanitizerSession session;
    synchronized (sessions) {
      session = sessions.computeIfAbsent(key, k -> new SanitizerSession());
    }
    EventSanitizer.Report report = new EventSanitizer.Report();
    Optional<BatchSanitizer.Output> json;
    synchronized (session) {
      json = sanitizer.sanitize(session, bytes, length, into, report);
    }
    return new Batch(json, sessionId, head.seq(), report.quarantined());
  }

  /**
   * A sanitized batch: its JSON, or empty when every event was dropped; its session id and seq; the values the
   * policy's quarantine action took out (for the incident).
   */
  record Batch(Optional<BatchSanitizer.Output> json, String sessionId, int seq,
      java.util.List<EventSanitizer.Report.Quarantined> quarantined) {}

  /**
   * An import's event array, sanitized as it is read: one event at a time is parsed, sanitized and written out,
   * so memory stays at one event whatever the recording's size. A body that is not an array passes unchanged for
   * the import's own validation to refuse.
   */
  InputStream importBody(ObjectMapper mapper, String siteId, InputStream body, EventSanitizer.Report report)
      throws IOException {
    EventSanitizer sanitizer = sanitizer(current(siteId), mapper).rules();
    SanitizerSession session = new SanitizerSession();
    JsonParser p = mapper.getFactory().createParser(body);
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_ARRAY) {
      throw ProblemException.validation("body", "must be a JSON array of rrweb events");
    }
    return new SequenceInputStream(new java.util.Enumeration<>() {
      private InputStream next = new java.io.ByteArrayInputStream(new byte[] {'['});
      private boolean firstEvent = true;
      private boolean done;

      @Override
      public boolean hasMoreElements() {
        if (next != null) {
          return true;
        }
        if (done) {
          return false;
        }
        try {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          while (out.size() < 1 << 16) {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.END_ARRAY) {
              if (t == JsonToken.END_ARRAY && p.nextToken() != null) {
                throw ProblemException.malformed("unexpected content after the events array");
              }
              out.write(']');
              done = true;
              p.close();
              break;
            }
            JsonNode event = mapper.readTree(p);
            if (event instanceof ObjectNode o && !sanitizer.apply(session, o, report)) {
              continue;
            }
            if (!firstEvent) {
              out.write(',');
            }
            firstEvent = false;
            mapper.writeValue(out, event);
          }
          next = new java.io.ByteArrayInputStream(out.toByteArray());
          return true;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public InputStream nextElement() {
        hasMoreElements();
        InputStream n = next;
        next = null;
        return n;
      }
    });
  }
}
