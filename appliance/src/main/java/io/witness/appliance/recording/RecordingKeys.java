package io.witness.appliance.recording;

import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.crypto.KeysDestroyed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;

/**
 * Seals and opens a recording's chunks and personal fields with its data key (crypto.KeyService): AES-256-GCM
 * whose associated data names the recording and the chunk number (or the field), so a chunk cannot be swapped,
 * reordered or moved to another recording undetected. A recording without a subject (stored before encryption
 * existed) is read as it was written.
 *
 * <p>Data keys are cached (the writer seals every batch); when keys are destroyed the whole cache is dropped
 * ({@link #forget}), so an erased subject's recordings stop opening at once.
 */
@ApplicationScoped
class RecordingKeys {
  static final int KEY_VERSION = 1;
  private static final int CACHED = 4096;

  /** Blind-index domains (KeyService#blindIndex). */
  static final String PAGE = "page";
  static final String IP = "ip";

  @Inject KeyService keys;

  /**
   * For the encryption-overhead benchmark only ({@code bin/bench ingest encryption=compare}): new recordings are
   * stored as before encryption existed, in the clear. Never set it on an appliance that records people: the start
   * logs a SEVERE warning when it is on.
   */
  @Inject
  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "crypto.benchmark-unencrypted-recordings",
      defaultValue = "false")
  boolean unencryptedForBenchmark;

  @jakarta.annotation.PostConstruct
  void warnIfUnencrypted() {
    if (unencryptedForBenchmark) {
      java.util.logging.Logger.getLogger(RecordingKeys.class.getName()).severe("NEW RECORDINGS ARE STORED"
          + " UNENCRYPTED (crypto.benchmark-unencrypted-recordings=true): a benchmark setting, never for real data");
    }
  }

  private final Map<String, SecretKey> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
      return size() > CACHED;
    }
  };

  /**
   * Ties a new recording to its data subject ({@code domain} names what {@code value} is: a visitor id, a
   * subject id, ...) and to this month's retention bucket.
   */
  void assign(RecordingEntity r, String domain, String value) {
    if (unencryptedForBenchmark) {
      return;
    }
    r.subjectRef = keys.blindIndex(r.siteId, domain, value);
    r.keyBucket = YearMonth.now(ZoneOffset.UTC).toString();
  }

  /**
   * The subject keys of new recordings, per site, for the writer's transaction: it inserts the rows of the keys
   * made new ({@link KeyService.SubjectKeys#toInsert}) and ends each with committed() or abandoned().
   */
  Map<String, KeyService.SubjectKeys> subjectKeys(List<RecordingEntity> created,
      KeyService.StoredKeyReader reader) {
    Map<String, KeyService.SubjectKeys> out = new LinkedHashMap<>();
    Map<String, List<String>> bySite = created.stream().filter(r -> r.subjectRef != null)
        .collect(Collectors.groupingBy(r -> r.siteId, LinkedHashMap::new,
            Collectors.mapping(r -> r.subjectRef, Collectors.toList())));
    try {
      bySite.forEach((site, refs) -> out.put(site, keys.subjectKeysForWrite(site, refs, reader)));
    } catch (RuntimeException e) {
      out.values().forEach(KeyService.SubjectKeys::abandoned);
      throw e;
    }
    return out;
  }

  /** The key to write a recording created in this group with, from its site's {@link #subjectKeys}. */
  SecretKey writeKey(RecordingEntity r, KeyService.SubjectKeys subjectKeys) {
    if (r.subjectRef == null) {
      return null;
    }
    SecretKey k = subjectKeys.dataKey(r.subjectRef, YearMonth.parse(r.keyBucket), r.id);
    synchronized (cache) {
      cache.put(r.id, k);
    }
    return k;
  }

  /**
   * The key to write {@code r} with; null for a recording stored before encryption. Only a recording created by
   * this write may make its subject's key: for an existing one a destroyed key stays destroyed
   * ({@link io.witness.appliance.crypto.KeyGoneException}: its subject was erased meanwhile).
   */
  SecretKey writeKey(RecordingEntity r, boolean created) {
    if (r.subjectRef == null) {
      return null;
    }
    return key(r.siteId, r.subjectRef, r.keyBucket, r.id, created);
  }

  /** A chunk's bytes as stored. */
  static byte[] seal(SecretKey key, RecordingEntity r, int chunkNo, byte[] plain) {
    if (key == null) {
      return plain;
    }
    return Aead.seal(key, KEY_VERSION, plain, Aead.context("chunk", r.id, Integer.toString(chunkNo)));
  }

  /** The key to open a stored recording's chunks, or null for one stored before encryption. */
  SecretKey keyOf(RecordingEntity r) {
    return r.subjectRef == null ? null : key(r.siteId, r.subjectRef, r.keyBucket, r.id, false);
  }

  /** A chunk's plain bytes; an IntegrityException if it was altered, truncated or moved. */
  static byte[] open(SecretKey key, String recordingId, int chunkNo, byte[] stored) {
    if (key == null) {
      return stored;
    }
    return Aead.open(key, stored, Aead.context("chunk", recordingId, Integer.toString(chunkNo)));
  }

  /** A personal field of recording {@code recordingId} sealed; {@code field} names it (and is authenticated). */
  static byte[] sealField(SecretKey key, String recordingId, String field, String value) {
    return value == null ? null : Aead.seal(key, KEY_VERSION, value.getBytes(StandardCharsets.UTF_8),
        Aead.context("field", recordingId, field));
  }

  /** A personal field opened; null if it was null. */
  static String openField(SecretKey key, String recordingId, String field, byte[] sealed) {
    return sealed == null ? null : new String(Aead.open(key, sealed, Aead.context("field", recordingId, field)),
        StandardCharsets.UTF_8);
  }

  /** Seals {@code r}'s personal fields that are still plain in memory (the first URL found by Aggregates). */
  static void sealFields(SecretKey key, RecordingEntity r) {
    if (key != null && r.firstUrl != null) {
      r.firstUrlSealed = sealField(key, r.id, "first_url", r.firstUrl);
      r.firstUrl = null;
    }
  }

  /** {@code r}'s first page URL, opened; "" if none. */
  String firstUrl(RecordingEntity r) {
    if (r.firstUrlSealed == null) {
      return r.firstUrl == null ? "" : r.firstUrl;
    }
    return openField(keyOf(r), r.id, "first_url", r.firstUrlSealed);
  }

  /** The blind index of a page: its URL's path (origin, query and fragment dropped). */
  String pageIndex(String siteId, String url) {
    return keys.blindIndex(siteId, PAGE, pagePath(url));
  }

  /** The blind index of a client IP address as stored (truncated). */
  String ipIndex(String siteId, String ip) {
    return keys.blindIndex(siteId, IP, ip);
  }

  /**
   * The path of a page URL, the part an analyst names a page by: "/checkout/payment" for
   * "https://shop.example/checkout/payment?card=..#x". A value that is not a URL is taken as a path.
   */
  static String pagePath(String url) {
    String s = url.strip();
    java.util.regex.Matcher origin = ORIGIN.matcher(s);
    if (origin.find()) {
      s = s.substring(origin.end());
    }
    int cut = s.length();
    for (char c : new char[] {'?', '#'}) {
      int i = s.indexOf(c);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    s = s.substring(0, cut);
    return s.isEmpty() ? "/" : s;
  }

  /** Scheme and authority of an absolute URL ("https://user@host:8443"). */
  private static final java.util.regex.Pattern ORIGIN =
      java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*");

  /** Drops every cached data key once keys were destroyed (it cannot tell which recordings they served). */
  void forget(@Observes KeysDestroyed destroyed) {
    synchronized (cache) {
      cache.clear();
    }
  }

  private SecretKey key(String siteId, String subjectRef, String bucket, String recordingId, boolean write) {
    synchronized (cache) {
      SecretKey k = cache.get(recordingId);
      if (k != null) {
        return k;
      }
    }
    YearMonth month = YearMonth.parse(bucket);
    SecretKey k = write ? keys.dataKeyForWrite(siteId, subjectRef, month, recordingId)
        : keys.dataKey(siteId, subjectRef, month, recordingId);
    synchronized (cache) {
      cache.put(recordingId, k);
    }
    return k;
  }
}
