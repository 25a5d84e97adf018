package io.witness.appliance.policy;

import io.witness.appliance.audit.AuditTrail;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.audit.AuditEvent;
import io.witness.policy.Policy;
import io.witness.policy.PolicyEvaluator;
import io.witness.policy.PolicyException;
import io.witness.policy.PolicyParser;
import io.witness.policy.PolicyWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Site policies: the current version (cached: capture and consent ask on every request) and every earlier one
 * (recordings name the version they were captured under). A site without a saved policy gets the defaults as
 * version 1 on first use, so that version 1 is on record too.
 */
@ApplicationScoped
public class PolicyService {
  private static final String COLUMNS = "site_id, version, document, sha256, created_at, created_by";

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject AuditTrail audit;

  /** This bean through its proxy, so that a cache miss gets its transaction. */
  @Inject PolicyService self;

  private final Map<String, SitePolicy> current = new ConcurrentHashMap<>();

  /** The site's current policy. */
  public SitePolicy current(String siteId) {
    SitePolicy cached = current.get(siteId);
    if (cached != null) {
      return cached;
    }
    try {
      return self.loadCurrent(siteId);
    } catch (RuntimeException raced) {
      // Two first requests of a site both saved its defaults as version 1: one won, and its row is committed now.
      return self.loadCurrent(siteId);
    }
  }

  @Transactional
  public SitePolicy loadCurrent(String siteId) {
    List<?> rows = em.createNativeQuery("SELECT " + COLUMNS + " FROM site_policies WHERE site_id = ?1"
        + " ORDER BY version DESC FETCH FIRST 1 ROWS ONLY").setParameter(1, siteId).getResultList();
    SitePolicy p = rows.isEmpty() ? insert(siteId, 1, PolicyWriter.document(Policy.defaults().withVersion(1)),
        "system") : fromRow((Object[]) rows.get(0));
    current.put(siteId, p);
    return p;
  }

  /** One version of the site's policy. */
  public Optional<SitePolicy> version(String siteId, int version) {
    SitePolicy c = current(siteId);
    return c.version() == version ? Optional.of(c) : self.readVersion(siteId, version);
  }

  @Transactional
  public Optional<SitePolicy> readVersion(String siteId, int version) {
    List<?> rows = em.createNativeQuery("SELECT " + COLUMNS + " FROM site_policies WHERE site_id = ?1 AND version = ?2")
        .setParameter(1, siteId).setParameter(2, version).getResultList();
    return rows.stream().findFirst().map(r -> fromRow((Object[]) r));
  }

  /** Every version of the site's policy, newest first. */
  public List<SitePolicy> history(String siteId) {
    current(siteId);
    return self.readHistory(siteId);
  }

  @Transactional
  public List<SitePolicy> readHistory(String siteId) {
    return em.createNativeQuery("SELECT " + COLUMNS + " FROM site_policies WHERE site_id = ?1 ORDER BY version DESC")
        .setParameter(1, siteId).getResultList().stream().map(r -> fromRow((Object[]) r)).toList();
  }

  /** Validates a document: the policy it describes, or a 400 problem listing every problem with line and field. */
  public static Policy validate(String document) {
    try {
      return PolicyParser.parse(document);
    } catch (PolicyException e) {
      throw new ProblemException(new Problem(ProblemType.VALIDATION, 400, "the policy has " + e.problems().size()
          + (e.problems().size() == 1 ? " problem" : " problems"), e.problems().stream()
          .map(p -> new Problem.Violation(p.field().isEmpty() ? "document" : p.field(),
              (p.line() > 0 ? "line " + p.line() + ", column " + p.column() + ": " : "") + p.message())).toList()),
          Map.of());
    }
  }

  /**
   * Saves a new version (the next number) after validating it, and audits the change ({@code policy.change}, with
   * the document's digest and the new version in the note). The audit entry is durable before the change is.
   */
  public SitePolicy save(String siteId, String document, String actor) {
    validate(document);
    current(siteId);
    try {
      return self.saveNext(siteId, document, actor);
    } catch (jakarta.persistence.PersistenceException | jakarta.transaction.TransactionalException concurrent) {
      throw new ProblemException(ProblemType.CONFLICT, 409, "another version of this site's policy was saved at"
          + " the same time: reload it and apply your change again");
    }
  }

  @Transactional
  public SitePolicy saveNext(String siteId, String document, String actor) {
    int next = readHistory(siteId).get(0).version() + 1;
    audit.record("policy.change", AuditEvent.Outcome.SUCCESS, "site", siteId, siteId, null, document,
        "version " + next);
    SitePolicy saved = insert(siteId, next, document, actor);
    current.put(siteId, saved);
    return saved;
  }

  private SitePolicy insert(String siteId, int version, String document, String actor) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Policy policy = PolicyParser.parse(document).withVersion(version);
    String sha = sha256(document);
    em.createNativeQuery("INSERT INTO site_policies (" + COLUMNS + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .setParameter(1, siteId).setParameter(2, version).setParameter(3, document).setParameter(4, sha)
        .setParameter(5, now).setParameter(6, actor).executeUpdate();
    return new SitePolicy(siteId, version, policy, new PolicyEvaluator(policy), document, sha, now, actor);
  }

  private static SitePolicy fromRow(Object[] r) {
    String document = (String) r[2];
    int version = ((Number) r[1]).intValue();
    Policy policy = PolicyParser.parse(document).withVersion(version);
    OffsetDateTime at = r[4] instanceof OffsetDateTime o ? o
        : ((java.time.Instant) (r[4] instanceof java.sql.Timestamp t ? t.toInstant() : r[4])).atOffset(ZoneOffset.UTC);
    return new SitePolicy((String) r[0], version, policy, new PolicyEvaluator(policy), document, (String) r[3], at,
        (String) r[5]);
  }

  /** Hex SHA-256 of a text's UTF-8 bytes (policy documents; visitor ids in consent records and receipts). */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
