package io.witness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  static AuditEvent view(String actor, String recording) {
    return new AuditEvent("user", actor, "10.0.0.1", "test", "replay.view", AuditEvent.Outcome.SUCCESS,
        "recording", recording, "demo", null, null, null);
  }

  @Test
  void entriesGetGaplessSeqsAndCheckpointsEveryNAndAtClose() {
    MemoryAuditStore store = new MemoryAuditStore();
    SignedNote.Signer signer = TestKeys.signer("witness.test/audit");
    List<String> published = Collections.synchronizedList(new ArrayList<>());
    try (AuditLog log = new AuditLog(store, signer, new AuditLog.Settings("witness.test/audit", 10,
        Duration.ofHours(1)), Clock.systemUTC(), List.of(published::add))) {
      List<CompletableFuture<AuditEntry>> all = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        all.add(log.appendAsync(view("alice", "r-" + i)));
      }
      for (int i = 0; i < 25; i++) {
        assertEquals(i + 1, all.get(i).join().seq(), "in the order handed in, without gaps");
      }
      for (int i = 0; i < 25; i++) {
        log.append(view("alice", "s-" + i));
      }
    }
    assertEquals(50, store.size());
    // A group stored at once gets at most one checkpoint (the first 25 may come in a few groups); the entries
    // appended one by one get one every 10 exactly; and there is one at close.
    List<Long> sizes = store.checkpoints.stream().map(AuditStore.StoredCheckpoint::size).toList();
    assertEquals(50L, sizes.get(sizes.size() - 1), "a checkpoint at close: " + sizes);
    for (int i = 1; i < sizes.size() - 1; i++) {
      long step = sizes.get(i) - sizes.get(i - 1);
      assertTrue(sizes.get(i) <= 25 ? step >= 10 : step == 10, "every 10 entries: " + sizes);
    }
    assertTrue(sizes.size() >= 3, "checkpoints: " + sizes);
    assertEquals(store.checkpoints.stream().map(AuditStore.StoredCheckpoint::note).toList(), published);
    for (AuditStore.StoredCheckpoint c : store.checkpoints) {
      assertTrue(SignedNote.verify(c.note(), signer.key(), TestKeys.BC));
      Checkpoint cp = Checkpoint.parse(SignedNote.parse(c.note()).text());
      assertEquals(java.util.HexFormat.of().formatHex(store.subtrees().hash(0, c.size())),
          java.util.HexFormat.of().formatHex(cp.root()));
    }
  }

  @Test
  void aTimedCheckpointComesWithoutMoreEntries() throws Exception {
    MemoryAuditStore store = new MemoryAuditStore();
    try (AuditLog log = new AuditLog(store, TestKeys.signer("w/a"), new AuditLog.Settings("w/a", 1000,
        Duration.ofMillis(200)), Clock.systemUTC(), List.of())) {
      log.append(view("bob", "r-1"));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (store.checkpoints.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, store.checkpoints.size(), "a checkpoint within the interval");
    }
  }

  @Test
  void anUnwritableStoreFailsTheAppendAndTheLogGoesOnWhenItRecovers() {
    MemoryAuditStore store = new MemoryAuditStore();
    try (AuditLog log = new AuditLog(store, TestKeys.signer("w/a"), new AuditLog.Settings("w/a", 5,
        Duration.ofHours(1)), Clock.systemUTC(), List.of())) {
      log.append(view("carol", "r-1"));
      store.failing = true;
      assertThrows(AuditUnavailableException.class, () -> log.append(view("carol", "r-2")));
      store.failing = false;
      assertEquals(2, log.append(view("carol", "r-3")).seq(), "no gap where the write failed");
    }
  }

  @Test
  void aReopenedLogContinuesTheSameTree() {
    MemoryAuditStore store = new MemoryAuditStore();
    SignedNote.Signer signer = TestKeys.signer("w/a");
    AuditLog.Settings settings = new AuditLog.Settings("w/a", 100, Duration.ofHours(1));
    try (AuditLog log = new AuditLog(store, signer, settings, Clock.systemUTC(), List.of())) {
      List<CompletableFuture<AuditEntry>> all = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        all.add(log.appendAsync(view("dave", "r-" + i)));
      }
      all.forEach(CompletableFuture::join);
    }
    try (AuditLog log = new AuditLog(store, signer, settings, Clock.systemUTC(), List.of())) {
      assertEquals(301, log.append(view("dave", "again")).seq());
    }
    assertEquals(java.util.HexFormat.of().formatHex(Merkle.inMemory(store.entries.stream()
            .map(AuditStore.Stored::leafHash).toList()).hash(0, 301)),
        java.util.HexFormat.of().formatHex(Checkpoint.parse(SignedNote.parse(
            store.latestCheckpoint().orElseThrow().note()).text()).root()));
  }
}
