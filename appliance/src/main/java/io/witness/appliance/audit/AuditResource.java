package io.witness.appliance.audit;

import io.witness.appliance.platform.ProblemException;
import io.witness.audit.AuditEntry;
import io.witness.audit.AuditEvent.Outcome;
import io.witness.audit.AuditExport;
import io.witness.audit.AuditStore;
import io.witness.audit.AuditVerifier;
import io.witness.audit.Checkpoint;
import io.witness.audit.Merkle;
import io.witness.audit.SignedNote;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log: search its entries, the latest signed checkpoint, an entry's inclusion proof, the export an
 * auditor verifies offline, and a verification run here. Every read of the log is itself audited.
 *
 * <pre>
 * curl -H "Authorization: Bearer $T" 'http://localhost:8080/api/v1/audit/entries?resource=recording:$ID'
 * curl -H "Authorization: Bearer $T" -o audit.zip http://localhost:8080/api/v1/audit/export
 * bin/witness audit verify audit.zip --key "$(curl -s -H "Authorization: Bearer $T" \
 *     http://localhost:8080/api/v1/audit/checkpoints/latest | jq -r .verifierKey)"
 * </pre>
 */
@Path("/api/v1/audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  @Inject AuditTrail trail;

  @GET
  @Path("/entries")
  public Map<String, Object> entries(
      @QueryParam("actor") @Size(max = 256) String actor,
      @QueryParam("action") @Size(max = 64) String action,
      @QueryParam("resource") @Size(max = 330) String resource,
      @QueryParam("from") @Size(max = 40) String from,
      @QueryParam("to") @Size(max = 40) String to,
      @QueryParam("beforeSeq") @Min(1) Long beforeSeq,
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
    trail.record("audit.search", Outcome.SUCCESS, "audit", null, null, null, null,
        filters(actor, action, resource, from, to));
    List<AuditStore.Stored> rows = search(actor, action, resource, from, to, beforeSeq, limit + 1);
    List<Map<String, Object>> items = new ArrayList<>();
    for (AuditStore.Stored s : rows.subList(0, Math.min(limit, rows.size()))) {
      items.add(view(s));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", items);
    body.put("nextBeforeSeq", rows.size() > limit ? rows.get(limit - 1).seq() : null);
    return body;
  }

  /** The same search as CSV (up to 10,000 entries, newest first), for a report; the export is itself audited. */
  @GET
  @Path("/entries.csv")
  @Produces("text/csv")
  public Response entriesCsv(
      @QueryParam("actor") @Size(max = 256) String actor,
      @QueryParam("action") @Size(max = 64) String action,
      @QueryParam("resource") @Size(max = 330) String resource,
      @QueryParam("from") @Size(max = 40) String from,
      @QueryParam("to") @Size(max = 40) String to) {
    trail.record("audit.search.export", Outcome.SUCCESS, "audit", null, null, null, null,
        filters(actor, action, resource, from, to));
    List<AuditStore.Stored> rows = search(actor, action, resource, from, to, null, 10_000);
    StringBuilder csv = new StringBuilder("seq,time,actor_type,actor,ip,action,outcome,resource_type,resource_id,site,"
        + "reason,note,leaf_hash\r\n");
    for (AuditStore.Stored s : rows) {
      AuditEntry e = AuditEntry.parse(s.canonical());
      csv.append(e.seq()).append(',').append(e.time()).append(',');
      for (String v : new String[] {e.event().actorType(), e.event().actor(), e.event().ip(), e.event().action(),
          e.event().outcome().wire(), e.event().resourceType(), e.event().resourceId(), e.event().site(),
          e.event().reason(), e.event().note()}) {
        csv.append(csvField(v)).append(',');
      }
      csv.append(HexFormat.of().formatHex(s.leafHash())).append("\r\n");
    }
    return Response.ok(csv.toString().getBytes(StandardCharsets.UTF_8))
        .header("Content-Disposition", "attachment; filename=\"witness-audit-report.csv\"").build();
  }

  /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula. */
  static String csvField(String v) {
    if (v == null) {
      return "";
    }
    String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || !s.equals(v)
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String filters(String actor, String action, String resource, String from, String to) {
    return "actor=" + actor + " action=" + action + " resource=" + resource + " from=" + from + " to=" + to;
  }

  private List<AuditStore.Stored> search(String actor, String action, String resource, String from, String to,
      Long beforeSeq, int limit) {
    StringBuilder sql = new StringBuilder("SELECT seq, canonical, leaf_hash FROM audit_entries WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (actor != null && !actor.isBlank()) {
      sql.append(" AND actor = ?");
      params.add(actor);
    }
    if (action != null && !action.isBlank()) {
      sql.append(" AND action = ?");
      params.add(action);
    }
    if (resource != null && !resource.isBlank()) {
      int colon = resource.indexOf(':');
      if (colon < 1 || colon > 64) {
        throw ProblemException.validation("resource", "must be type:id, e.g. recording:<id> or user:alice");
      }
      sql.append(" AND resource_type = ? AND resource_id = ?");
      params.add(resource.substring(0, colon));
      params.add(resource.substring(colon + 1));
    }
    if (from != null && !from.isBlank()) {
      sql.append(" AND recorded_at >= ?");
      params.add(instant("from", from));
    }
    if (to != null && !to.isBlank()) {
      sql.append(" AND recorded_at < ?");
      params.add(instant("to", to));
    }
    if (beforeSeq != null) {
      sql.append(" AND seq < ?");
      params.add(beforeSeq);
    }
    sql.append(" ORDER BY seq DESC FETCH FIRST ").append(limit).append(" ROWS ONLY");
    return trail.store().query(sql.toString(), params.toArray());
  }

  /** An entry as the API shows it: its fields, from the canonical JSON that was hashed, and its leaf hash. */
  static Map<String, Object> view(AuditStore.Stored s) {
    AuditEntry e = AuditEntry.parse(s.canonical());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("time", e.time().toString());
    m.put("actorType", e.event().actorType());
    m.put("actor", e.event().actor());
    m.put("ip", e.event().ip());
    m.put("userAgent", e.event().userAgent());
    m.put("action", e.event().action());
    m.put("outcome", e.event().outcome().wire());
    m.put("resourceType", e.event().resourceType());
    m.put("resourceId", e.event().resourceId());
    m.put("site", e.event().site());
    m.put("reason", e.event().reason());
    m.put("detailsDigest", e.event().detailsDigest());
    m.put("note", e.event().note());
    m.put("leafHash", HexFormat.of().formatHex(s.leafHash()));
    m.put("canonical", new String(s.canonical(), StandardCharsets.UTF_8));
    return m;
  }

  @GET
  @Path("/checkpoints/latest")
  public Map<String, Object> latestCheckpoint() {
    trail.record("audit.checkpoint.read", Outcome.SUCCESS, "audit", null, null, null);
    trail.log().checkpointNow();
    AuditStore.StoredCheckpoint c = trail.store().latestCheckpoint()
        .orElseThrow(() -> ProblemException.notFound("no checkpoint yet"));
    Checkpoint cp = Checkpoint.parse(SignedNote.parse(c.note()).text());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("treeSize", c.size());
    m.put("rootHash", HexFormat.of().formatHex(cp.root()));
    m.put("note", c.note());
    m.put("verifierKey", trail.log().key().encoded());
    return m;
  }

  /** The RFC 9162 inclusion proof of entry {@code seq} in the tree of the latest checkpoint. */
  @GET
  @Path("/entries/{seq}/proof")
  public Map<String, Object> proof(@PathParam("seq") @Min(1) long seq) {
    trail.record("audit.proof.read", Outcome.SUCCESS, "audit-entry", Long.toString(seq), null, null);
    trail.log().checkpointNow();
    AuditStore.StoredCheckpoint c = trail.store().latestCheckpoint()
        .orElseThrow(() -> ProblemException.notFound("no checkpoint yet"));
    if (seq > c.size()) {
      throw ProblemException.notFound("no entry " + seq + " under the latest checkpoint");
    }
    List<AuditStore.Stored> entry = trail.store().entries(seq, 1);
    List<String> path = Merkle.inclusionProof(trail.log().tree(), seq - 1, c.size()).stream()
        .map(HexFormat.of()::formatHex).toList();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("leafIndex", seq - 1);
    m.put("leafHash", HexFormat.of().formatHex(entry.get(0).leafHash()));
    m.put("treeSize", c.size());
    m.put("proof", path);
    m.put("checkpoint", c.note());
    m.put("verifierKey", trail.log().key().encoded());
    return m;
  }

  /** The whole log as one zip (entries, leaf hashes, checkpoints, public key) for {@code bin/witness audit verify}. */
  @GET
  @Path("/export")
  @Produces("application/zip")
  public Response export() {
    trail.record("audit.export", Outcome.SUCCESS, "audit", null, null, null);
    trail.log().checkpointNow();
    StreamingOutput body = out -> AuditExport.write(trail.store(), trail.log().origin(), trail.log().key(),
        trail.signingKeySpki(), out);
    return Response.ok(body).header("Content-Disposition", "attachment; filename=\"witness-audit-"
        + Instant.now().getEpochSecond() + ".zip\"").build();
  }

  /** Verifies the stored log here, as the offline verifier would, and records the run and its result. */
  @POST
  @Path("/verifications")
  public Map<String, Object> verify() throws IOException {
    trail.log().checkpointNow();
    java.nio.file.Path tmp = Files.createTempFile("witness-audit-", ".zip");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        AuditExport.write(trail.store(), trail.log().origin(), trail.log().key(), trail.signingKeySpki(), out);
      }
      AuditVerifier.Result r = AuditVerifier.verify(tmp, trail.log().key(), List.of(),
          io.witness.audit.VerifyCommand.provider());
      trail.record("audit.verify", r.ok() ? Outcome.SUCCESS : Outcome.FAILURE, "audit", null, null, r.line());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", r.ok());
      m.put("entries", r.entries());
      m.put("checkpoints", r.checkpoints());
      m.put("firstBadSeq", r.ok() ? null : r.firstBadSeq());
      m.put("result", r.line());
      return m;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ProblemException.validation(name, "must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }
}
