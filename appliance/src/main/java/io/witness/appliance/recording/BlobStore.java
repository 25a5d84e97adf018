package io.witness.appliance.recording;

import java.util.Optional;

/**
 * Storage for the opaque compressed chunks of recordings. Keys are chosen by {@link RecordingStore} and are
 * unique; values are at most a few MiB.
 *
 * <p>Lifecycle and contract: one instance per appliance (a CDI bean), thread-safe. {@link #put} called inside a
 * transaction becomes visible and durable when that transaction commits and disappears if it rolls back; an
 * implementation that cannot take part in the database transaction (object storage, say) must write before the
 * commit and tolerate orphans, which a later sweep removes. {@link #get} returns what was put, byte for byte.
 */
public interface BlobStore {
  void put(String key, byte[] data);

  Optional<byte[]> get(String key);

  void delete(String key);
}
