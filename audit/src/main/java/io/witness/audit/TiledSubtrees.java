package io.witness.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subtree hashes from leaf hashes and stored tiles: the hash of every complete, aligned subtree of 2^8, 2^16, 2^24
 * and 2^32 leaves is kept ({@link MerkleFrontier} reports them), so any subtree hash the proofs need combines at most
 * 256 stored hashes per level and an inclusion or consistency proof reads a few blocks of 256 hashes, not n leaves.
 * An instance remembers what it read and computed: make one per proof (or per batch of proofs of one tree size).
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
  private final long treeSize;
  /** Leaf and tile hashes read so far, by level (0 = leaves) and block of 256: a proof reads each block once. */
  private final Map<Long, List<byte[]>> blocks = new HashMap<>();
  private final Map<Long, Map<Long, byte[]>> memo = new HashMap<>();

  /** {@code treeSize}: the number of leaves the source holds now (no request goes beyond it). */
  public TiledSubtrees(Source source, long treeSize) {
    this.source = source;
    this.treeSize = treeSize;
  }

  static boolean isTileLevel(int level) {
    return level == 8 || level == 16 || level == 24 || level == 32;
  }

  @Override
  public byte[] hash(long start, long end) {
    if (end > treeSize) {
      throw new IllegalArgumentException("leaves up to " + end + " asked of a tree of " + treeSize);
    }
    long n = end - start;
    if (n == 0) {
      return Merkle.emptyRoot();
    }
    byte[] known = memo.computeIfAbsent(start, s -> new HashMap<>()).get(end);
    if (known != null) {
      return known;
    }
    byte[] h;
    if (Long.bitCount(n) == 1 && start % n == 0) {
      int level = Long.numberOfTrailingZeros(n);
      int from = 0;
      for (int tileLevel : TILE_LEVELS) {
        if (level >= tileLevel) {
          from = tileLevel;
          break;
        }
      }
      h = perfect(read(from, start >>> from, (int) (n >>> from)));
    } else {
      long k = Merkle.split(n);
      h = Merkle.nodeHash(hash(start, start + k), hash(start + k, end));
    }
    memo.get(start).put(end, h);
    return h;
  }

  /**
   * Hashes {@code [index, index + count)} of {@code level} (0: leaves), through whole blocks of 256 (or up to the
   * tree's edge), so the siblings a proof needs at neighbouring levels come from one read.
   */
  private List<byte[]> read(int level, long index, int count) {
    long available = treeSize >>> level;
    List<byte[]> out = new ArrayList<>(count);
    long i = index;
    while (i < index + count) {
      long block = i >>> 8;
      long first = block << 8;
      List<byte[]> hashes = blocks.computeIfAbsent(((long) level << 56) | block, b -> {
        int n = (int) Math.min(256, available - first);
        return level == 0 ? source.leafHashes(first, n) : source.tiles(level, first, n);
      });
      int take = (int) Math.min(index + count - i, first + hashes.size() - i);
      if (take <= 0) {
        throw new IllegalStateException("the tree has no hashes at level " + level + " from " + i);
      }
      out.addAll(hashes.subList((int) (i - first), (int) (i - first) + take));
      i += take;
    }
    return out;
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
