package io.witness.appliance.recording;

import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.KeyService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Seals and opens a recording's chunks with its data key (crypto.KeyService): AES-256-GCM whose associated data
 * names the recording and the chunk number, so a chunk cannot be swapped, reordered or moved to another recording
 * undetected. A recording without a subject (stored before encryption existed) is read as it was written.
 *
 * <p>Data keys are cached (the writer seals every batch); when keys are destroyed the whole cache is dropped
 * ({@link #forget}), so an erased subject's recordings stop opening at once.
 */
@ApplicationScoped
class RecordingKeys {
  static final int KEY_VERSION = 1;
  private static final int CACHED = 4096;

  @Inject KeyService keys;

  private final Map<String, SecretKey> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
      return size() > CACHED;
    }
  };

  /** Ties a new recording to its data subject and to this month's retention bucket. */
  void assign(RecordingEntity r, String subjectId) {
    r.subjectRef = keys.subjectScope(r.siteId, subjectId);
    r.keyBucket = YearMonth.now(ZoneOffset.UTC).toString();
  }

  /** Makes the subject keys of new recordings in one transaction (the writer, once per group of batches). */
  void prepare(java.util.List<RecordingEntity> created) {
    created.stream().filter(r -> r.subjectRef != null)
        .collect(java.util.stream.Collectors.groupingBy(r -> r.siteId,
            java.util.stream.Collectors.mapping(r -> r.subjectRef, java.util.stream.Collectors.toList())))
        .forEach(keys::prepareSubjects);
  }

  /** A chunk's bytes as stored. */
  byte[] seal(RecordingEntity r, int chunkNo, byte[] plain) {
    if (r.subjectRef == null) {
      return plain;
    }
    return Aead.seal(key(r.siteId, r.subjectRef, r.keyBucket, r.id, true), KEY_VERSION, plain,
        Aead.context("chunk", r.id, Integer.toString(chunkNo)));
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

  /** Drops every cached data key once keys were destroyed (it cannot tell which recordings they served). */
  void forget(@jakarta.enterprise.event.Observes io.witness.appliance.crypto.KeysDestroyed destroyed) {
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
