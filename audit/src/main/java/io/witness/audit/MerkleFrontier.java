package io.witness.audit;

/**
 * The right edge of a growing Merkle tree: one complete subtree per set bit of its size, enough to append a leaf
 * and compute the RFC 9162 root in O(log n) without the earlier leaves. Each complete subtree at a tile level
 * ({@link TiledSubtrees#TILE_LEVELS}) is reported as it is formed, so the store can keep those hashes and build
 * proofs without reading every leaf. Not thread-safe.
 */
public final class MerkleFrontier {
  /** Receives the hash of each complete subtree at a tile level, as it is formed. */
  public interface TileSink {
    void tile(int level, long index, byte[] hash);
  }

  private final byte[][] nodes = new byte[64][];
  private long size;

  public long size() {
    return size;
  }

  /** Appends a leaf hash; {@code sink} (may be null) gets the tiles it completes. */
  public void append(byte[] leafHash, TileSink sink) {
    byte[] h = leafHash;
    int level = 0;
    while (((size >>> level) & 1) == 1) {
      h = Merkle.nodeHash(nodes[level], h);
      nodes[level] = null;
      level++;
      if (sink != null && TiledSubtrees.isTileLevel(level)) {
        sink.tile(level, ((size + 1) >>> level) - 1, h);
      }
    }
    nodes[level] = h;
    size++;
  }

  /** The root of the tree so far. */
  public byte[] root() {
    byte[] r = null;
    for (int level = 0; level < 64; level++) {
      if (((size >>> level) & 1) == 1) {
        r = r == null ? nodes[level] : Merkle.nodeHash(nodes[level], r);
      }
    }
    return r == null ? Merkle.emptyRoot() : r;
  }

  /** Makes {@code to} the same tree as {@code from}. */
  static void copyInto(MerkleFrontier from, MerkleFrontier to) {
    System.arraycopy(from.nodes, 0, to.nodes, 0, from.nodes.length);
    to.size = from.size;
  }

  public MerkleFrontier copy() {
    MerkleFrontier c = new MerkleFrontier();
    System.arraycopy(nodes, 0, c.nodes, 0, nodes.length);
    c.size = size;
    return c;
  }

  /** The frontier of the first {@code size} leaves of {@code tree}: one subtree hash per set bit. */
  public static MerkleFrontier of(Merkle.Subtrees tree, long size) {
    MerkleFrontier f = new MerkleFrontier();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if (((size >>> level) & 1) == 1) {
        f.nodes[level] = tree.hash(start, start + (1L << level));
        start += 1L << level;
      }
    }
    f.size = size;
    return f;
  }
}
