package io.witness.appliance.recording;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The blobs of chunks that compaction or sealing replaced ({@link RecordingStore#compact},
 * {@link RecordingStore#seal}). They are not deleted in the transaction that replaces them: a replay of a recording
 * too large to open in memory reads its chunks while it streams, and would otherwise fail part-way when they are
 * replaced meanwhile (ADR 0001).
 * The replacing transaction lists them in {@code retired_blobs}; {@link #sweep} deletes those retired longer than
 * the grace period ago and not pinned by a replay still streaming in this process ({@link #pin}).
 *
 * <p>A replay pins its chunks' blobs once it has read the chunk list and checked every chunk, far within the grace
 * period of a blob retired after that read; a replay held wholly in memory pins nothing. Pins live in memory: a
 * restart ends every stream, and so every pin.
 */
@ApplicationScoped
public class RetiredBlobs {
  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject BlobStore blobs;

  /** Pinned blob keys, with how many streams pin each. */
  private final ConcurrentHashMap<String, Integer> pins = new ConcurrentHashMap<>();

  /** Pins {@code keys} until the returned action runs (it may run more than once; the first time counts). */
  public Runnable pin(Collection<String> keys) {
    for (String k : keys) {
      pins.merge(k, 1, Integer::sum);
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        for (String k : keys) {
          pins.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1);
        }
      }
    };
  }

  boolean pinned(String key) {
    return pins.containsKey(key);
  }

  /**
   * Deletes up to {@code max} blobs retired more than {@code grace} ago that no stream pins, with their listing;
   * returns how many.
   */
  @Transactional
  public int sweep(Duration grace, int max) {
    OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(grace);
    @SuppressWarnings("unchecked")
    List<String> keys = em.createNativeQuery("select blob_key from retired_blobs where retired_at < ?"
        + " order by retired_at").setParameter(1, before).setMaxResults(max + pins.size()).getResultList();
    int deleted = 0;
    for (String key : keys) {
      if (deleted == max) {
        break;
      }
      if (pinned(key)) {
        continue;
      }
      if (blobs instanceof DatabaseBlobStore) {
        em.createNativeQuery("delete from blobs where blob_key = ?").setParameter(1, key).executeUpdate();
      } else {
        blobs.delete(key);
      }
      em.createNativeQuery("delete from retired_blobs where blob_key = ?").setParameter(1, key).executeUpdate();
      deleted++;
    }
    return deleted;
  }
}
