package io.witness.appliance.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key hierarchy below the root (compliance.md §3.1), as the rest of the appliance uses it: per site a
 * key-encryption key (KEK) held by the root custody; under it, per data subject a subject key, per site and month a
 * bucket key, and the site's index key. A recording's data key is derived, never stored: HKDF-SHA-256 over subject
 * key ‖ bucket key, salted with the recording id. Destroying a subject key erases every recording of that subject
 * (GDPR Art. 17); destroying a bucket key expires a whole month. Rotation re-wraps keys and never changes a data
 * key, so no data is re-encrypted.
 *
 * <p>Subjects are named by a blind index ({@link #subjectScope}: HMAC-SHA-256 under the site's index key over the
 * NFC-normalised, stripped id): the subject id itself is never stored. Key bytes are cached here, so the ingest
 * path derives data keys without a transaction; {@link KeyRing} makes and destroys them in the database.
 */
@ApplicationScoped
public class KeyService {
  private static final String INDEX_SCOPE = "v1";

  /**
   * Blind-index domains of a recording's key subject (the capture, recording and subject packages all name
   * subjects by these): a named data subject, the SDK's visitor, a session from an SDK without visitor ids, an
   * import without a subject.
   */
  public static final String SUBJECT = "subject";
  public static final String VISITOR = "visitor";
  public static final String SESSION = "session";
  public static final String IMPORT = "import";

  /** What a rotation did. */
  public record Rotation(String what, int newVersion, int rewrapped, List<Integer> destroyedVersions) {}

  @Inject KeyRing ring;

  /**
   * Held around every call into {@link KeyRing}, whose transactions commit after its own lock is released: without
   * it a key made under a site KEK version could commit just after a rotation re-wrapped that version's keys and
   * destroyed it, and be lost.
   */
  private final Object ringLock = new Object();

  /**
   * Right after the database migrations, before anything is stored: every site's KEK must unwrap under this root
   * custody. A database restored without its keys directory (or with another appliance's) would otherwise start
   * and answer every write with an error; it stops the start with one message instead.
   */
  void checkRootMatchesDatabase(@jakarta.enterprise.event.Observes
      @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE + 10)
      @jakarta.enterprise.context.Initialized(jakarta.enterprise.context.ApplicationScoped.class) Object ignored) {
    for (String site : ring.sitesWithKeys()) {
      try {
        currentKekVersion(site);
      } catch (CustodyException | IntegrityException e) {
        String message = "Witness cannot start: the keys in the database were not wrapped by this root key (site "
            + site + "): start with the keys directory or token that belongs to this database, or restore its root"
            + " keys from the recovery kit (bin/witness keys restore)";
        java.util.logging.Logger.getLogger(KeyService.class.getName()).severe(message);
        IllegalStateException stop = new IllegalStateException(message);
        stop.setStackTrace(new StackTraceElement[0]);
        throw stop;
      }
    }
  }

  /** Keys kept unwrapped (subject, bucket and index keys, least recently used dropped). */
  static final int CACHED_KEYS = 65_536;

  /** Key bytes by site + kind + scope; bounded, since every new visitor is a new subject. */
  private final Map<String, byte[]> cache = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > CACHED_KEYS;
        }
      });

  /**
   * The data key of a recording being written, for the subject whose {@link #subjectScope} is {@code subjectRef};
   * its subject and bucket keys are made if they do not exist yet.
   */
  public SecretKey dataKeyForWrite(String siteId, String subjectRef, YearMonth bucket, String recordingId) {
    return derive(siteId, key(siteId, KeyRing.SUBJECT, subjectRef, true), key(siteId, KeyRing.BUCKET,
        bucket.toString(), true), recordingId);
  }

  /** The data key of a stored recording; {@link KeyGoneException} if its subject or its bucket was destroyed. */
  public SecretKey dataKey(String siteId, String subjectRef, YearMonth bucket, String recordingId) {
    byte[] sk = key(siteId, KeyRing.SUBJECT, subjectRef, false);
    if (sk == null) {
      throw new KeyGoneException("the data subject's key was destroyed (erased)");
    }
    byte[] rk = key(siteId, KeyRing.BUCKET, bucket.toString(), false);
    if (rk == null) {
      throw new KeyGoneException("the retention bucket " + bucket + " was destroyed (expired)");
    }
    return derive(siteId, sk, rk, recordingId);
  }

  /**
   * The key of content a site's recordings share, kept apart from them (the stylesheets the SDK sends once):
   * derived from the site's retention bucket key of {@code bucket} and the content's {@code name}, so it expires
   * with the month it was stored in; the bucket key is made first when {@code forWrite}. {@link KeyGoneException}
   * when that bucket was destroyed.
   */
  public SecretKey siteContentKey(String siteId, YearMonth bucket, String name, boolean forWrite) {
    byte[] rk = key(siteId, KeyRing.BUCKET, bucket.toString(), forWrite);
    if (rk == null) {
      throw new KeyGoneException("the retention bucket " + bucket + " was destroyed (expired)");
    }
    byte[] k = Hkdf.derive(rk, name.getBytes(StandardCharsets.UTF_8),
        ("witness-site-content-v1|" + siteId).getBytes(StandardCharsets.UTF_8), 32);
    return KeyWrap.aes(k);
  }

  /** A new key's row, for a caller that inserts it in its own transaction (see {@link #subjectKeysForWrite}). */
  @SuppressWarnings("ArrayRecordComponent") // handed over once
  public record NewKeyRow(String id, String kind, String siteId, String scope, int version, int wrappedBy,
      byte[] wrapped) {}

  /**
   * Subject keys for a writer's transaction: {@link #bytes} by subject ref, and {@link #toInsert}, the rows of
   * the keys made new, which the writer inserts in its own transaction. Until {@link #committed} or
   * {@link #abandoned} a site rotation cannot begin (a key wrapped under the KEK version being retired could
   * otherwise commit after the re-wrapping passed it); the new keys are cached only once committed, so a rolled
   * back group leaves no key that does not exist.
   */
  public final class SubjectKeys {
    private final String siteId;
    private final Map<String, byte[]> bytes;
    private final List<NewKeyRow> toInsert;
    private boolean open = true;

    private SubjectKeys(String siteId, Map<String, byte[]> bytes, List<NewKeyRow> toInsert) {
      this.siteId = siteId;
      this.bytes = bytes;
      this.toInsert = toInsert;
    }

    public List<NewKeyRow> toInsert() {
      return toInsert;
    }

    /** The subject key of {@code subjectRef} (one of those asked for). */
    byte[] bytes(String subjectRef) {
      return bytes.get(subjectRef);
    }

    /** The data key of a recording of {@code subjectRef}, in {@code bucket}. */
    public SecretKey dataKey(String subjectRef, YearMonth bucket, String recordingId) {
      byte[] sk = bytes.get(subjectRef);
      if (sk == null) {
        throw new IllegalArgumentException("no subject key was asked for " + subjectRef);
      }
      return derive(siteId, sk, key(siteId, KeyRing.BUCKET, bucket.toString(), true), recordingId);
    }

    /** The writer's transaction committed: the new keys exist. */
    public void committed() {
      if (open) {
        toInsert.forEach(k -> cache.put(cacheKey(siteId, k.kind(), k.scope()), bytes.get(k.scope())));
        release();
      }
    }

    /** The writer's transaction rolled back: the new keys never existed. */
    public void abandoned() {
      if (open) {
        release();
      }
    }

    private void release() {
      open = false;
      kekUse.readLock().unlock();
    }
  }

  /**
   * Writers with new keys not yet committed hold it shared; a site rotation's begin (the KEK version change) holds
   * it exclusively, so no key wrapped under the old version commits after the re-wrapping started.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock kekUse =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** A stored key's row as a writer read it on its own connection: its scope and its wrap. */
  @SuppressWarnings("ArrayRecordComponent") // handed over once
  public record StoredKey(String scope, int wrappedBy, byte[] wrapped) {}

  /** Reads the stored subject keys of some scopes of a site, on the writer's connection. */
  @FunctionalInterface
  public interface StoredKeyReader {
    List<StoredKey> read(String siteId, String kind, Collection<String> scopes);
  }

  /** Unwrapped site KEKs by site + "|" + version, and each site's current version: the writer's hot path. */
  private final Map<String, byte[]> keks = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> currentKek = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The subject keys of {@code subjectRefs} for a writer that stores their new ones in its own transaction: one
   * commit per group of batches instead of two, and no transaction of the key ring's unless a KEK is not cached
   * (both were most of the writer's cost with encryption: docs/benchmarks.md, encryption). Existing keys are read
   * by {@code reader} on the writer's connection. The caller must end it with {@link SubjectKeys#committed} or
   * {@link SubjectKeys#abandoned}, on the same thread.
   */
  public SubjectKeys subjectKeysForWrite(String siteId, Collection<String> subjectRefs, StoredKeyReader reader) {
    kekUse.readLock().lock();
    try {
      Map<String, byte[]> bytes = new java.util.HashMap<>();
      List<String> missing = new java.util.ArrayList<>();
      for (String ref : new java.util.LinkedHashSet<>(subjectRefs)) {
        byte[] cached = cache.get(cacheKey(siteId, KeyRing.SUBJECT, ref));
        if (cached != null) {
          bytes.put(ref, cached);
        } else {
          missing.add(ref);
        }
      }
      List<NewKeyRow> toInsert = new java.util.ArrayList<>();
      if (!missing.isEmpty()) {
        for (StoredKey k : reader.read(siteId, KeyRing.SUBJECT, missing)) {
          byte[] key = KeyWrap.unwrap(KeyWrap.aes(kek(siteId, k.wrappedBy())), k.wrapped());
          bytes.put(k.scope(), key);
          cache.put(cacheKey(siteId, KeyRing.SUBJECT, k.scope()), key);
        }
        int version = currentKekVersion(siteId);
        SecretKey kek = KeyWrap.aes(kek(siteId, version));
        for (String ref : missing) {
          if (!bytes.containsKey(ref)) {
            byte[] key = KeyWrap.newKeyBytes();
            toInsert.add(new NewKeyRow(io.witness.appliance.platform.TimeOrderedIds.next().toString(),
                KeyRing.SUBJECT, siteId, ref, 1, version, KeyWrap.wrap(kek, key)));
            bytes.put(ref, key);
          }
        }
      }
      return new SubjectKeys(siteId, bytes, toInsert);
    } catch (RuntimeException e) {
      kekUse.readLock().unlock();
      throw e;
    }
  }

  private int currentKekVersion(String siteId) {
    Integer v = currentKek.get(siteId);
    if (v == null) {
      KeyRing.Kek k;
      synchronized (ringLock) {
        k = ring.kek(siteId, 0);
      }
      keks.put(siteId + "|" + k.version(), k.key());
      currentKek.put(siteId, k.version());
      v = k.version();
    }
    return v;
  }

  private byte[] kek(String siteId, int version) {
    byte[] k = keks.get(siteId + "|" + version);
    if (k == null) {
      synchronized (ringLock) {
        k = ring.kek(siteId, version).key();
      }
      keks.put(siteId + "|" + version, k);
    }
    return k;
  }

  /** Forgets the cached KEKs of a site (its current version changed or old versions were destroyed). */
  private void forgetKeks(String siteId) {
    currentKek.remove(siteId);
    keks.keySet().removeIf(k -> k.startsWith(siteId + "|"));
  }

  /** Destroys a site's bucket key: every recording of that month becomes unreadable. */
  public List<String> destroyBucket(String siteId, YearMonth bucket) {
    synchronized (ringLock) {
      cache.remove(cacheKey(siteId, KeyRing.BUCKET, bucket.toString()));
      return ring.destroy(siteId, KeyRing.BUCKET, bucket.toString());
    }
  }

  /** Destroys the subject keys of {@code subjectRefs} in one transaction; the ids of the keys destroyed. */
  public List<String> destroySubjects(String siteId, Collection<String> subjectRefs) {
    synchronized (ringLock) {
      subjectRefs.forEach(ref -> cache.remove(cacheKey(siteId, KeyRing.SUBJECT, ref)));
      return ring.destroy(siteId, KeyRing.SUBJECT, subjectRefs);
    }
  }

  /**
   * The blind index of a subject id: HMAC-SHA-256 under the site's index key, hex. Equal ids give equal values;
   * without the index key nothing about the id can be learnt from it.
   */
  public String subjectScope(String siteId, String subjectId) {
    return blindIndex(siteId, SUBJECT, subjectId);
  }

  /**
   * The blind index of a personal value in {@code domain} (a subject id, a visitor id, a page URL, an IP address, a
   * trait): HMAC-SHA-256 under the site's index key over {@code domain}, a zero byte and the NFC-normalised,
   * stripped value, hex. The domain keeps equal strings of different meaning apart.
   */
  public String blindIndex(String siteId, String domain, String value) {
    byte[] indexKey = key(siteId, KeyRing.INDEX, INDEX_SCOPE, true);
    try {
      Mac mac = CryptoBackend.mac("HmacSHA256");
      mac.init(new SecretKeySpec(indexKey, "HmacSHA256"));
      mac.update((domain + "\0").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(normalise(value).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }

  /**
   * The key that seals a subject's own personal fields (identify() traits): HKDF of the subject key, so erasing
   * the subject shreds them too. Made with the subject key if there is none yet.
   */
  public SecretKey subjectFieldKey(String siteId, String subjectRef) {
    byte[] sk = key(siteId, KeyRing.SUBJECT, subjectRef, true);
    return KeyWrap.aes(Hkdf.derive(sk, "traits".getBytes(StandardCharsets.UTF_8),
        ("witness-subject-fields-v1|" + siteId).getBytes(StandardCharsets.UTF_8), 32));
  }

  /**
   * Makes a new root key version current, re-wraps every site KEK under it, and destroys the root versions nothing
   * uses any more. Data keys do not change.
   */
  public Rotation rotateRoot() {
    synchronized (ringLock) {
      return ring.rotateRoot();
    }
  }

  /** Keys re-wrapped per transaction by a site rotation: ingest waits at most one such step for the ring. */
  static final int REWRAP_STEP = 500;

  /** Makes a new KEK version for a site, re-wraps its keys under it and destroys the previous versions. */
  public Rotation rotateSite(String siteId) {
    return rotateSite(siteId, (done, total) -> { });
  }

  /** Progress of a rotation: keys re-wrapped so far of the total. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total);
  }

  /**
   * Rotates a site's KEK online: the new version is current at once (new keys are wrapped under it); existing keys
   * are re-wrapped {@link #REWRAP_STEP} per transaction, each step holding the key ring only for itself, so ingest
   * goes on; the old versions are destroyed when nothing uses them. Data keys do not change.
   */
  public Rotation rotateSite(String siteId, Progress progress) {
    int[] begun;
    // Writers holding keys wrapped under the current version commit first; then the version changes.
    kekUse.writeLock().lock();
    try {
      synchronized (ringLock) {
        begun = ring.beginSiteRotation(siteId);
      }
      forgetKeks(siteId);
    } finally {
      kekUse.writeLock().unlock();
    }
    int version = begun[0];
    int total = begun[1];
    int done = 0;
    progress.update(0, total);
    // No lock against writers here: from the begin on they wrap new keys under the new version.
    while (true) {
      int n;
      synchronized (ringLock) {
        n = ring.rewrapSiteKeys(siteId, version, REWRAP_STEP);
      }
      if (n == 0) {
        break;
      }
      done += n;
      progress.update(done, Math.max(total, done));
    }
    synchronized (ringLock) {
      Rotation r = new Rotation("site " + siteId, version, done, ring.finishSiteRotation(siteId, version));
      forgetKeks(siteId);
      return r;
    }
  }

  /** Per site, kind and wrapping KEK version, how many keys: {@code [site, kind, version, count]}. */
  public List<Object[]> keyCounts() {
    synchronized (ringLock) {
      return ring.counts();
    }
  }


  /** A key's bytes, from the cache or the database (made there if {@code create}); null if it does not exist. */
  private byte[] key(String siteId, String kind, String scope, boolean create) {
    String k = cacheKey(siteId, kind, scope);
    byte[] cached = cache.get(k);
    if (cached != null) {
      return cached;
    }
    synchronized (ringLock) {
      byte[] loaded = ring.keyBytes(siteId, kind, scope, create).orElse(null);
      if (loaded != null) {
        cache.put(k, loaded);
      }
      return loaded;
    }
  }

  static SecretKey derive(String siteId, byte[] sk, byte[] rk, String recordingId) {
    byte[] ikm = new byte[sk.length + rk.length];
    System.arraycopy(sk, 0, ikm, 0, sk.length);
    System.arraycopy(rk, 0, ikm, sk.length, rk.length);
    byte[] dek = Hkdf.derive(ikm, recordingId.getBytes(StandardCharsets.UTF_8),
        ("witness-dek-v1|" + siteId).getBytes(StandardCharsets.UTF_8), 32);
    Arrays.fill(ikm, (byte) 0);
    return KeyWrap.aes(dek);
  }

  private static String cacheKey(String siteId, String kind, String scope) {
    return siteId + "|" + kind + "|" + scope;
  }

  static String normalise(String subjectId) {
    return Normalizer.normalize(subjectId.strip(), Normalizer.Form.NFC);
  }
}
