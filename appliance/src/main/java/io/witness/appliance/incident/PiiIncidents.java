package io.witness.appliance.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.platform.TimeOrderedIds;
import io.witness.consent.EventSanitizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;

/**
 * Raises, lists and purges PII incidents. An incident belongs to one batch (site, session, seq) and to the data
 * subject of its recording (the visitor, or the session without a visitor id): its values are sealed with that
 * subject's field key, so erasing the subject shreds them, and the erasure deletes the incident
 * ({@code ErasureSteps}). Nothing here logs or returns a value.
 */
@ApplicationScoped
public class PiiIncidents {
  static final int VALUES_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject KeyService keys;

  /**
   * Raises the incident of a batch whose values the quarantine action took out; nothing when there are none or
   * when the batch (a retry) raised it before. Committed before the batch is answered.
   * {@code subjectDomain}/{@code subjectId}: the recording's data subject ({@link KeyService#VISITOR} and the
   * visitor id, or {@link KeyService#SESSION} and the session id).
   */
  @Transactional
  public void raise(String siteId, String sessionKey, int seq, String subjectDomain, String subjectId,
      int policyVersion, List<EventSanitizer.Report.Quarantined> values) {
    if (!values.isEmpty()) {
      insert(siteId, sessionKey, seq, keys.blindIndex(siteId, subjectDomain, subjectId), policyVersion, values);
    }
  }

  /** The incident of an imported recording (its id as the session, seq 0), sealed under the recording's subject. */
  @Transactional
  public void raiseForImport(String siteId, String recordingId, int policyVersion,
      List<EventSanitizer.Report.Quarantined> values) {
    if (values.isEmpty()) {
      return;
    }
    Object ref = em.createNativeQuery("select subject_ref from recordings where id = ?1")
        .setParameter(1, recordingId).getSingleResult();
    insert(siteId, recordingId, 0, ref == null ? keys.blindIndex(siteId, KeyService.IMPORT, recordingId)
        : (String) ref, policyVersion, values);
  }

  private void insert(String siteId, String sessionKey, int seq, String subjectRef, int policyVersion,
      List<EventSanitizer.Report.Quarantined> values) {
    if (((Number) em.createNativeQuery("select count(*) from pii_incidents where site_id = ?1"
        + " and session_key = ?2 and seq = ?3").setParameter(1, siteId).setParameter(2, sessionKey)
        .setParameter(3, seq).getSingleResult()).longValue() > 0) {
      return;
    }
    String id = TimeOrderedIds.next().toString();
    Map<String, Integer> kinds = new TreeMap<>();
    List<Map<String, String>> plain = new ArrayList<>();
    for (EventSanitizer.Report.Quarantined q : values) {
      kinds.merge(q.kind().wire(), 1, Integer::sum);
      plain.add(Map.of("kind", q.kind().wire(), "value", q.value()));
    }
    byte[] sealed;
    try {
      sealed = Aead.seal(fieldKey(siteId, subjectRef), VALUES_VERSION, JSON.writeValueAsBytes(plain),
          Aead.context("pii-incident", siteId, id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    em.createNativeQuery("insert into pii_incidents (id, site_id, session_key, seq, subject_ref, kinds, value_count,"
            + " values_sealed, policy_version, raised_at, status) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
            + " 'open')")
        .setParameter(1, id).setParameter(2, siteId).setParameter(3, sessionKey).setParameter(4, seq)
        .setParameter(5, subjectRef).setParameter(6, kindsText(kinds)).setParameter(7, values.size())
        .setParameter(8, sealed).setParameter(9, policyVersion)
        .setParameter(10, OffsetDateTime.now(ZoneOffset.UTC)).executeUpdate();
  }

  /** One incident as an admin sees it: kinds and counts, never a value. */
  public record Incident(String id, String siteId, String sessionId, int seq, Map<String, Integer> kinds,
      int valueCount, int policyVersion, String raisedAt, String status, String resolvedAt, String resolvedBy,
      String note, boolean valuesSealed) {}

  /** A site's incidents, newest first; {@code status} "open", "purged" or null for all. */
  @Transactional
  public List<Incident> list(String siteId, String status, int limit) {
    var query = em.createNativeQuery("select id, site_id, session_key, seq, kinds, value_count, policy_version,"
            + " raised_at, status, resolved_at, resolved_by, note, values_sealed is not null from pii_incidents"
            + " where site_id = ?1" + (status == null ? "" : " and status = ?2")
            + " order by raised_at desc, id desc fetch first " + limit + " rows only")
        .setParameter(1, siteId);
    if (status != null) {
      query.setParameter(2, status);
    }
    List<?> rows = query.getResultList();
    return rows.stream().map(o -> incident((Object[]) o)).toList();
  }

  /** Purges an open incident: its sealed values are deleted, the incident stays as the record of what was found. */
  @Transactional
  public Incident purge(String siteId, String id, String actor, String note) {
    List<?> rows = em.createNativeQuery("select status from pii_incidents where site_id = ?1 and id = ?2")
        .setParameter(1, siteId).setParameter(2, id).getResultList();
    if (rows.isEmpty()) {
      throw ProblemException.notFound("no incident with this id in this site");
    }
    if (!"open".equals(rows.get(0))) {
      throw new ProblemException(ProblemType.CONFLICT, 409, "this incident was purged before");
    }
    em.createNativeQuery("update pii_incidents set values_sealed = null, status = 'purged', resolved_at = ?1,"
            + " resolved_by = ?2, note = ?3 where site_id = ?4 and id = ?5 and status = 'open'")
        .setParameter(1, OffsetDateTime.now(ZoneOffset.UTC)).setParameter(2, actor).setParameter(3, note)
        .setParameter(4, siteId).setParameter(5, id).executeUpdate();
    return list(siteId, null, 500).stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  /** The sealed values of an incident, opened (for tests of the sealing; no API serves them). */
  @Transactional
  List<Map<String, String>> openValues(String siteId, String id) throws IOException {
    Object[] row = (Object[]) em.createNativeQuery("select subject_ref, values_sealed from pii_incidents"
        + " where site_id = ?1 and id = ?2").setParameter(1, siteId).setParameter(2, id).getSingleResult();
    byte[] plain = Aead.open(fieldKey(siteId, (String) row[0]), (byte[]) row[1],
        Aead.context("pii-incident", siteId, id));
    return JSON.readValue(plain, new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }

  private SecretKey fieldKey(String siteId, String subjectRef) {
    return keys.subjectFieldKey(siteId, subjectRef);
  }

  private static String kindsText(Map<String, Integer> kinds) {
    StringBuilder b = new StringBuilder();
    kinds.forEach((k, n) -> b.append(b.length() == 0 ? "" : ",").append(k).append(':').append(n));
    return b.toString();
  }

  private static Incident incident(Object[] r) {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    for (String part : ((String) r[4]).split(",")) {
      int colon = part.indexOf(':');
      kinds.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
    }
    return new Incident((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).intValue(), kinds,
        ((Number) r[5]).intValue(), ((Number) r[6]).intValue(), String.valueOf(r[7]), (String) r[8],
        r[9] == null ? null : String.valueOf(r[9]), (String) r[10], (String) r[11], Boolean.TRUE.equals(r[12]));
  }
}
