package io.witness.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The export of a whole log, as one zip an auditor checks offline with {@link AuditVerifier}:
 * <ul>
 *   <li>{@code manifest.json} — format, origin, entry and checkpoint counts, the verifier key;</li>
 *   <li>{@code entries.ndjson} — every entry's canonical JSON, one per line, in seq order;</li>
 *   <li>{@code leaf-hashes.bin} — the leaf hash of every entry as recorded when it was written (32 bytes each), so
 *       an entry changed afterwards is named, not only the checkpoint range it falls in;</li>
 *   <li>{@code checkpoints/NNNNNN.note} — every signed checkpoint (C2SP signed notes), in order;</li>
 *   <li>{@code log-key.vkey} and {@code log-key.pem} — the signing key's public half (compare it with the one from
 *       the installation, out of band).</li>
 * </ul>
 */
public final class AuditExport {
  public static final String FORMAT = "witness-audit-export/1";
  private static final int PAGE = 10_000;

  private AuditExport() {}

  /** Writes the store's log up to its latest checkpoint and after (everything stored). */
  public static void write(AuditStore store, String origin, SignedNote.VerifierKey key, byte[] keySpki,
      OutputStream out) throws IOException {
    // Checkpoints first: the log may grow meanwhile, and every checkpoint exported must be within the entries.
    List<AuditStore.StoredCheckpoint> checkpoints = new java.util.ArrayList<>();
    for (long from = 0; ; ) {
      List<AuditStore.StoredCheckpoint> page = store.checkpoints(from, PAGE);
      checkpoints.addAll(page);
      if (page.size() < PAGE) {
        break;
      }
      from = page.get(page.size() - 1).size() + 1;
    }
    long size = store.size();
    ZipOutputStream zip = new ZipOutputStream(out);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("origin", origin);
    manifest.put("entries", size);
    manifest.put("checkpoints", (long) checkpoints.size());
    manifest.put("verifierKey", key.encoded());
    put(zip, "manifest.json", CanonicalJson.write(manifest));
    zip.putNextEntry(new ZipEntry("entries.ndjson"));
    forEachEntry(store, size, e -> {
      zip.write(e.canonical());
      zip.write('\n');
    });
    zip.closeEntry();
    // A second pass, entry by entry as stored (a store with a gap exports the gap, for the verifier to name).
    zip.putNextEntry(new ZipEntry("leaf-hashes.bin"));
    forEachEntry(store, size, e -> zip.write(e.leafHash()));
    zip.closeEntry();
    for (int i = 0; i < checkpoints.size(); i++) {
      put(zip, String.format("checkpoints/%06d.note", i + 1), checkpoints.get(i).note().getBytes(StandardCharsets.UTF_8));
    }
    put(zip, "log-key.vkey", (key.encoded() + "\n").getBytes(StandardCharsets.UTF_8));
    if (keySpki != null) {
      String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keySpki) + "\n-----END PUBLIC KEY-----\n";
      put(zip, "log-key.pem", pem.getBytes(StandardCharsets.US_ASCII));
    }
    zip.finish();
  }

  private interface EntryWriter {
    void write(AuditStore.Stored entry) throws IOException;
  }

  /** Every stored entry up to {@code size}, in seq order, a page at a time. */
  private static void forEachEntry(AuditStore store, long size, EntryWriter writer) throws IOException {
    for (long seq = 1; seq <= size; ) {
      List<AuditStore.Stored> page = store.entries(seq, PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (AuditStore.Stored s : page) {
        if (s.seq() > size) {
          return;
        }
        writer.write(s);
      }
      seq = page.get(page.size() - 1).seq() + 1;
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}
