package io.witness.appliance.crypto;

import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key hierarchy below the root (compliance.md §3.1): per site a key-encryption key (KEK) wrapped by the root
 * custody; under it, per data subject a subject key, per site and month a bucket key, and the site's index key
 * (blind indexes). A recording's data key is derived, never stored: HKDF-SHA-256 over subject key ‖ bucket key,
 * salted with the recording id. Destroying a subject key erases every recording of that subject (GDPR Art. 17);
 * destroying a bucket key expires a whole month. Rotation re-wraps keys and never changes a data key, so no data
 * is re-encrypted.
 *
 * <p>Subjects are looked up by a blind index (HMAC-SHA-256 under the site's index key over the NFC-normalised,
 * stripped id): the subject id itself is never stored with its key. Unwrapped keys are cached in memory; a
 * destroyed key leaves the cache in the same call. Every method runs in a transaction of its own: a key is cached
 * only once its row is committed, whatever the caller's transaction does afterwards (data sealed under a key that
 * a rollback removed could never be read).
 */
@ApplicationScoped
public class KeyService {
  static final String SITE_KEK = "site-kek";
  static final String SUBJECT = "subject";
  static final String BUCKET = "bucket";
  static final String INDEX = "index";
  private static final String INDEX_SCOPE = "v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject KeyCustody custody;
  @Inject jakarta.enterprise.event.Event<KeysDestroyed> destroyedEvents;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  /** Held while keys are made, destroyed or re-wrapped (not the bean: CDI calls arrive through a proxy). */
  private final Object lock = new Object();

  /** Current unwrapped key per kind + site + scope: {@code version} and bytes. */
  private final Map<String, Unwrapped> cache = new ConcurrentHashMap<>();

  private record Unwrapped(String id, int version, byte[] key) {}

  /** What a rotation did. */
  public record Rotation(String what, int newVersion, int rewrapped, List<Integer> destroyedVersions) {}

  /**
   * The data key of a recording being written, for the subject whose {@link #subjectScope} is {@code subjectRef};
   * its subject and bucket keys are made if they do not exist yet.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public SecretKey dataKeyForWrite(String siteId, String subjectRef, YearMonth bucket, String recordingId) {
    synchronized (lock) {
      byte[] sk = keyBelowSite(siteId, SUBJECT, subjectRef, true).orElseThrow().key();
      byte[] rk = keyBelowSite(siteId, BUCKET, bucket.toString(), true).orElseThrow().key();
      return derive(siteId, sk, rk, recordingId);
    }
  }

  /** The data key of a stored recording; {@link KeyGoneException} if its subject or its bucket was destroyed. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public SecretKey dataKey(String siteId, String subjectRef, YearMonth bucket, String recordingId) {
    synchronized (lock) {
      byte[] sk = keyBelowSite(siteId, SUBJECT, subjectRef, false)
          .orElseThrow(() -> new KeyGoneException("the data subject's key was destroyed (erased)")).key();
      byte[] rk = keyBelowSite(siteId, BUCKET, bucket.toString(), false)
          .orElseThrow(() -> new KeyGoneException("the retention bucket " + bucket + " was destroyed (expired)")).key();
      return derive(siteId, sk, rk, recordingId);
    }
  }

  /** Destroys a subject's key; returns the ids of the keys destroyed (none if the subject had none). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> destroySubject(String siteId, String subjectId) {
    synchronized (lock) {
      return destroy(siteId, SUBJECT, subjectScope(siteId, subjectId));
    }
  }

  /** Destroys a site's bucket key: every recording of that month becomes unreadable. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> destroyBucket(String siteId, YearMonth bucket) {
    synchronized (lock) {
      return destroy(siteId, BUCKET, bucket.toString());
    }
  }

  /**
   * The blind index of a subject id: HMAC-SHA-256 under the site's index key, hex. Equal ids give equal values;
   * without the index key nothing about the id can be learnt from it.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public String subjectScope(String siteId, String subjectId) {
    synchronized (lock) {
      byte[] indexKey = keyBelowSite(siteId, INDEX, INDEX_SCOPE, true).orElseThrow().key();
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(indexKey, "HmacSHA256"));
        mac.update("subject\0".getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(normalise(subjectId).getBytes(StandardCharsets.UTF_8)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC-SHA-256 is not available", e);
      }
    }
  }

  /**
   * Makes a new root key version current, re-wraps every site KEK under it, and destroys the root versions nothing
   * uses any more. Data keys do not change.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Rotation rotateRoot() {
    synchronized (lock) {
      int v = custody.rotate();
      int n = 0;
      for (CryptoKeyEntity k : em.createQuery("select k from CryptoKeyEntity k where k.kind = :kind and k.wrappedBy < :v",
          CryptoKeyEntity.class).setParameter("kind", SITE_KEK).setParameter("v", v).getResultList()) {
        byte[] kek = custody.unwrap(new KeyCustody.Wrapped(k.wrappedBy, k.wrapped));
        KeyCustody.Wrapped again = custody.wrap(kek);
        Arrays.fill(kek, (byte) 0);
        k.wrapped = again.bytes();
        k.wrappedBy = again.rootVersion();
        n++;
      }
      em.flush();
      List<Integer> destroyed = new ArrayList<>();
      for (int old = 1; old < v; old++) {
        try {
          custody.destroy(old);
          destroyed.add(old);
        } catch (CustodyException alreadyGone) {
          // destroyed by an earlier rotation
        }
      }
      return new Rotation("root", v, n, destroyed);
    }
  }

  /**
   * Makes a new KEK version for {@code siteId}, re-wraps the site's subject, bucket and index keys under it, and
   * destroys the previous KEK versions. Data keys do not change.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Rotation rotateSite(String siteId) {
    synchronized (lock) {
      Unwrapped current = siteKek(siteId);
      byte[] next = newKey();
      KeyCustody.Wrapped wrappedNext = custody.wrap(next);
      CryptoKeyEntity row = newRow(SITE_KEK, siteId, "", current.version() + 1, wrappedNext.rootVersion(),
          wrappedNext.bytes());
      em.persist(row);
      int n = 0;
      List<Integer> destroyed = new ArrayList<>();
      for (CryptoKeyEntity old : em.createQuery("select k from CryptoKeyEntity k where k.kind = :kind and k.siteId = :site"
          + " and k.version < :v", CryptoKeyEntity.class).setParameter("kind", SITE_KEK).setParameter("site", siteId)
          .setParameter("v", row.version).getResultList()) {
        byte[] oldKek = custody.unwrap(new KeyCustody.Wrapped(old.wrappedBy, old.wrapped));
        for (CryptoKeyEntity k : em.createQuery("select k from CryptoKeyEntity k where k.siteId = :site"
            + " and k.kind <> :kind and k.wrappedBy = :v", CryptoKeyEntity.class).setParameter("site", siteId)
            .setParameter("kind", SITE_KEK).setParameter("v", old.version).getResultList()) {
          byte[] key = KeyWrap.unwrap(KeyWrap.aes(oldKek), k.wrapped);
          k.wrapped = KeyWrap.wrap(KeyWrap.aes(next), key);
          k.wrappedBy = row.version;
          Arrays.fill(key, (byte) 0);
          n++;
        }
        Arrays.fill(oldKek, (byte) 0);
        em.remove(old);
        destroyed.add(old.version);
      }
      em.flush();
      cache.keySet().removeIf(k -> k.startsWith(siteId + "|"));
      return new Rotation("site " + siteId, row.version, n, destroyed);
    }
  }

  private List<String> destroy(String siteId, String kind, String scope) {
    List<String> ids = new ArrayList<>();
    for (CryptoKeyEntity k : rows(siteId, kind, scope)) {
      ids.add(k.id);
      em.remove(k);
    }
    em.flush();
    cache.remove(cacheKey(siteId, kind, scope));
    if (!ids.isEmpty()) {
      destroyedEvents.fire(new KeysDestroyed(siteId, List.copyOf(ids)));
    }
    return ids;
  }

  private SecretKey derive(String siteId, byte[] sk, byte[] rk, String recordingId) {
    byte[] ikm = new byte[sk.length + rk.length];
    System.arraycopy(sk, 0, ikm, 0, sk.length);
    System.arraycopy(rk, 0, ikm, sk.length, rk.length);
    byte[] dek = Hkdf.derive(ikm, recordingId.getBytes(StandardCharsets.UTF_8),
        ("witness-dek-v1|" + siteId).getBytes(StandardCharsets.UTF_8), 32);
    Arrays.fill(ikm, (byte) 0);
    return KeyWrap.aes(dek);
  }

  /** The site's current KEK, made (wrapped by the root) on first use. */
  private Unwrapped siteKek(String siteId) {
    String cacheKey = cacheKey(siteId, SITE_KEK, "");
    Unwrapped cached = cache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    List<CryptoKeyEntity> rows = rows(siteId, SITE_KEK, "");
    Unwrapped kek;
    if (rows.isEmpty()) {
      byte[] key = newKey();
      KeyCustody.Wrapped wrapped = custody.wrap(key);
      CryptoKeyEntity row = newRow(SITE_KEK, siteId, "", 1, wrapped.rootVersion(), wrapped.bytes());
      em.persist(row);
      kek = new Unwrapped(row.id, 1, key);
    } else {
      CryptoKeyEntity row = rows.get(rows.size() - 1);
      kek = new Unwrapped(row.id, row.version, custody.unwrap(new KeyCustody.Wrapped(row.wrappedBy, row.wrapped)));
    }
    cache.put(cacheKey, kek);
    return kek;
  }

  private Optional<Unwrapped> keyBelowSite(String siteId, String kind, String scope, boolean create) {
    String cacheKey = cacheKey(siteId, kind, scope);
    Unwrapped cached = cache.get(cacheKey);
    if (cached != null) {
      return Optional.of(cached);
    }
    Unwrapped kek = siteKek(siteId);
    List<CryptoKeyEntity> rows = rows(siteId, kind, scope);
    Unwrapped key;
    if (!rows.isEmpty()) {
      CryptoKeyEntity row = rows.get(rows.size() - 1);
      if (row.wrappedBy != kek.version()) {
        throw new IntegrityException("a " + kind + " key is wrapped by a site key version that does not exist");
      }
      key = new Unwrapped(row.id, row.version, KeyWrap.unwrap(KeyWrap.aes(kek.key()), row.wrapped));
    } else if (create) {
      byte[] bytes = newKey();
      CryptoKeyEntity row = newRow(kind, siteId, scope, 1, kek.version(), KeyWrap.wrap(KeyWrap.aes(kek.key()), bytes));
      em.persist(row);
      key = new Unwrapped(row.id, 1, bytes);
    } else {
      return Optional.empty();
    }
    cache.put(cacheKey, key);
    return Optional.of(key);
  }

  private List<CryptoKeyEntity> rows(String siteId, String kind, String scope) {
    return em.createQuery("select k from CryptoKeyEntity k where k.siteId = :site and k.kind = :kind"
        + " and k.scope = :scope order by k.version", CryptoKeyEntity.class).setParameter("site", siteId)
        .setParameter("kind", kind).setParameter("scope", scope).getResultList();
  }

  private static CryptoKeyEntity newRow(String kind, String siteId, String scope, int version, int wrappedBy,
      byte[] wrapped) {
    CryptoKeyEntity row = new CryptoKeyEntity();
    row.id = TimeOrderedIds.next().toString();
    row.kind = kind;
    row.siteId = siteId;
    row.scope = scope;
    row.version = version;
    row.wrappedBy = wrappedBy;
    row.wrapped = wrapped;
    row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    return row;
  }

  private static String cacheKey(String siteId, String kind, String scope) {
    return siteId + "|" + kind + "|" + scope;
  }

  private static byte[] newKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  static String normalise(String subjectId) {
    return Normalizer.normalize(subjectId.strip(), Normalizer.Form.NFC);
  }
}
