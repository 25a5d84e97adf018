package io.witness.appliance.site;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Looks up sites by key (cached: it is on the ingest hot path) and creates the demo site. */
@ApplicationScoped
public class SiteService {
  public static final String DEMO_SITE_ID = "demo";
  private static final SecureRandom RANDOM = new SecureRandom();

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  private final Map<String, Site> byKey = new ConcurrentHashMap<>();

  @Transactional
  public List<Site> list() {
    return em.createQuery("select s from SiteEntity s order by s.id", SiteEntity.class).getResultStream()
        .map(SiteEntity::toSite).toList();
  }

  /** This bean through its proxy: a cache miss reaches {@link #load} with its transaction. */
  @Inject SiteService self;

  /**
   * The site of a site key. Known keys answer from the cache without a transaction: this is on every ingest
   * request, and a JTA transaction per batch was 5 % of the request threads' time (docs/benchmarks.md).
   */
  public Optional<Site> byKey(String siteKey) {
    Site cached = byKey.get(siteKey);
    return cached != null ? Optional.of(cached) : self.load(siteKey);
  }

  @Transactional
  public Optional<Site> load(String siteKey) {
    Optional<Site> found = em.createQuery("select s from SiteEntity s where s.siteKey = :k", SiteEntity.class)
        .setParameter("k", siteKey).getResultStream().findFirst().map(SiteEntity::toSite);
    found.ifPresent(s -> byKey.put(siteKey, s));
    return found;
  }

  @Transactional
  public Optional<Site> byId(String id) {
    return Optional.ofNullable(em.find(SiteEntity.class, id)).map(SiteEntity::toSite);
  }

  /** Creates the demo site on first start; returns it either way. */
  @Transactional
  public Site ensureDemoSite() {
    SiteEntity existing = em.find(SiteEntity.class, DEMO_SITE_ID);
    if (existing != null) {
      return existing.toSite();
    }
    SiteEntity s = new SiteEntity();
    s.id = DEMO_SITE_ID;
    s.name = "Demo site";
    s.siteKey = "demo-" + newKey();
    s.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    em.persist(s);
    return s.toSite();
  }

  static String newKey() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
