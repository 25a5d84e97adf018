package io.witness.appliance.consent;

import io.witness.appliance.audit.AuditTrail;
import io.witness.appliance.capture.ClientAddress;
import io.witness.appliance.crypto.SigningKeys;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.platform.TimeOrderedIds;
import io.witness.appliance.policy.PolicyService;
import io.witness.appliance.policy.SitePolicy;
import io.witness.appliance.site.Site;
import io.witness.audit.AuditEvent;
import io.witness.policy.PolicyEvaluator;
import io.witness.policy.PolicyWriter;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consent records, receipts and the admission check.
 *
 * <p>A grant is checked against the site's current policy (the notice the visitor saw must be the current one; the
 * policy's GPC/DNT rules and purposes), stored as an immutable record, audited, and answered with a receipt
 * signed by the appliance's Ed25519 key. {@link #admit} runs on every batch before its body is read: a verified
 * receipt is remembered (so a batch costs a map lookup, not a signature check), and a withdrawn consent's id is in
 * {@link #revoked} from the moment its withdrawal is stored (loaded at start, for the ones before).
 */
@ApplicationScoped
public class ConsentService {
  /** What a verified receipt admits. */
  public record Admitted(String consentId, String siteId, String visitorHash, int policyVersion, long expiresAtMs) {}

  /** A grant as the SDK (or an importer) sends it; validated by the resource. */
  public record Grant(String visitorId, List<String> purposes, String method, int policyVersion, String noticeVersion,
      String noticeSha256, boolean gpc, boolean dnt, Optional<String> region) {}

  /** A stored grant's answer. */
  public record Issued(String consentId, String receipt, Instant expiresAt) {}

  /** A stored withdrawal's answer. */
  public record Withdrawn(String consentId, Instant withdrawnAt, String siteId, String visitorHash,
      boolean eraseRecordings) {}

  static final Set<String> METHODS = Set.of("banner:accept", "api", "import", "opt-out");
  static final Set<String> WITHDRAWAL_METHODS = Set.of("banner:withdraw", "api");
  private static final int MAX_CACHED = 100_000;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject PolicyService policies;
  @Inject SigningKeys signing;
  @Inject AuditTrail audit;

  private final Map<String, Admitted> verified = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final Clock clock = Clock.systemUTC();

  /** At start, before requests: the withdrawn consents. */
  void loadRevoked(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 60)
      @Initialized(ApplicationScoped.class) Object ignored, ConsentService self) {
    self.readRevoked().forEach(revoked::add);
  }

  @Transactional
  @SuppressWarnings("unchecked")
  public List<String> readRevoked() {
    return em.createNativeQuery("SELECT consent_id FROM consent_withdrawals").getResultList();
  }

  /** Stores a grant and answers its receipt; 403 when the policy refuses it, 409 when the notice is not current. */
  @Transactional
  public Issued grant(Site site, Grant g, String clientIp, String userAgent) {
    SitePolicy current = policies.current(site.id());
    if (g.policyVersion() != current.version()
        || !g.noticeVersion().equals(current.policy().consent().notice().version())
        || !g.noticeSha256().equalsIgnoreCase(PolicyWriter.noticeSha256(current.policy()))) {
      throw new ProblemException(ProblemType.CONFLICT, 409, "the notice or policy shown is not the current one"
          + " (policy version " + current.version() + "): fetch the policy and show its notice again");
    }
    Optional<PolicyEvaluator.Refusal> refusal = current.evaluator().refusal(
        new PolicyEvaluator.Signals(g.gpc(), g.dnt(), g.region()), Set.copyOf(g.purposes()), g.method().equals("opt-out"));
    if (refusal.isPresent()) {
      throw new ProblemException(ProblemType.CONSENT_REQUIRED, 403, switch (refusal.get()) {
        case GPC -> "the browser sends Global Privacy Control, and this site's policy does not record it";
        case DNT -> "the browser sends Do Not Track, and this site's policy does not record it";
        case PURPOSE_MISSING -> "the grant must include the purposes " + current.policy().consent().purposes();
        case OPT_IN_REQUIRED -> "this visitor's region needs an explicit grant (opt-in)";
        case NOT_SAMPLED -> "this visitor is not sampled";
      });
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = now.plus(current.policy().consent().receiptDays(), ChronoUnit.DAYS);
    String id = TimeOrderedIds.next().toString();
    String visitorHash = sha256(g.visitorId());
    audit.record("consent.grant", AuditEvent.Outcome.SUCCESS, "consent", id, site.id(), null, null,
        "method " + g.method() + ", policy version " + current.version() + ", notice " + g.noticeVersion());
    em.createNativeQuery("INSERT INTO consent_records (id, site_id, visitor_hash, granted_at, expires_at,"
        + " policy_version, notice_version, notice_sha256, purposes, method, gpc, dnt, region, ip_truncated,"
        + " user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")
        .setParameter(1, id).setParameter(2, site.id()).setParameter(3, visitorHash)
        .setParameter(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .setParameter(5, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC)).setParameter(6, current.version())
        .setParameter(7, g.noticeVersion()).setParameter(8, g.noticeSha256().toLowerCase(java.util.Locale.ROOT))
        .setParameter(9, String.join(",", new LinkedHashSet<>(g.purposes()))).setParameter(10, g.method())
        .setParameter(11, g.gpc()).setParameter(12, g.dnt()).setParameter(13, g.region().orElse(null))
        .setParameter(14, ClientAddress.truncate(clientIp))
        .setParameter(15, userAgent == null ? null : userAgent.substring(0, Math.min(512, userAgent.length())))
        .executeUpdate();
    Receipt r = new Receipt(id, site.id(), visitorHash, current.version(), List.copyOf(new LinkedHashSet<>(g.purposes())),
        now.getEpochSecond(), expires.getEpochSecond());
    byte[] payload = r.payload();
    return new Issued(id, Receipt.token(payload, signing.sign(payload).signature()), expires);
  }

  /**
   * Admits a batch (or an import) of {@code site} under {@code token}, or throws 403: missing, malformed, forged,
   * expired, withdrawn, another site's, or without the replay purpose. Reads nothing from the database.
   */
  public Admitted admit(Site site, String token) {
    if (token == null || token.isBlank()) {
      throw refused("no consent receipt: send the Witness-Consent header the consent grant answered");
    }
    Admitted a = verified.get(token);
    if (a == null) {
      a = verify(token).orElseThrow(() -> refused("the consent receipt is not valid"));
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
      verified.put(token, a);
    }
    ReceiptCheck.check(a, site.id(), clock.millis(), revoked);
    return a;
  }

  /** The receipt's consent when its signature is the appliance's; expiry and revocation are not checked here. */
  Optional<Admitted> verify(String token) {
    return ReceiptCheck.verify(token, signing.publicKey().publicKey());
  }

  /** Stores a withdrawal (idempotent: a second one answers the first) and revokes the receipt at once. */
  @Transactional
  public Withdrawn withdraw(Site site, String token, String method) {
    Admitted a = verify(token).filter(x -> x.siteId().equals(site.id()))
        .orElseThrow(() -> refused("the consent receipt is not valid for this site"));
    boolean erase = policies.current(site.id()).policy().consent().eraseOnWithdrawal();
    List<?> earlier = em.createNativeQuery("SELECT withdrawn_at FROM consent_withdrawals WHERE consent_id = ?1")
        .setParameter(1, a.consentId()).getResultList();
    if (!earlier.isEmpty()) {
      revoked.add(a.consentId());
      return new Withdrawn(a.consentId(), instant(earlier.get(0)), site.id(), a.visitorHash(), erase);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    audit.record("consent.withdraw", AuditEvent.Outcome.SUCCESS, "consent", a.consentId(), site.id(), null, null,
        "method " + method + (erase ? ", recordings erased" : ""));
    em.createNativeQuery("INSERT INTO consent_withdrawals (consent_id, withdrawn_at, method) VALUES (?1, ?2, ?3)")
        .setParameter(1, a.consentId()).setParameter(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .setParameter(3, method).executeUpdate();
    revoked.add(a.consentId());
    return new Withdrawn(a.consentId(), now, site.id(), a.visitorHash(), erase);
  }

  static ProblemException refused(String detail) {
    return new ProblemException(Problem.of(ProblemType.CONSENT_REQUIRED, 403, detail), Map.of());
  }

  private static Instant instant(Object o) {
    return o instanceof OffsetDateTime t ? t.toInstant() : o instanceof java.sql.Timestamp t ? t.toInstant()
        : (Instant) o;
  }

  /** Hex SHA-256 of a visitor id's UTF-8 bytes: how receipts and records name the visitor. */
  public static String sha256(String visitorId) {
    return PolicyService.sha256(visitorId);
  }
}
