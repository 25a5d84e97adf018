package io.witness.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks an {@link AuditExport} offline, needing nothing but the zip (and, better, the log's key from elsewhere and
 * checkpoints collected earlier — from syslog, the checkpoint directory, or the last audit):
 * <ol>
 *   <li>every checkpoint's signature, by the trusted key (or the export's own key when none is given);</li>
 *   <li>every entry: canonical JSON, seq 1, 2, 3… without gap or repeat, times that never go back, and its content
 *       still hashing to the leaf hash recorded when it was written;</li>
 *   <li>that each checkpoint's root is the root of the entries up to its size;</li>
 *   <li>consistency (RFC 9162 proofs, built here and verified) between consecutive checkpoints and from each
 *       checkpoint held by the auditor to the export's latest;</li>
 *   <li>that the export covers every checkpoint (no truncated tail).</li>
 * </ol>
 * The result names the first bad entry (seq) and what is wrong, or says OK with the counts.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /** What the verification found. {@code firstBadSeq} is 0 when {@code ok}. */
  public record Result(boolean ok, long entries, int checkpoints, long firstBadSeq, String problem) {
    public String line() {
      return ok ? "OK: " + entries + " entries, " + checkpoints + " checkpoints verified" + (problem.isEmpty() ? "" : "; " + problem)
          : "FAIL: first bad entry seq " + firstBadSeq + ": " + problem;
    }

    static Result bad(long seq, String problem) {
      return new Result(false, 0, 0, seq, problem);
    }
  }

  /**
   * Verifies {@code zip}. {@code trustedKey}: the log's key as the auditor knows it (null: the export's own key,
   * which proves integrity but not origin). {@code held}: checkpoint notes the auditor collected before.
   */
  public static Result verify(Path zip, SignedNote.VerifierKey trustedKey, List<String> held, Provider provider)
      throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      Map<String, Object> manifest = CanonicalJson.parse(read(z, "manifest.json"));
      if (!AuditExport.FORMAT.equals(manifest.get("format"))) {
        return Result.bad(1, "not a Witness audit export (" + manifest.get("format") + ")");
      }
      String origin = (String) manifest.get("origin");
      SignedNote.VerifierKey exportKey = SignedNote.VerifierKey.parse((String) manifest.get("verifierKey"));
      SignedNote.VerifierKey key = trustedKey != null ? trustedKey : exportKey;
      if (trustedKey != null && !trustedKey.encoded().equals(exportKey.encoded())) {
        return Result.bad(1, "the export names key " + exportKey.encoded() + ", not the trusted key " + trustedKey.encoded());
      }

      // Checkpoints: signed by the key, for this log, growing.
      TreeMap<String, ZipEntry> noteFiles = new TreeMap<>();
      z.stream().filter(e -> e.getName().startsWith("checkpoints/") && e.getName().endsWith(".note"))
          .forEach(e -> noteFiles.put(e.getName(), e));
      List<Checkpoint> checkpoints = new ArrayList<>();
      long previousSize = 0;
      for (ZipEntry e : noteFiles.values()) {
        String note = new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
        Checkpoint c;
        try {
          c = Checkpoint.parse(SignedNote.parse(note).text());
        } catch (IllegalArgumentException bad) {
          return Result.bad(previousSize + 1, e.getName() + " is not a checkpoint: " + bad.getMessage());
        }
        if (!SignedNote.verify(note, key, provider)) {
          return Result.bad(previousSize + 1, "checkpoint at tree size " + c.size() + " (" + e.getName()
              + ") has no valid signature by " + key.name() + ": forged or altered");
        }
        if (!c.origin().equals(origin)) {
          return Result.bad(previousSize + 1, "checkpoint at tree size " + c.size() + " is of another log: " + c.origin());
        }
        if (c.size() <= previousSize) {
          return Result.bad(c.size() + 1, "checkpoints out of order: size " + c.size() + " after " + previousSize);
        }
        previousSize = c.size();
        checkpoints.add(c);
      }

      // Entries, against the recorded leaf hashes and the checkpoints.
      byte[] recorded = z.getEntry("leaf-hashes.bin") == null ? new byte[0] : read(z, "leaf-hashes.bin");
      Map<Long, Checkpoint> bySize = new HashMap<>();
      checkpoints.forEach(c -> bySize.put(c.size(), c));
      List<byte[]> leaves = new ArrayList<>();
      Map<Integer, List<byte[]>> tiles = new HashMap<>();
      MerkleFrontier frontier = new MerkleFrontier();
      long lastGood = 0;
      Instant lastTime = Instant.EPOCH;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(open(z, "entries.ndjson"), StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        long expected = 1;
        while ((line = r.readLine()) != null) {
          byte[] canonical = line.getBytes(StandardCharsets.UTF_8);
          AuditEntry entry;
          try {
            entry = AuditEntry.parse(canonical);
          } catch (IllegalArgumentException bad) {
            return Result.bad(expected, "entry " + expected + " of the file cannot be read: " + bad.getMessage());
          }
          if (entry.seq() != expected) {
            return Result.bad(expected, entry.seq() > expected
                ? "entry " + expected + " is missing or out of order (seq " + entry.seq() + " stands in its place)"
                : "entry seq " + entry.seq() + " stands where seq " + expected + " belongs (reordered or repeated)");
          }
          if (entry.time().isBefore(lastTime)) {
            return Result.bad(expected, "time goes back: " + entry.time() + " after " + lastTime);
          }
          lastTime = entry.time();
          byte[] leaf = Merkle.leafHash(canonical);
          int at = (int) ((expected - 1) * Merkle.HASH_BYTES);
          if (recorded.length >= at + Merkle.HASH_BYTES
              && !Arrays.equals(Arrays.copyOfRange(recorded, at, at + Merkle.HASH_BYTES), leaf)) {
            return Result.bad(expected, "entry " + expected + " was changed after it was written (its content no"
                + " longer hashes to the leaf hash recorded then)");
          }
          leaves.add(leaf);
          frontier.append(leaf, (level, index, hash) -> tiles.computeIfAbsent(level, l -> new ArrayList<>()).add(hash));
          Checkpoint c = bySize.get(expected);
          if (c != null) {
            if (!Arrays.equals(frontier.root(), c.root())) {
              return Result.bad(lastGood + 1, "the entries up to seq " + expected + " do not have the root signed"
                  + " in the checkpoint at that size: an entry from seq " + (lastGood + 1) + " on was changed,"
                  + " removed, inserted or the log was forked");
            }
            lastGood = expected;
          }
          expected++;
        }
        long count = expected - 1;
        if (!checkpoints.isEmpty() && checkpoints.get(checkpoints.size() - 1).size() > count) {
          return Result.bad(count + 1, "the log ends at seq " + count + " but a checkpoint covers "
              + checkpoints.get(checkpoints.size() - 1).size() + " entries: its tail was cut off");
        }

        // Consistency proofs, built from the entries as any auditor could, verified as RFC 9162 says.
        Merkle.Subtrees tree = new TiledSubtrees(new TiledSubtrees.Source() {
          @Override
          public List<byte[]> leafHashes(long from, int n) {
            return leaves.subList((int) from, (int) from + n);
          }

          @Override
          public List<byte[]> tiles(int level, long from, int n) {
            return tiles.get(level).subList((int) from, (int) from + n);
          }
        }, count);
        for (int i = 1; i < checkpoints.size(); i++) {
          Checkpoint a = checkpoints.get(i - 1);
          Checkpoint b = checkpoints.get(i);
          if (!Merkle.verifyConsistency(a.size(), b.size(), a.root(), b.root(),
              Merkle.consistencyProof(tree, a.size(), b.size()))) {
            return Result.bad(a.size() + 1, "checkpoints at sizes " + a.size() + " and " + b.size() + " are not consistent");
          }
        }
        List<Checkpoint> heldCheckpoints = new ArrayList<>();
        for (String note : held) {
          Checkpoint h;
          try {
            h = Checkpoint.parse(SignedNote.parse(note).text());
          } catch (IllegalArgumentException bad) {
            return Result.bad(1, "a held checkpoint cannot be read: " + bad.getMessage());
          }
          if (!SignedNote.verify(note, key, provider) || !h.origin().equals(origin)) {
            return Result.bad(1, "a held checkpoint (size " + h.size() + ") is not signed by this log's key");
          }
          heldCheckpoints.add(h);
        }
        heldCheckpoints.sort(java.util.Comparator.comparingLong(Checkpoint::size));
        // The entries agree with every checkpoint up to here; a held checkpoint that disagrees puts the first
        // bad entry just after the largest size known to agree.
        long agreed = 0;
        Checkpoint latest = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
        for (Checkpoint h : heldCheckpoints) {
          if (h.size() > count) {
            return Result.bad(count + 1, "you hold a checkpoint of " + h.size() + " entries; the export has only "
                + count + ": the log was cut back");
          }
          if (!Arrays.equals(tree.hash(0, h.size()), h.root())) {
            return Result.bad(agreed + 1, "a checkpoint you hold (size " + h.size() + ") has another root than"
                + " these entries: the log was rewritten or forked after seq " + agreed
                + (agreed == 0 ? "" : ", the last size a held checkpoint confirms"));
          }
          if (latest != null && latest.size() >= h.size() && !Merkle.verifyConsistency(h.size(), latest.size(),
              h.root(), latest.root(), Merkle.consistencyProof(tree, h.size(), latest.size()))) {
            return Result.bad(h.size() + 1, "the latest checkpoint is not consistent with the one you hold");
          }
          agreed = h.size();
        }
        int heldCount = heldCheckpoints.size();
        List<String> notes = new ArrayList<>();
        if (heldCount > 0) {
          notes.add(heldCount + " held checkpoint(s) consistent");
        }
        if (trustedKey == null) {
          notes.add("signatures checked against the export's own key " + exportKey.encoded()
              + " (give the trusted key to prove origin)");
        }
        if (count > lastGood) {
          notes.add((count - lastGood) + " entries after the latest checkpoint are not yet signed");
        }
        String extra = String.join("; ", notes);
        return new Result(true, count, checkpoints.size(), 0, extra);
      }
    } catch (IllegalArgumentException e) {
      return Result.bad(1, "the export cannot be read: " + e.getMessage());
    }
  }

  private static byte[] read(ZipFile z, String name) throws IOException {
    try (InputStream in = open(z, name)) {
      return in.readAllBytes();
    }
  }

  private static InputStream open(ZipFile z, String name) throws IOException {
    ZipEntry e = z.getEntry(name);
    if (e == null) {
      throw new IllegalArgumentException("the export has no " + name);
    }
    return z.getInputStream(e);
  }
}
