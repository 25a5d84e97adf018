package io.witness.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Subtree hashes from leaf hashes and stored tiles: the hash of every complete, aligned subtree of 2^8, 2^16, 2^24
 * and 2^32 leaves is kept ({@link MerkleFrontier} reports them), so any subtree hash the proofs need combines at most
 * 256 stored hashes per level and an inclusion or consistency proof reads O(log n) small ranges, not n leaves.
 */
public final class TiledSubtrees implements Merkle.Subtrees {
  static final int[] TILE_LEVELS = {32, 24, 16, 8};

  /** Where leaf and tile hashes are read from (the audit store, or an export in memory). */
  public interface Source {
    /** Leaf hashes at indexes {@code [from, from + count)}, all present. */
    List<byte[]> leafHashes(long from, int count);

    /** Tile hashes of {@code level} at indexes {@code [from, from + count)}, all present. */
    List<byte[]> tiles(int level, long from, int count);
  }

  private final Source source;

  public TiledSubtrees(Source source) {
    this.source = source;
  }

  static boolean isTileLevel(int level) {
    return level == 8 || level == 16 || level == 24 || level == 32;
  }

  @Override
  public byte[] hash(long start, long end) {
    long n = end - start;
    if (n == 0) {
      return Merkle.emptyRoot();
    }
    if (Long.bitCount(n) == 1 && start % n == 0) {
      int level = Long.numberOfTrailingZeros(n);
      for (int tileLevel : TILE_LEVELS) {
        if (level >= tileLevel) {
          return perfect(source.tiles(tileLevel, start >>> tileLevel, (int) (n >>> tileLevel)));
        }
      }
      return perfect(source.leafHashes(start, (int) n));
    }
    long k = Merkle.split(n);
    return Merkle.nodeHash(hash(start, start + k), hash(start + k, end));
  }

  /** The root of a perfect tree over a power-of-two number of hashes. */
  private static byte[] perfect(List<byte[]> level) {
    List<byte[]> row = level;
    while (row.size() > 1) {
      List<byte[]> up = new ArrayList<>(row.size() / 2);
      for (int i = 0; i < row.size(); i += 2) {
        up.add(Merkle.nodeHash(row.get(i), row.get(i + 1)));
      }
      row = up;
    }
    return row.get(0);
  }
}
