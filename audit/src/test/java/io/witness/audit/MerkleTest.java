package io.witness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9162 hashing and proofs against the Certificate Transparency reference vectors, then every shape up to 70. */
class MerkleTest {
  private static final HexFormat HEX = HexFormat.of();
  /** The RFC 6962 / CT reference leaves and the roots of their first 1..8. */
  private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
      "606162636465666768696a6b6c6d6e6f"};
  private static final String[] ROOTS = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

  private static List<byte[]> referenceLeaves() {
    List<byte[]> l = new ArrayList<>();
    for (String s : LEAVES) {
      l.add(Merkle.leafHash(HEX.parseHex(s)));
    }
    return l;
  }

  @Test
  void rootsMatchTheReferenceVectors() {
    List<byte[]> leaves = referenceLeaves();
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(Merkle.emptyRoot()));
    MerkleFrontier f = new MerkleFrontier();
    for (int n = 1; n <= 8; n++) {
      assertEquals(ROOTS[n - 1], HEX.formatHex(Merkle.inMemory(leaves).hash(0, n)), "root of " + n);
      f.append(leaves.get(n - 1), null);
      assertEquals(ROOTS[n - 1], HEX.formatHex(f.root()), "frontier root of " + n);
    }
  }

  @Test
  void proofsMatchTheReferenceVectors() {
    Merkle.Subtrees t = Merkle.inMemory(referenceLeaves());
    assertEquals(List.of("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"), hex(Merkle.inclusionProof(t, 0, 8)));
    assertEquals(List.of("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"), hex(Merkle.inclusionProof(t, 5, 8)));
    assertEquals(List.of("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"), hex(Merkle.consistencyProof(t, 2, 8)));
    assertEquals(List.of("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"), hex(Merkle.consistencyProof(t, 6, 8)));
  }

  @Test
  void everyProofVerifiesAndEveryAlteredOneFails() {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      leaves.add(Merkle.leafHash(new byte[] {(byte) i, (byte) (i * 7)}));
    }
    Merkle.Subtrees t = Merkle.inMemory(leaves);
    for (int n = 1; n <= 70; n++) {
      byte[] root = t.hash(0, n);
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = Merkle.inclusionProof(t, i, n);
        assertTrue(Merkle.verifyInclusion(leaves.get(i), i, n, proof, root), "inclusion " + i + "/" + n);
        assertFalse(Merkle.verifyInclusion(leaves.get((i + 1) % n), i, n, proof, root) && n > 1, "wrong leaf " + i + "/" + n);
        if (!proof.isEmpty()) {
          List<byte[]> flipped = new ArrayList<>(proof);
          byte[] b = flipped.get(0).clone();
          b[3] ^= 1;
          flipped.set(0, b);
          assertFalse(Merkle.verifyInclusion(leaves.get(i), i, n, flipped, root), "flipped " + i + "/" + n);
          assertFalse(Merkle.verifyInclusion(leaves.get(i), i, n, proof.subList(0, proof.size() - 1), root));
        }
      }
      for (int m = 0; m <= n; m++) {
        List<byte[]> proof = Merkle.consistencyProof(t, m, n);
        assertTrue(Merkle.verifyConsistency(m, n, t.hash(0, m), root, proof), "consistency " + m + "->" + n);
        if (m > 0 && m < n) {
          assertFalse(Merkle.verifyConsistency(m, n, t.hash(0, m), Merkle.leafHash(new byte[] {9}), proof));
          List<byte[]> extended = new ArrayList<>(proof);
          extended.add(root);
          assertFalse(Merkle.verifyConsistency(m, n, t.hash(0, m), root, extended), "extended " + m + "->" + n);
        }
      }
    }
  }

  @Test
  void tiledSubtreesGiveTheSameHashesAsTheLeaves() {
    List<byte[]> leaves = new ArrayList<>();
    List<List<byte[]>> tiles = new ArrayList<>();
    for (int i = 0; i <= 32; i++) {
      tiles.add(new ArrayList<>());
    }
    MerkleFrontier f = new MerkleFrontier();
    int n = 70_000;
    for (int i = 0; i < n; i++) {
      byte[] leaf = Merkle.leafHash(Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      leaves.add(leaf);
      f.append(leaf, (level, index, hash) -> {
        assertEquals(tiles.get(level).size(), index, "tiles arrive in order");
        tiles.get(level).add(hash);
      });
    }
    assertEquals(n / 256, tiles.get(8).size());
    assertEquals(1, tiles.get(16).size());
    Merkle.Subtrees tiled = new TiledSubtrees(new TiledSubtrees.Source() {
      @Override
      public List<byte[]> leafHashes(long from, int count) {
        return leaves.subList((int) from, (int) from + count);
      }

      @Override
      public List<byte[]> tiles(int level, long from, int count) {
        return tiles.get(level).subList((int) from, (int) from + count);
      }
    }, n);
    Merkle.Subtrees plain = Merkle.inMemory(leaves);
    assertEquals(HEX.formatHex(f.root()), HEX.formatHex(tiled.hash(0, n)));
    assertEquals(HEX.formatHex(plain.hash(0, 65_537)), HEX.formatHex(tiled.hash(0, 65_537)));
    for (long size : new long[] {1, 255, 256, 257, 4_097, 65_536, n}) {
      assertEquals(HEX.formatHex(MerkleFrontier.of(plain, size).root()), HEX.formatHex(MerkleFrontier.of(tiled, size).root()));
      assertEquals(hex(Merkle.inclusionProof(plain, size - 1, n)), hex(Merkle.inclusionProof(tiled, size - 1, n)));
      assertEquals(hex(Merkle.consistencyProof(plain, size, n)), hex(Merkle.consistencyProof(tiled, size, n)));
    }
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
