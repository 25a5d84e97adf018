package io.witness.appliance.subject;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The database steps of an erasure, each its own transaction (see {@link ErasureService} for the order). */
@ApplicationScoped
class ErasureSteps {
  @PersistenceContext(unitName = "witness")
  EntityManager em;

  record Deleted(List<String> recordingIds, long facts, long chunks, long traits, long links) {}

  /**
   * Marks the recordings of the key subjects {@code refs} erased (row locks: a batch being written finishes first)
   * and deletes their chunks and blobs, facts and personal fields, and the subject's traits and links.
   */
  @Transactional
  Deleted deleteData(String siteId, String subjectRef, Set<String> refs) {
    @SuppressWarnings("unchecked")
    List<String> ids = em.createNativeQuery("select id from recordings where site_id = :site and subject_ref in"
        + " :refs and state <> 'erased' order by id for update").setParameter("site", siteId)
        .setParameter("refs", refs).getResultList();
    long facts = 0;
    long chunks = 0;
    if (!ids.isEmpty()) {
      em.createNativeQuery("update recordings set state = 'erased', first_url = null, first_url_sealed = null,"
          + " client_ip_sealed = null, client_ip_index = null, user_agent_sealed = null where id in :ids")
          .setParameter("ids", ids).executeUpdate();
      facts = em.createNativeQuery("delete from recording_facts where recording_id in :ids")
          .setParameter("ids", ids).executeUpdate();
      // The chunks are ciphertext no key opens any more: purged right after, off the request (purgeErased).
      chunks = ((Number) em.createNativeQuery("select count(*) from recording_chunks where recording_id in :ids")
          .setParameter("ids", ids).getSingleResult()).longValue();
    }
    long traits = em.createNativeQuery("delete from subject_traits where site_id = :site and subject_ref = :ref")
        .setParameter("site", siteId).setParameter("ref", subjectRef).executeUpdate();
    // PII incidents of the subject's recordings: their sealed values are shredded with the keys anyway.
    em.createNativeQuery("delete from pii_incidents where site_id = :site and subject_ref in :refs")
        .setParameter("site", siteId).setParameter("refs", refs).executeUpdate();
    long links = em.createNativeQuery("delete from subject_links where site_id = :site and subject_ref = :ref")
        .setParameter("site", siteId).setParameter("ref", subjectRef).executeUpdate();
    return new Deleted(ids, facts, chunks, traits, links);
  }

  /**
   * Deletes the chunks and blobs of up to {@code max} erased recordings that still have some; returns how many
   * recordings it purged (0: none left).
   */
  @Transactional
  int purgeErased(int max) {
    @SuppressWarnings("unchecked")
    List<String> ids = em.createNativeQuery("select distinct c.recording_id from recording_chunks c join recordings r"
        + " on r.id = c.recording_id where r.state = 'erased'").setMaxResults(max).getResultList();
    if (ids.isEmpty()) {
      return 0;
    }
    em.createNativeQuery("delete from blobs where blob_key in (select blob_key from recording_chunks"
        + " where recording_id in :ids)").setParameter("ids", ids).executeUpdate();
    em.createNativeQuery("delete from recording_chunks where recording_id in :ids").setParameter("ids", ids)
        .executeUpdate();
    // Blobs that compaction or sealing replaced and that still wait for their grace period (recording.RetiredBlobs).
    em.createNativeQuery("delete from blobs where blob_key in (select blob_key from retired_blobs"
        + " where recording_id in :ids)").setParameter("ids", ids).executeUpdate();
    em.createNativeQuery("delete from retired_blobs where recording_id in :ids").setParameter("ids", ids)
        .executeUpdate();
    return ids.size();
  }

  @Transactional
  void record(ErasureService.Certificate cert, String siteId, String requestedBy, OffsetDateTime at) {
    em.createNativeQuery("insert into erasures (id, site_id, requested_by, erased_at, certificate)"
            + " values (?, ?, ?, ?, ?)").setParameter(1, cert.id()).setParameter(2, siteId)
        .setParameter(3, requestedBy).setParameter(4, at)
        .setParameter(5, new String(ErasureService.canonical(cert.toJson()), java.nio.charset.StandardCharsets.UTF_8))
        .executeUpdate();
  }

  @Transactional
  Optional<Map<String, Object>> certificate(String id) {
    @SuppressWarnings("unchecked")
    List<String> rows = em.createNativeQuery("select certificate from erasures where id = ?").setParameter(1, id)
        .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> cert = ErasureService.CANONICAL.readValue(rows.get(0), Map.class);
      return Optional.of(cert);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a stored erasure certificate is not JSON", e);
    }
  }
}
