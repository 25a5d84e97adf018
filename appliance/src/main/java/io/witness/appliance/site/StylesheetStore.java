package io.witness.appliance.site;

import com.github.luben.zstd.Zstd;
import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.IntegrityException;
import io.witness.appliance.crypto.KeyGoneException;
import io.witness.appliance.crypto.KeyService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The stylesheets of {@link SiteStylesheets} in the database, so that references the SDK holds stay valid across
 * restarts (table {@code site_stylesheets}, migration V10). Each is zstd-compressed and sealed under
 * {@link KeyService#siteContentKey} for the month it was stored in, so it expires with that month's retention
 * bucket, like the recordings it came from; one whose bucket is gone is deleted when it is next asked for. A
 * stylesheet is the site's content, shared by every visitor who loads the page, and admitted (PII detector run)
 * before it is kept: it is not bound to one data subject's key, so erasing a subject leaves it.
 */
@ApplicationScoped
class StylesheetStore {
  private static final int SEALED_VERSION = 1;
  private static final int LEVEL = 6;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject KeyService keys;

  /** Stores a stylesheet (its escaped JSON string content) unless the site already has it. */
  @Transactional
  public void save(String siteId, String hash, byte[] escaped) {
    if (exists(siteId, hash)) {
      return;
    }
    YearMonth bucket = YearMonth.now(ZoneOffset.UTC);
    byte[] sealed = Aead.seal(keys.siteContentKey(siteId, bucket, name(hash), true), SEALED_VERSION,
        Zstd.compress(escaped, LEVEL), Aead.context("stylesheet", siteId, hash));
    em.createNativeQuery("insert into site_stylesheets (site_id, sha256, bucket, sealed, stored_at)"
            + " values (?1, ?2, ?3, ?4, ?5)")
        .setParameter(1, siteId).setParameter(2, hash).setParameter(3, bucket.toString()).setParameter(4, sealed)
        .setParameter(5, OffsetDateTime.now(ZoneOffset.UTC)).executeUpdate();
  }

  /** The stylesheet's escaped text; empty when the site has none by this hash (or its month has expired). */
  @Transactional
  public Optional<byte[]> load(String siteId, String hash) {
    List<?> rows = em.createNativeQuery("select bucket, sealed from site_stylesheets where site_id = ?1"
        + " and sha256 = ?2").setParameter(1, siteId).setParameter(2, hash).getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Object[] row = (Object[]) rows.get(0);
    try {
      byte[] compressed = Aead.open(keys.siteContentKey(siteId, YearMonth.parse(row[0].toString().trim()),
          name(hash), false), (byte[]) row[1], Aead.context("stylesheet", siteId, hash));
      return Optional.of(Zstd.decompress(compressed, Math.toIntExact(Zstd.getFrameContentSize(compressed))));
    } catch (KeyGoneException expired) {
      em.createNativeQuery("delete from site_stylesheets where site_id = ?1 and sha256 = ?2")
          .setParameter(1, siteId).setParameter(2, hash).executeUpdate();
      return Optional.empty();
    } catch (IntegrityException altered) {
      return Optional.empty(); // not what was stored: the SDK sends it inline again (409)
    }
  }

  /** The hashes of the site's most recently stored stylesheets, newest first. */
  @Transactional
  public List<String> recent(String siteId, int max) {
    return em.createNativeQuery("select sha256 from site_stylesheets where site_id = ?1 order by stored_at desc",
        String.class).setParameter(1, siteId).setMaxResults(max).getResultList().stream()
        .map(h -> h.toString().trim()).toList();
  }

  private boolean exists(String siteId, String hash) {
    return !em.createNativeQuery("select 1 from site_stylesheets where site_id = ?1 and sha256 = ?2")
        .setParameter(1, siteId).setParameter(2, hash).getResultList().isEmpty();
  }

  private static String name(String hash) {
    return "stylesheet:" + hash;
  }
}
