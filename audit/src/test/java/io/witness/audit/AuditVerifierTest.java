package io.witness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against each kind of tampering, applied to a log's stored state before it is exported (the
 * appliance's tests do the same in real PostgreSQL and H2).
 */
class AuditVerifierTest {
  private static final String ORIGIN = "witness.test/audit";
  private static final SignedNote.Signer SIGNER = TestKeys.signer(ORIGIN);

  @TempDir Path dir;

  /** A log of {@code n} entries with a checkpoint every 50. */
  private static MemoryAuditStore log(int n, String actor) {
    MemoryAuditStore store = new MemoryAuditStore();
    try (AuditLog log = new AuditLog(store, SIGNER, new AuditLog.Settings(ORIGIN, 50, Duration.ofHours(1)),
        Clock.systemUTC(), List.of())) {
      for (int i = 0; i < n; i++) {
        log.append(AuditLogTest.view(actor, "r-" + i));
      }
    }
    return store;
  }

  private AuditVerifier.Result verify(MemoryAuditStore store, Consumer<MemoryAuditStore> tamper, List<String> held)
      throws IOException {
    tamper.accept(store);
    Path zip = dir.resolve("export-" + System.nanoTime() + ".zip");
    try (OutputStream out = Files.newOutputStream(zip)) {
      AuditExport.write(store, ORIGIN, SIGNER.key(), null, out);
    }
    return AuditVerifier.verify(zip, SIGNER.key(), held, TestKeys.BC);
  }

  private static AuditStore.Stored edited(AuditStore.Stored s, boolean rehash) {
    byte[] canonical = new String(s.canonical(), StandardCharsets.UTF_8).replace("\"alice\"", "\"mallory\"")
        .getBytes(StandardCharsets.UTF_8);
    return new AuditStore.Stored(s.seq(), canonical, rehash ? Merkle.leafHash(canonical) : s.leafHash());
  }

  @Test
  void anUntouchedLogVerifies() throws IOException {
    AuditVerifier.Result r = verify(log(620, "alice"), s -> { }, List.of());
    assertTrue(r.ok(), r.line());
    assertEquals(620, r.entries());
    assertEquals(13, r.checkpoints());
    assertTrue(r.line().startsWith("OK: 620 entries, 13 checkpoints verified"), r.line());
  }

  @Test
  void anEditedEntryIsNamed() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> s.entries.set(122, edited(s.entries.get(122), false)), List.of());
    assertFalse(r.ok());
    assertEquals(123, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("changed after it was written"), r.line());
  }

  @Test
  void anEditWithItsLeafHashRewrittenFailsAtTheCheckpointThatCoversIt() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> s.entries.set(122, edited(s.entries.get(122), true)), List.of());
    assertFalse(r.ok());
    assertEquals(101, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("do not have the root signed"), r.line());
  }

  @Test
  void aDeletedEntryIsNamed() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> s.entries.remove(199), List.of());
    assertFalse(r.ok());
    assertEquals(200, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("missing"), r.line());
  }

  @Test
  void reorderedEntriesAreNamed() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> java.util.Collections.swap(s.entries, 149, 150), List.of());
    assertFalse(r.ok());
    assertEquals(150, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("out of order"), r.line());
  }

  @Test
  void aCutTailIsNamed() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> s.entries.subList(280, 300).clear(), List.of());
    assertFalse(r.ok());
    assertEquals(281, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("tail was cut off"), r.line());
  }

  @Test
  void aForgedCheckpointSignatureIsNamed() throws IOException {
    AuditVerifier.Result r = verify(log(300, "alice"), s -> {
      AuditStore.StoredCheckpoint c = s.checkpoints.get(4);
      String forged = SignedNote.sign(SignedNote.parse(c.note()).text(), TestKeys.signer(ORIGIN));
      s.checkpoints.set(4, new AuditStore.StoredCheckpoint(c.size(), forged));
    }, List.of());
    assertFalse(r.ok());
    assertEquals(201, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("forged"), r.line());
  }

  @Test
  void aForkIsFoundAgainstACheckpointTheAuditorHolds() throws IOException {
    MemoryAuditStore original = log(400, "alice");
    // What the auditor collected as it was made (syslog, the checkpoint directory): sizes 50, 100, ... 400.
    List<String> held = original.checkpoints.stream().map(AuditStore.StoredCheckpoint::note).toList();
    // The fork: the same first 300 entries (a backup restored, say), then other entries, signed with the same key.
    MemoryAuditStore branch = new MemoryAuditStore();
    for (int i = 0; i < 300; i++) {
      branch.entries.add(original.entries.get(i));
    }
    rebuildTiles(branch);
    try (AuditLog log = new AuditLog(branch, SIGNER, new AuditLog.Settings(ORIGIN, 50, Duration.ofHours(1)),
        Clock.systemUTC(), List.of())) {
      for (int i = 0; i < 150; i++) {
        log.append(AuditLogTest.view("eve", "other-" + i));
      }
    }
    assertTrue(verify(branch, s -> { }, List.of()).ok(), "the fork alone is self-consistent");
    AuditVerifier.Result r = verify(branch, s -> { }, held);
    assertFalse(r.ok());
    assertEquals(301, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains("forked"), r.line());
    AuditVerifier.Result same = verify(original, s -> { }, List.of(original.checkpoints.get(3).note()));
    assertTrue(same.ok() && same.problem().contains("1 held checkpoint(s) consistent"), same.line());
  }

  @Test
  void theCommandPrintsOkOrTheFirstBadEntryWithItsExitCode() throws IOException {
    MemoryAuditStore store = log(120, "alice");
    Path zip = dir.resolve("ok.zip");
    try (OutputStream out = Files.newOutputStream(zip)) {
      AuditExport.write(store, ORIGIN, SIGNER.key(), null, out);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, VerifyCommand.run(new String[] {zip.toString(), "--key", SIGNER.key().encoded()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("OK: 120 entries"), out.toString(StandardCharsets.UTF_8));
    store.entries.remove(60);
    Path bad = dir.resolve("bad.zip");
    try (OutputStream o = Files.newOutputStream(bad)) {
      AuditExport.write(store, ORIGIN, SIGNER.key(), null, o);
    }
    out.reset();
    assertEquals(1, VerifyCommand.run(new String[] {bad.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAIL: first bad entry seq 61"), out.toString(StandardCharsets.UTF_8));
    assertEquals(2, VerifyCommand.run(new String[] {dir.resolve("none.zip").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
  }

  /** Tiles for entries put into a store directly. */
  private static void rebuildTiles(MemoryAuditStore s) {
    MerkleFrontier f = new MerkleFrontier();
    for (AuditStore.Stored e : s.entries) {
      f.append(e.leafHash(), (level, index, hash) -> s.tiles.get(level).add(hash));
    }
  }
}
