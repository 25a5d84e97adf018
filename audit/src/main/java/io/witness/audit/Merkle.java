package io.witness.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, proofs and their verification, with SHA-256: a leaf
 * is {@code SHA-256(0x00 ‖ entry)}, a node {@code SHA-256(0x01 ‖ left ‖ right)}, the empty tree
 * {@code SHA-256("")}. Proofs are built from a {@link Subtrees} source, so the caller decides where subtree hashes
 * come from (all leaves in memory, or stored tiles, {@link TiledSubtrees}). Indexes are 0-based.
 */
public final class Merkle {
  public static final int HASH_BYTES = 32;

  private Merkle() {}

  /** The hash of the leaves {@code [start, end)} of a tree (MTH of RFC 9162 §2.1.1). */
  public interface Subtrees {
    byte[] hash(long start, long end);
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  public static byte[] leafHash(byte[] entry) {
    MessageDigest d = sha256();
    d.update((byte) 0);
    return d.digest(entry);
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest d = sha256();
    d.update((byte) 1);
    d.update(left);
    return d.digest(right);
  }

  /** The largest power of two smaller than {@code n} ({@code n >= 2}). */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /** The root of the leaf hashes {@code [start, end)} held in memory (naive recursion; for small trees and tests). */
  public static Subtrees inMemory(List<byte[]> leafHashes) {
    return new Subtrees() {
      @Override
      public byte[] hash(long start, long end) {
        if (end - start == 0) {
          return emptyRoot();
        }
        if (end - start == 1) {
          return leafHashes.get((int) start);
        }
        long k = split(end - start);
        return nodeHash(hash(start, start + k), hash(start + k, end));
      }
    };
  }

  /** The audit path of leaf {@code index} in the tree of {@code size} leaves (RFC 9162 §2.1.3.1). */
  public static List<byte[]> inclusionProof(Subtrees tree, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
    }
    List<byte[]> path = new ArrayList<>();
    path(tree, index, 0, size, path);
    return path;
  }

  private static void path(Subtrees tree, long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n <= 1) {
      return;
    }
    long k = split(n);
    if (m < k) {
      path(tree, m, start, start + k, out);
      out.add(tree.hash(start + k, end));
    } else {
      path(tree, m - k, start + k, end, out);
      out.add(tree.hash(start, start + k));
    }
  }

  /** The proof that the tree of {@code first} leaves is a prefix of the tree of {@code second} (§2.1.4.1). */
  public static List<byte[]> consistencyProof(Subtrees tree, long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(tree, first, 0, second, true, proof);
    }
    return proof;
  }

  private static void subproof(Subtrees tree, long m, long start, long end, boolean whole, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!whole) {
        out.add(tree.hash(start, end));
      }
      return;
    }
    long k = split(n);
    if (m <= k) {
      subproof(tree, m, start, start + k, whole, out);
      out.add(tree.hash(start + k, end));
    } else {
      subproof(tree, m - k, start + k, end, false, out);
      out.add(tree.hash(start, start + k));
    }
  }

  /** Whether {@code proof} shows leaf {@code leafHash} at {@code index} in the tree of {@code size} with {@code root} (§2.1.3.2). */
  public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size || !isHash(leafHash) || !isHash(root)) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0 || !isHash(p)) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /** Whether {@code proof} shows the tree ({@code first}, {@code firstRoot}) is a prefix of ({@code second}, {@code secondRoot}) (§2.1.4.2). */
  public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
      List<byte[]> proof) {
    if (first < 0 || first > second || !isHash(firstRoot) || !isHash(secondRoot)) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (first == 0) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, emptyRoot());
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(first) == 1) {
      path.add(0, firstRoot);
    }
    for (byte[] p : path) {
      if (!isHash(p)) {
        return false;
      }
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  private static boolean isHash(byte[] h) {
    return h != null && h.length == HASH_BYTES;
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  static boolean same(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
