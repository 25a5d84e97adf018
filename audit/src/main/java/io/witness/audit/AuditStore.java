package io.witness.audit;

import java.util.List;
import java.util.Optional;

/**
 * Where the log keeps its entries, tile hashes and signed checkpoints (the appliance: its database). Written by one
 * thread ({@link AuditLog}'s sequencer); read by any.
 */
public interface AuditStore {
  /** One stored entry: its canonical JSON and its leaf hash as computed when it was written. */
  @SuppressWarnings("ArrayRecordComponent") // values handed between the log and its store, never changed
  record Stored(long seq, byte[] canonical, byte[] leafHash) {}

  /** The hash of the complete subtree {@code index} at {@code level} (2^level leaves). */
  @SuppressWarnings("ArrayRecordComponent")
  record Tile(int level, long index, byte[] hash) {}

  /** A signed checkpoint note and the tree size it signs. */
  record StoredCheckpoint(long size, String note) {}

  /** The number of entries (the highest seq). */
  long size();

  /**
   * Stores {@code entries} (seq contiguous after {@link #size()}) and the tiles they complete, atomically and
   * durably: when this returns, they survive a crash. Throws if they could not be stored; then nothing is.
   */
  void append(List<Stored> entries, List<Tile> tiles);

  /** Entries from {@code fromSeq} on, in seq order, at most {@code limit}. */
  List<Stored> entries(long fromSeq, int limit);

  /** Leaf hashes at indexes {@code [from, from + count)} (index = seq - 1). */
  List<byte[]> leafHashes(long from, int count);

  /** Tile hashes of {@code level} at indexes {@code [from, from + count)}. */
  List<byte[]> tiles(int level, long from, int count);

  /** Stores a signed checkpoint, durably. */
  void addCheckpoint(StoredCheckpoint checkpoint);

  Optional<StoredCheckpoint> latestCheckpoint();

  /** Checkpoints in tree-size order, from {@code fromSize} on, at most {@code limit}. */
  List<StoredCheckpoint> checkpoints(long fromSize, int limit);

  /** Subtree hashes of this store's tree as it is now (a fresh reader: it caches what it reads). */
  default Merkle.Subtrees subtrees() {
    return new TiledSubtrees(new TiledSubtrees.Source() {
      @Override
      public List<byte[]> leafHashes(long from, int count) {
        return AuditStore.this.leafHashes(from, count);
      }

      @Override
      public List<byte[]> tiles(int level, long from, int count) {
        return AuditStore.this.tiles(level, from, count);
      }
    }, size());
  }
}
