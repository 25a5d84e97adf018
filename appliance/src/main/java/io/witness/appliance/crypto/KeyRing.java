package io.witness.appliance.crypto;

import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database side of {@link KeyService} (table {@code crypto_keys}): per site a key-encryption key wrapped by the
 * root custody; under it subject, bucket and index keys wrapped by the site's KEK. Makes, loads, destroys and
 * re-wraps keys. Every method runs in a transaction of its own: a key is handed out only with its row committed,
 * whatever the caller's transaction does afterwards (data sealed under a key a rollback removed could never be
 * read). Only site KEKs are kept unwrapped here (one per site); {@link KeyService} caches the keys below them.
 */
@ApplicationScoped
class KeyRing {
  static final String SITE_KEK = "site-kek";
  static final String SUBJECT = "subject";
  static final String BUCKET = "bucket";
  static final String INDEX = "index";

  @Inject KeyCustody custody;
  @Inject RootKeyUsers rootUsers;
  @Inject jakarta.enterprise.event.Event<KeysDestroyed> destroyedEvents;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  /** Held while keys are made, destroyed or re-wrapped (not the bean: CDI calls arrive through a proxy). */
  private final Object lock = new Object();

  /** The current unwrapped KEK of each site. */
  private final Map<String, Unwrapped> siteKeks = new ConcurrentHashMap<>();

  private record Unwrapped(String id, int version, byte[] key) {}

  /** The bytes of a key below a site ({@code kind} subject, bucket or index), made first if {@code create}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<byte[]> keyBytes(String siteId, String kind, String scope, boolean create) {
    synchronized (lock) {
      return keyBelowSite(siteId, kind, scope, create).map(Unwrapped::key);
    }
  }

  /** The sites that have a KEK. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> sitesWithKeys() {
    return em.createQuery("select distinct k.siteId from CryptoKeyEntity k where k.kind = :kind", String.class)
        .setParameter("kind", SITE_KEK).getResultList();
  }

  /** A site KEK version, unwrapped. */
  @SuppressWarnings("ArrayRecordComponent") // handed to KeyService once
  record Kek(int version, byte[] key) {}

  /** The site's current KEK (made on first use), or version {@code version} of it when {@code version > 0}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Kek kek(String siteId, int version) {
    synchronized (lock) {
      Unwrapped k = version > 0 ? siteKekVersion(siteId, version) : siteKek(siteId);
      return new Kek(k.version(), k.key());
    }
  }

  /**
   * Makes a new root key version current, re-wraps every site KEK under it, and destroys the root versions nothing
   * uses any more. Data keys do not change.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public KeyService.Rotation rotateRoot() {
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
      @SuppressWarnings("unchecked")
      List<Object[]> signing = em.createNativeQuery("select id, wrapped, wrapped_by from signing_keys"
          + " where wrapped_by < ?").setParameter(1, v).getResultList();
      for (Object[] row : signing) {
        byte[] key = custody.unwrap(new KeyCustody.Wrapped(((Number) row[2]).intValue(), (byte[]) row[1]));
        KeyCustody.Wrapped again = custody.wrap(key);
        Arrays.fill(key, (byte) 0);
        em.createNativeQuery("update signing_keys set wrapped = ?, wrapped_by = ? where id = ?")
            .setParameter(1, again.bytes()).setParameter(2, again.rootVersion()).setParameter(3, row[0])
            .executeUpdate();
        n++;
      }
      em.flush();
      Set<Integer> old = new java.util.HashSet<>();
      for (int version = 1; version < v; version++) {
        old.add(version);
      }
      // Destroyed now unless the ingest journal still needs one (then once it is done with it).
      List<Integer> destroyed = rootUsers.destroyRetired(old);
      return new KeyService.Rotation("root", v, n, destroyed);
    }
  }

  /**
   * Starts a site key rotation: makes a new KEK version for {@code siteId} current (new keys are wrapped under it
   * from now on). Returns the new version and how many keys still need re-wrapping ({@link #rewrapSiteKeys}).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public int[] beginSiteRotation(String siteId) {
    synchronized (lock) {
      Unwrapped current = siteKek(siteId);
      byte[] next = newKey();
      KeyCustody.Wrapped wrappedNext = custody.wrap(next);
      CryptoKeyEntity row = newRow(SITE_KEK, siteId, "", current.version() + 1, wrappedNext.rootVersion(),
          wrappedNext.bytes());
      em.persist(row);
      em.flush();
      siteKeks.remove(siteId); // read again, committed, by the next call (KeyService serialises the calls)
      return new int[] {row.version, (int) keysBelow(siteId, row.version)};
    }
  }

  /**
   * Re-wraps up to {@code max} of the site's keys still wrapped under a KEK version before {@code version}, in
   * one transaction; returns how many it re-wrapped (0: none left). Data keys do not change.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public int rewrapSiteKeys(String siteId, int version, int max) {
    synchronized (lock) {
      Unwrapped next = siteKek(siteId);
      if (next.version() != version) {
        throw new IllegalStateException("another rotation of site " + siteId + " made version " + next.version());
      }
      int n = 0;
      for (CryptoKeyEntity k : em.createQuery("select k from CryptoKeyEntity k where k.siteId = :site"
              + " and k.kind <> :kind and k.wrappedBy < :v order by k.id", CryptoKeyEntity.class)
          .setParameter("site", siteId).setParameter("kind", SITE_KEK).setParameter("v", version)
          .setMaxResults(max).getResultList()) {
        byte[] key = KeyWrap.unwrap(KeyWrap.aes(siteKekVersion(siteId, k.wrappedBy).key()), k.wrapped);
        k.wrapped = KeyWrap.wrap(KeyWrap.aes(next.key()), key);
        k.wrappedBy = version;
        Arrays.fill(key, (byte) 0);
        n++;
      }
      em.flush();
      return n;
    }
  }

  /** Ends a site rotation once every key is re-wrapped: destroys the KEK versions before {@code version}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<Integer> finishSiteRotation(String siteId, int version) {
    synchronized (lock) {
      if (keysBelow(siteId, version) > 0) {
        throw new IllegalStateException("site " + siteId + " still has keys under an old KEK version");
      }
      List<Integer> destroyed = new ArrayList<>();
      for (CryptoKeyEntity old : em.createQuery("select k from CryptoKeyEntity k where k.kind = :kind"
          + " and k.siteId = :site and k.version < :v", CryptoKeyEntity.class).setParameter("kind", SITE_KEK)
          .setParameter("site", siteId).setParameter("v", version).getResultList()) {
        em.remove(old);
        destroyed.add(old.version);
      }
      em.flush();
      oldKeks.keySet().removeIf(k -> k.startsWith(siteId + "|"));
      return destroyed;
    }
  }

  /** Key counts for the status page: per site and KEK version, the keys it wraps, by kind. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<Object[]> counts() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createQuery("select k.siteId, k.kind, k.wrappedBy, count(k) from CryptoKeyEntity k"
        + " group by k.siteId, k.kind, k.wrappedBy order by k.siteId, k.kind, k.wrappedBy").getResultList();
    return rows;
  }

  private long keysBelow(String siteId, int version) {
    return em.createQuery("select count(k) from CryptoKeyEntity k where k.siteId = :site and k.kind <> :kind"
            + " and k.wrappedBy < :v", Long.class).setParameter("site", siteId).setParameter("kind", SITE_KEK)
        .setParameter("v", version).getSingleResult();
  }

  /** Site KEK versions older than the current one, unwrapped while a rotation re-wraps their keys. */
  private final Map<String, Unwrapped> oldKeks = new ConcurrentHashMap<>();

  private Unwrapped siteKekVersion(String siteId, int version) {
    Unwrapped current = siteKek(siteId);
    if (current.version() == version) {
      return current;
    }
    return oldKeks.computeIfAbsent(siteId + "|" + version, k -> {
      CryptoKeyEntity row = em.createQuery("select k from CryptoKeyEntity k where k.siteId = :site and k.kind = :kind"
              + " and k.version = :v", CryptoKeyEntity.class).setParameter("site", siteId)
          .setParameter("kind", SITE_KEK).setParameter("v", version).getResultStream().findFirst()
          .orElseThrow(() -> new IntegrityException("a key is wrapped by a site key version that does not exist"));
      return new Unwrapped(row.id, row.version, custody.unwrap(new KeyCustody.Wrapped(row.wrappedBy, row.wrapped)));
    });
  }


  /** The appliance's signing key: public (X.509 DER) and private (PKCS#8 DER) parts, made on first use. */
  @SuppressWarnings("ArrayRecordComponent") // handed to SigningKeys once
  record SigningKey(String id, byte[] publicKey, byte[] privateKey) {}

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public SigningKey signingKey() {
    synchronized (lock) {
      @SuppressWarnings("unchecked")
      List<Object[]> rows = em.createNativeQuery("select id, public_key, wrapped, wrapped_by from signing_keys"
          + " order by created_at desc").setMaxResults(1).getResultList();
      if (!rows.isEmpty()) {
        Object[] row = rows.get(0);
        return new SigningKey((String) row[0], (byte[]) row[1],
            custody.unwrap(new KeyCustody.Wrapped(((Number) row[3]).intValue(), (byte[]) row[2])));
      }
      java.security.KeyPair pair = SigningKeys.generate();
      byte[] publicKey = pair.getPublic().getEncoded();
      byte[] privateKey = pair.getPrivate().getEncoded();
      KeyCustody.Wrapped wrapped = custody.wrap(privateKey);
      String id = SigningKeys.keyId(publicKey);
      em.createNativeQuery("insert into signing_keys (id, algorithm, public_key, wrapped, wrapped_by, created_at)"
              + " values (?, ?, ?, ?, ?, ?)")
          .setParameter(1, id).setParameter(2, SigningKeys.ALGORITHM).setParameter(3, publicKey)
          .setParameter(4, wrapped.bytes()).setParameter(5, wrapped.rootVersion())
          .setParameter(6, OffsetDateTime.now(ZoneOffset.UTC)).executeUpdate();
      return new SigningKey(id, publicKey, privateKey);
    }
  }

  /** Destroys the {@code kind} key of {@code scope}; the ids of the keys destroyed (none if there was none). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> destroy(String siteId, String kind, String scope) {
    synchronized (lock) {
      return destroyLocked(siteId, kind, scope);
    }
  }

  /** Destroys the {@code kind} keys of all {@code scopes} in one transaction; the ids of the keys destroyed. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<String> destroy(String siteId, String kind, java.util.Collection<String> scopes) {
    synchronized (lock) {
      List<String> ids = new ArrayList<>();
      for (String scope : scopes) {
        ids.addAll(destroyLocked(siteId, kind, scope));
      }
      return ids;
    }
  }

  private List<String> destroyLocked(String siteId, String kind, String scope) {
    List<String> ids = new ArrayList<>();
    for (CryptoKeyEntity k : rows(siteId, kind, scope)) {
      ids.add(k.id);
      em.remove(k);
    }
    em.flush();
    if (!ids.isEmpty()) {
      destroyedEvents.fire(new KeysDestroyed(siteId, List.copyOf(ids)));
    }
    return ids;
  }

  /** The site's current KEK, made (wrapped by the root) on first use. */
  private Unwrapped siteKek(String siteId) {
    Unwrapped cached = siteKeks.get(siteId);
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
    siteKeks.put(siteId, kek);
    return kek;
  }

  private Optional<Unwrapped> keyBelowSite(String siteId, String kind, String scope, boolean create) {
    Unwrapped kek = siteKek(siteId);
    List<CryptoKeyEntity> rows = rows(siteId, kind, scope);
    Unwrapped key;
    if (!rows.isEmpty()) {
      CryptoKeyEntity row = rows.get(rows.size() - 1);
      // During a rotation a key may still be wrapped under the previous KEK version.
      Unwrapped wrapping = row.wrappedBy == kek.version() ? kek : siteKekVersion(siteId, row.wrappedBy);
      key = new Unwrapped(row.id, row.version, KeyWrap.unwrap(KeyWrap.aes(wrapping.key()), row.wrapped));
    } else if (create) {
      byte[] bytes = newKey();
      CryptoKeyEntity row = newRow(kind, siteId, scope, 1, kek.version(), KeyWrap.wrap(KeyWrap.aes(kek.key()), bytes));
      em.persist(row);
      key = new Unwrapped(row.id, 1, bytes);
    } else {
      return Optional.empty();
    }
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

  private static byte[] newKey() {
    byte[] key = new byte[32];
    CryptoBackend.random().nextBytes(key);
    return key;
  }
}
