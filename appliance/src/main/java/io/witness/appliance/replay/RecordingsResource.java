package io.witness.appliance.replay;

import io.witness.appliance.audit.AuditTrail;
import io.witness.audit.AuditEvent.Outcome;

import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.recording.RecordingPage;
import io.witness.appliance.recording.RecordingQuery;
import io.witness.appliance.recording.RecordingStore;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Recordings: the list, one recording's metadata and timeline, and its events.
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/recordings?hasError=true&amp;limit=20'
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/recordings/$ID/events
 * </pre>
 */
@Path("/api/v1/recordings")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RecordingsResource {
  private static final String UUID = "[0-9a-f-]{36}";

  @Inject ReplayService replay;
  @Inject AuditTrail audit;

  @GET
  public Map<String, Object> list(
      @QueryParam("from") @Size(max = 40) String from,
      @QueryParam("to") @Size(max = 40) String to,
      @QueryParam("page") @Size(max = 2048) String page,
      @QueryParam("urlContains") String urlContains,
      @QueryParam("subject") @Size(max = 256) String subject,
      @QueryParam("trait") @Size(max = 1100) String trait,
      @QueryParam("clientIp") @Size(max = 64) String clientIp,
      @QueryParam("minDurationMs") @Min(0) Long minDurationMs,
      @QueryParam("maxDurationMs") @Min(0) Long maxDurationMs,
      @QueryParam("hasError") Boolean hasError,
      @QueryParam("site") @Size(max = 64) String site,
      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
      @QueryParam("cursor") @Size(max = 200) String cursor) {
    if (urlContains != null) {
      throw ProblemException.validation("urlContains", "page URLs are stored encrypted and cannot be searched by"
          + " substring; use page=<path> (an exact page path such as /checkout/payment, or a URL: its path is taken)");
    }
    // Every search is audited with its filters: those that may name a person (subject, trait, client IP, page)
    // only as a digest, the others in the entry's note.
    audit.record("recording.search", Outcome.SUCCESS, "recording", null, site, null,
        "subject=" + subject + "&trait=" + trait + "&clientIp=" + clientIp + "&page=" + page,
        "from=" + from + " to=" + to + " minDurationMs=" + minDurationMs + " maxDurationMs=" + maxDurationMs
            + " hasError=" + hasError + " site=" + site + " limit=" + limit + (cursor != null ? " next page" : "")
            + (subject != null ? " subject=(given)" : "") + (trait != null ? " trait=(given)" : "")
            + (clientIp != null ? " clientIp=(given)" : "") + (page != null ? " page=(given)" : ""));
    RecordingPage result = replay.list(new RecordingQuery(instant("from", from), instant("to", to),
        Optional.ofNullable(page), Optional.ofNullable(minDurationMs), Optional.ofNullable(maxDurationMs),
        Optional.ofNullable(hasError), Optional.ofNullable(site), Optional.empty(), Optional.ofNullable(clientIp),
        limit, Optional.ofNullable(cursor)), Optional.ofNullable(subject).filter(v -> !v.isBlank()),
        Optional.ofNullable(trait).filter(v -> !v.isBlank()).map(RecordingsResource::trait));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", result.items());
    body.put("nextCursor", result.nextCursor().orElse(null));
    return body;
  }

  @GET
  @Path("/{id}")
  public RecordingView get(@PathParam("id") @Pattern(regexp = UUID, message = "must be a recording id") String id) {
    RecordingDetail detail = replay.detail(id);
    audit.record("recording.read", Outcome.SUCCESS, "recording", id, detail.summary().siteId(), null);
    return RecordingView.of(detail);
  }

  /**
   * The events, streamed. Compressed with gzip when the client accepts it (a 30-minute recording is ≈13 MB of
   * JSON, ≈2 MB gzipped): the fastest level, since the point is the network, not the ratio. {@code offset} and
   * {@code limit} select events by position (the console asks for the first few to paint the first frame, then
   * for the rest), so the first frame does not wait for the whole recording.
   *
   * <pre>
   * curl -H "Authorization: Bearer $T" 'http://localhost:8080/api/v1/recordings/$ID/events?offset=0&amp;limit=64'
   * </pre>
   */
  @GET
  @Path("/{id}/events")
  public Response events(
      @PathParam("id") @Pattern(regexp = UUID, message = "must be a recording id") String id,
      @QueryParam("offset") @DefaultValue("0") @Min(0) long offset,
      @QueryParam("limit") @Min(1) Long limit,
      @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
    RecordingStore.EventStream stream = replay.events(id);
    try {
      // Fail closed: the events leave only once this entry is durable (a 503 problem otherwise).
      audit.record("recording.events.read", Outcome.SUCCESS, "recording", id, null, null, null,
          "offset=" + offset + (limit == null ? "" : " limit=" + limit));
    } catch (RuntimeException e) {
      stream.close();
      throw e;
    }
    long max = limit == null ? Long.MAX_VALUE : limit;
    if (!acceptsGzip(acceptEncoding)) {
      return Response.ok((StreamingOutput) out -> stream.writeTo(new EarlyFlushOutputStream(out), offset, max))
          .build();
    }
    StreamingOutput gzipped = out -> {
      // syncFlush: a flush() sends what has been compressed so far (EarlyFlushOutputStream uses it twice).
      try (OutputStream gz = new GZIPOutputStream(out, 64 << 10, true) {
        {
          def.setLevel(Deflater.BEST_SPEED);
        }
      }) {
        stream.writeTo(new EarlyFlushOutputStream(gz), offset, max);
      }
    };
    return Response.ok(gzipped).header(HttpHeaders.CONTENT_ENCODING, "gzip").header(HttpHeaders.VARY,
        HttpHeaders.ACCEPT_ENCODING).build();
  }

  /**
   * Whether the recording is what was captured: its capture manifest, recomputed from the chunks as stored, against
   * the digest the audit log recorded when it was complete. {@code status}: {@code verified}, {@code altered} (the
   * chunks changed since), or {@code pending} (still live, or stored before manifests existed).
   */
  @GET
  @Path("/{id}/integrity")
  public Map<String, Object> integrity(
      @PathParam("id") @Pattern(regexp = UUID, message = "must be a recording id") String id) {
    String siteId = replay.siteOf(id);
    Optional<String> current = replay.manifestDigest(id);
    Optional<AuditTrail.Found> recorded = audit.latest(AuditTrail.MANIFEST, "recording", id);
    String status = current.isEmpty() || recorded.isEmpty() ? "pending"
        : current.get().equals(recorded.get().entry().event().detailsDigest()) ? "verified" : "altered";
    audit.record("recording.verify", status.equals("altered") ? Outcome.FAILURE : Outcome.SUCCESS, "recording", id,
        siteId, null, null, status);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("manifestDigest", current.orElse(null));
    body.put("auditSeq", recorded.map(f -> f.entry().seq()).orElse(null));
    body.put("signed", recorded.map(AuditTrail.Found::signed).orElse(false));
    return body;
  }

  /** Body of {@code POST /api/v1/recordings/{id}/views}: played intervals, milliseconds from the recording's start. */
  public record WatchedIntervals(
      @jakarta.validation.constraints.NotNull @jakarta.validation.constraints.Size(min = 1, max = 500)
      List<@jakarta.validation.constraints.NotNull @jakarta.validation.constraints.Size(min = 2, max = 2)
          List<@jakarta.validation.constraints.NotNull @Min(0) @Max(86_400_000L) Long>> intervals) {}

  /**
   * The console reports, as the viewer leaves a replay, which parts of the recording were played; the audit log
   * keeps them in the entry's note ("who watched what").
   */
  @jakarta.ws.rs.POST
  @Path("/{id}/views")
  @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
  public Response watched(@PathParam("id") @Pattern(regexp = UUID, message = "must be a recording id") String id,
      @jakarta.validation.Valid @jakarta.validation.constraints.NotNull WatchedIntervals body) {
    StringBuilder note = new StringBuilder("watched");
    for (List<Long> interval : body.intervals()) {
      if (interval.get(0) > interval.get(1)) {
        throw ProblemException.validation("intervals", "each interval is [start, end] with start <= end");
      }
      note.append(note.length() > 7 ? ", " : " ").append(seconds(interval.get(0))).append('–')
          .append(seconds(interval.get(1))).append(" s");
    }
    String siteId = replay.siteOf(id);
    audit.record("replay.watched", Outcome.SUCCESS, "recording", id, siteId, null, null,
        note.length() > 2000 ? note.substring(0, 1997) + "..." : note.toString());
    return Response.noContent().build();
  }

  private static String seconds(long ms) {
    return String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",", -1)) {
      String[] kv = part.trim().split(";", -1);
      if (kv[0].trim().equalsIgnoreCase("gzip")) {
        return kv.length < 2 || !kv[1].replace(" ", "").equals("q=0");
      }
    }
    return false;
  }

  /** {@code name:value}, the name as identify() sent it. */
  private static Map.Entry<String, String> trait(String nameValue) {
    int colon = nameValue.indexOf(':');
    if (colon < 1 || colon > 64) {
      throw ProblemException.validation("trait", "must be name:value, e.g. email:ada@example.com");
    }
    return Map.entry(nameValue.substring(0, colon), nameValue.substring(colon + 1));
  }

  private static Optional<Instant> instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw ProblemException.validation(field, "must be an ISO-8601 instant such as 2026-11-25T10:00:00Z");
    }
  }
}
