package io.witness.appliance.policy;

import io.witness.appliance.audit.RequestOrigin;
import io.witness.appliance.platform.LimitedInput;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.site.SiteService;
import io.witness.policy.Policy;
import io.witness.policy.PolicyWriter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A site's capture policy: read, validate, change (a new version; audited), and its history. The body of PUT and
 * of a validation is the document itself, JSON or YAML (policy-rules/README.md).
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/sites/demo/policy
 * curl -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/yaml' \
 *      --data-binary @policy.yaml http://localhost:8080/api/v1/sites/demo/policy
 * </pre>
 */
@Path("/api/v1")
@RequestScoped
public class PolicyResource {
  /** Bytes of a policy document read at most (the parser allows 64 K characters). */
  static final int MAX_BYTES = 256 * 1024;

  @Inject PolicyService policies;
  @Inject SiteService sites;
  @Inject RequestOrigin origin;
  @Inject io.witness.appliance.replay.ReplayService replay;
  @Inject io.witness.appliance.audit.AuditTrail audit;

  @GET
  @Path("/sites/{siteId}/policy")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> current(@PathParam("siteId") String siteId) {
    return view(policies.current(site(siteId)), true);
  }

  @PUT
  @Path("/sites/{siteId}/policy")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> change(@PathParam("siteId") String siteId,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body) throws IOException {
    String id = site(siteId);
    return view(policies.save(id, document(body, contentLength), origin.actor()), true);
  }

  @GET
  @Path("/sites/{siteId}/policy/versions")
  @Produces(MediaType.APPLICATION_JSON)
  public List<Map<String, Object>> versions(@PathParam("siteId") String siteId) {
    return policies.history(site(siteId)).stream().map(p -> view(p, false)).toList();
  }

  @GET
  @Path("/sites/{siteId}/policy/versions/{version}")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> version(@PathParam("siteId") String siteId, @PathParam("version") int version) {
    return view(policies.version(site(siteId), version)
        .orElseThrow(() -> ProblemException.notFound("this site has no policy version " + version)), true);
  }

  /** Validates a document without saving it: 200 with the policy as it would apply, or a 400 problem. */
  @POST
  @Path("/policies/validations")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> validate(@HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body) throws IOException {
    Policy p = PolicyService.validate(document(body, contentLength));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("valid", true);
    out.put("normalised", PolicyWriter.document(p));
    return out;
  }

  /**
   * A recording's events as a policy document (the request body, JSON or YAML; not saved) would admit them: the
   * admission's rules applied to the events as stored, so the preview shows what the document changes on top of the
   * policy the recording was captured under (what that one masked stays masked). 400 lists the document's
   * problems. Audited as a read of the recording's events ({@code recording.preview}). Streamed like the events
   * themselves: the answer is {@code {"recordingId", "events", "summary", "matches"}}, the last two after the events.
   *
   * <pre>
   * curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/yaml' \
   *      --data-binary 'masking: { maskText: [table] }' "http://localhost:8080/api/v1/policies/previews?recording=$ID"
   * </pre>
   */
  @POST
  @Path("/policies/previews")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public jakarta.ws.rs.core.Response preview(
      @jakarta.ws.rs.QueryParam("recording") @jakarta.validation.constraints.NotNull
      @jakarta.validation.constraints.Pattern(regexp = "[0-9a-f-]{36}", message = "must be a recording id") String id,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body) throws IOException {
    Policy p = PolicyService.validate(document(body, contentLength));
    String siteId = replay.siteOf(id);
    io.witness.appliance.recording.RecordingStore.EventStream stream = replay.events(id);
    try {
      audit.record("recording.preview", io.witness.audit.AuditEvent.Outcome.SUCCESS, "recording", id, siteId,
          null, null, "policy preview");
    } catch (RuntimeException e) {
      stream.close();
      throw e;
    }
    // Streamed: one event at a time is parsed, sanitized and written (a 30-minute recording is ≈13 MB of JSON, its
    // tree several times that); the summary and the matches follow the events, once they are known.
    jakarta.ws.rs.core.StreamingOutput answer = out -> preview(p, stream, id, out);
    return jakarta.ws.rs.core.Response.ok(answer, MediaType.APPLICATION_JSON).build();
  }

  private static void preview(Policy p, io.witness.appliance.recording.RecordingStore.EventStream stream, String id,
      java.io.OutputStream out) throws IOException {
    io.witness.consent.EventSanitizer sanitizer = new io.witness.consent.EventSanitizer(p);
    io.witness.consent.SanitizerSession session = new io.witness.consent.SanitizerSession();
    io.witness.consent.EventSanitizer.Report report = new io.witness.consent.EventSanitizer.Report();
    int before = 0;
    // The elements the document's rules matched, per page (full snapshot) for the console to outline.
    java.util.Set<Object> reported = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Map<String, Object>> matches = new java.util.ArrayList<>();
    int page = -1;
    try (com.fasterxml.jackson.core.JsonParser in = JSON.createParser(stream.read());
        com.fasterxml.jackson.core.JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("recordingId", id);
      json.writeArrayFieldStart("events");
      if (in.nextToken() != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
        throw new IOException("stored events are not a JSON array");
      }
      while (in.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
        com.fasterxml.jackson.databind.JsonNode e = JSON.readTree(in);
        before++;
        if (!(e instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || sanitizer.apply(session, o, report)) {
          JSON.writeTree(json, e);
        }
        page += e.path("type").asInt() == 2 ? 1 : 0;
        for (Map.Entry<Integer, List<String>> m : session.newMatches(reported).entrySet()) {
          if (matches.size() < MAX_MATCHES) {
            matches.add(Map.of("page", Math.max(0, page), "nodeId", m.getKey(), "rules", m.getValue()));
          }
        }
      }
      json.writeEndArray();
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("events", before);
      summary.put("dropped", report.dropped());
      summary.put("masked", report.masked());
      Map<String, Integer> redacted = new LinkedHashMap<>();
      report.redacted().forEach((k, n) -> redacted.put(k.wire(), n));
      summary.put("redacted", redacted);
      json.writeObjectField("summary", summary);
      json.writeObjectField("matches", matches);
      json.writeEndObject();
    }
  }

  /** Matched elements a preview reports at most (the outlines are a guide, not a census). */
  static final int MAX_MATCHES = 5_000;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private String site(String siteId) {
    return sites.byId(siteId).orElseThrow(() -> ProblemException.notFound("no site with this id")).id();
  }

  private static Map<String, Object> view(SitePolicy p, boolean withDocument) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("siteId", p.siteId());
    out.put("version", p.version());
    out.put("sha256", p.sha256());
    out.put("createdAt", p.createdAt().toString());
    out.put("createdBy", p.createdBy());
    if (withDocument) {
      out.put("document", p.document());
      out.put("normalised", PolicyWriter.document(p.policy()));
    }
    return out;
  }

  private static long length(String header) {
    try {
      return header == null || header.isBlank() ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw ProblemException.malformed("Content-Length is not a number");
    }
  }

  /** The body as UTF-8 text, refused (413) beyond {@link #MAX_BYTES} before it is buffered. */
  private static String document(InputStream body, String contentLength) throws IOException {
    try (InputStream in = LimitedInput.open(body, null, length(contentLength), MAX_BYTES,
        MAX_BYTES)) {
      byte[] bytes = in.readAllBytes();
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ProblemException.malformed("the policy document is not UTF-8 text");
    }
  }
}
