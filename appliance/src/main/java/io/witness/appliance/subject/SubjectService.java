package io.witness.appliance.subject;

import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.site.Site;
import io.witness.appliance.site.SiteService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Data subjects and their links. A live recording's key subject is its visitor (the SDK's anonymous id);
 * identify() links that visitor to a named subject and stores the subject's traits sealed under a key derived from
 * the subject's key. Everything is named by blind indexes (crypto.KeyService#blindIndex), never by the id itself.
 */
@ApplicationScoped
public class SubjectService {
  static final int TRAIT_VERSION = 1;

  /** A named data subject's identity from the SDK: its id and traits (already validated). */
  public record Identity(String subjectId, Map<String, String> traits) {}

  @Inject KeyService keys;
  @Inject SiteService sites;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  /**
   * Links the visitor (or, from an SDK without visitor ids, the session) to the named subject and stores the
   * subject's traits; idempotent. Committed before the batch that carried it is answered.
   */
  @Transactional
  public void identify(String siteId, String visitorDomain, String visitorId, Identity identity) {
    String visitorRef = keys.blindIndex(siteId, visitorDomain, visitorId);
    String subjectRef = keys.blindIndex(siteId, KeyService.SUBJECT, identity.subjectId());
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    if (em.createNativeQuery("select count(*) from subject_links where site_id = ? and visitor_ref = ?"
            + " and subject_ref = ?").setParameter(1, siteId).setParameter(2, visitorRef).setParameter(3, subjectRef)
        .getSingleResult() instanceof Number n && n.longValue() == 0) {
      em.createNativeQuery("insert into subject_links (site_id, visitor_ref, subject_ref, linked_at)"
              + " values (?, ?, ?, ?)").setParameter(1, siteId).setParameter(2, visitorRef)
          .setParameter(3, subjectRef).setParameter(4, now).executeUpdate();
    }
    if (identity.traits().isEmpty()) {
      return;
    }
    SecretKey fieldKey = keys.subjectFieldKey(siteId, subjectRef);
    for (Map.Entry<String, String> t : identity.traits().entrySet()) {
      em.createNativeQuery("delete from subject_traits where site_id = ? and subject_ref = ? and name = ?")
          .setParameter(1, siteId).setParameter(2, subjectRef).setParameter(3, t.getKey()).executeUpdate();
      em.createNativeQuery("insert into subject_traits (site_id, subject_ref, name, value_sealed, value_index,"
              + " updated_at) values (?, ?, ?, ?, ?, ?)").setParameter(1, siteId).setParameter(2, subjectRef)
          .setParameter(3, t.getKey())
          .setParameter(4, Aead.seal(fieldKey, TRAIT_VERSION, t.getValue().getBytes(StandardCharsets.UTF_8),
              Aead.context("trait", siteId, subjectRef, t.getKey())))
          .setParameter(5, traitIndex(siteId, t.getKey(), t.getValue())).setParameter(6, now).executeUpdate();
    }
  }

  /** A subject's recordings' key subjects in one site: the subject itself and every visitor linked to it. */
  @Transactional
  public Set<String> keySubjects(String siteId, String subjectId) {
    return keySubjectsOf(siteId, Set.of(keys.blindIndex(siteId, KeyService.SUBJECT, subjectId)));
  }

  /** The key subjects of the subjects whose trait {@code name} is exactly {@code value} (blind index), per site. */
  @Transactional
  public Set<String> keySubjectsByTrait(String siteId, String name, String value) {
    @SuppressWarnings("unchecked")
    List<String> subjects = em.createNativeQuery("select subject_ref from subject_traits where site_id = ?"
            + " and name = ? and value_index = ?").setParameter(1, siteId).setParameter(2, name)
        .setParameter(3, traitIndex(siteId, name, value)).getResultList();
    return subjects.isEmpty() ? Set.of() : keySubjectsOf(siteId, Set.copyOf(subjects));
  }

  /** The ids of the sites a request names: the one given (which must exist) or all. */
  public List<String> siteIds(Optional<String> siteId) {
    if (siteId.isPresent()) {
      return List.of(sites.byId(siteId.get()).map(Site::id).orElseThrow(() ->
          io.witness.appliance.platform.ProblemException.validation("site", "no site with this id")));
    }
    return sites.list().stream().map(Site::id).toList();
  }

  /** The traits of a subject, opened (for an access request's export). */
  @Transactional
  public Map<String, String> traits(String siteId, String subjectId) {
    String subjectRef = keys.blindIndex(siteId, KeyService.SUBJECT, subjectId);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery("select name, value_sealed from subject_traits where site_id = ?"
        + " and subject_ref = ? order by name").setParameter(1, siteId).setParameter(2, subjectRef).getResultList();
    if (rows.isEmpty()) {
      return Map.of();
    }
    SecretKey fieldKey = keys.subjectFieldKey(siteId, subjectRef);
    Map<String, String> out = new java.util.TreeMap<>();
    for (Object[] row : rows) {
      out.put((String) row[0], new String(Aead.open(fieldKey, (byte[]) row[1],
          Aead.context("trait", siteId, subjectRef, (String) row[0])), StandardCharsets.UTF_8));
    }
    return out;
  }

  private Set<String> keySubjectsOf(String siteId, Set<String> subjectRefs) {
    Set<String> out = new LinkedHashSet<>(subjectRefs);
    for (String ref : subjectRefs) {
      @SuppressWarnings("unchecked")
      List<String> visitors = em.createNativeQuery("select visitor_ref from subject_links where site_id = ?"
          + " and subject_ref = ?").setParameter(1, siteId).setParameter(2, ref).getResultList();
      out.addAll(visitors);
    }
    return out;
  }

  /** An email matches whatever its case; other traits exactly (after NFC and stripping). */
  private String traitIndex(String siteId, String name, String value) {
    return keys.blindIndex(siteId, "trait:" + name,
        name.equalsIgnoreCase("email") ? value.toLowerCase(java.util.Locale.ROOT) : value);
  }
}
