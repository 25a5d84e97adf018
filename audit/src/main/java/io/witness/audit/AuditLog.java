package io.witness.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit log's writer. Callers hand in {@link AuditEvent}s from any thread; one sequencer thread takes everything
 * waiting, gives each a gapless seq and a non-decreasing time, extends the Merkle tree, and stores the group in one
 * durable write ({@link AuditStore#append}) — group commit, so thousands of entries per second cost a few
 * transactions. {@link #append} returns only once its entry is durable and throws
 * {@link AuditUnavailableException} if it could not be stored: a caller serves content only after that returns
 * (fail closed).
 *
 * <p>Checkpoints: after every {@code checkpointEvery} entries, or {@code checkpointInterval} after the first entry
 * not yet under a checkpoint, whichever comes first, and at {@link #close()}, the sequencer signs a C2SP checkpoint
 * of the whole tree, stores it and hands the note to every {@code publisher} (syslog, a directory), so the
 * evidence also leaves the box as it is made. A publisher's failure is logged and does not stop the log.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  private static final int MAX_GROUP = 4096;

  /** When checkpoints are made; {@code origin} names the log in them (e.g. {@code witness.example.com/audit}). */
  public record Settings(String origin, int checkpointEvery, Duration checkpointInterval) {
    public Settings {
      if (checkpointEvery < 1 || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
        throw new IllegalArgumentException("checkpoints need a positive count and interval");
      }
    }
  }

  private record Pending(AuditEvent event, CompletableFuture<AuditEntry> done) {}

  private static final Pending STOP = new Pending(null, null);

  private final AuditStore store;
  private final SignedNote.Signer signer;
  private final Settings settings;
  private final Clock clock;
  private final List<Consumer<String>> publishers;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread sequencer;
  private final MerkleFrontier frontier;
  private volatile boolean closed;
  private Instant lastTime = Instant.EPOCH;
  private long checkpointedSize;
  private long uncheckpointedSince;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  /**
   * Stores and publishes checkpoints in order, off the sequencer: a checkpoint's write (and the fsync it costs)
   * does not hold up the next group of entries (measured: it was most of the p99 of an audited request).
   */
  private final java.util.concurrent.ExecutorService checkpointWriter =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "witness-audit-checkpoints");
        t.setDaemon(true);
        return t;
      });
  private CompletableFuture<Void> lastCheckpoint = CompletableFuture.completedFuture(null);
  /** A checkpoint could not be stored: sign one again at the next chance. */
  private volatile boolean checkpointFailed;

  public AuditLog(AuditStore store, SignedNote.Signer signer, Settings settings, Clock clock,
      List<Consumer<String>> publishers) {
    this.store = store;
    this.signer = signer;
    this.settings = settings;
    this.clock = clock;
    this.publishers = List.copyOf(publishers);
    long size = store.size();
    this.frontier = MerkleFrontier.of(store.subtrees(), size);
    this.checkpointedSize = store.latestCheckpoint().map(AuditStore.StoredCheckpoint::size).orElse(0L);
    if (size > 0) {
      lastTime = AuditEntry.parse(store.entries(size, 1).get(0).canonical()).time();
    }
    this.uncheckpointedSince = System.nanoTime();
    this.sequencer = new Thread(this::run, "witness-audit-sequencer");
    sequencer.setDaemon(true);
    sequencer.start();
  }

  /** Appends {@code event} and waits until it is durable. */
  public AuditEntry append(AuditEvent event) {
    try {
      return appendAsync(event).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AuditUnavailableException u ? u
          : new AuditUnavailableException("the audit log could not store the entry", e.getCause());
    } catch (TimeoutException e) {
      throw new AuditUnavailableException("the audit log did not store the entry within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditUnavailableException("interrupted while the audit log stored the entry", e);
    }
  }

  /** Appends {@code event}; the future completes when it is durable, exceptionally if it could not be stored. */
  public CompletableFuture<AuditEntry> appendAsync(AuditEvent event) {
    CompletableFuture<AuditEntry> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new AuditUnavailableException("the audit log is closed", null));
      return done;
    }
    queue.add(new Pending(event, done));
    return done;
  }

  /** Signs a checkpoint now if there are entries not yet under one (e.g. before an export). */
  public void checkpointNow() {
    CompletableFuture<AuditEntry> done = new CompletableFuture<>();
    queue.add(new Pending(null, done));
    try {
      done.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new AuditUnavailableException("the audit log could not sign a checkpoint", e);
    }
  }

  /** Subtree hashes of the stored tree, for proofs. */
  public Merkle.Subtrees tree() {
    return store.subtrees();
  }

  public AuditStore store() {
    return store;
  }

  public SignedNote.VerifierKey key() {
    return signer.key();
  }

  public String origin() {
    return settings.origin();
  }

  /** Stores what is waiting, signs a last checkpoint and stops the sequencer. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      stopped.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(Level.WARNING, "the audit sequencer did not stop cleanly: " + e.getClass().getName());
    }
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    try {
      while (true) {
        Pending first = queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
          timedCheckpoint();
          continue;
        }
        group.add(first);
        queue.drainTo(group, MAX_GROUP - 1);
        boolean stop = group.remove(STOP);
        List<Pending> forced = new ArrayList<>();
        group.removeIf(p -> p.event() == null && forced.add(p));
        if (!group.isEmpty()) {
          store(group);
        }
        if (stop || !forced.isEmpty()) {
          try {
            maybeCheckpoint(true);
            forced.forEach(p -> p.done().complete(null));
          } catch (RuntimeException e) {
            forced.forEach(p -> p.done().completeExceptionally(e));
          }
        } else {
          timedCheckpoint();
        }
        group.clear();
        if (stop) {
          List<Pending> late = new ArrayList<>();
          queue.drainTo(late);
          late.stream().filter(p -> p.done() != null).forEach(p -> p.done().completeExceptionally(
              new AuditUnavailableException("the audit log is closed", null)));
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      checkpointWriter.shutdown();
      try {
        if (!checkpointWriter.awaitTermination(20, TimeUnit.SECONDS)) {
          LOG.warning("the last audit checkpoints were not stored within 20 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.complete(null);
    }
  }

  private long pollNanos() {
    if (checkpointFailed || frontier.size() == checkpointedSize) {
      return TimeUnit.SECONDS.toNanos(1);
    }
    long due = uncheckpointedSince + settings.checkpointInterval().toNanos() - System.nanoTime();
    return Math.max(1, due);
  }

  private void store(List<Pending> group) {
    MerkleFrontier next = frontier.copy();
    List<AuditStore.Stored> stored = new ArrayList<>(group.size());
    List<AuditStore.Tile> tiles = new ArrayList<>();
    List<AuditEntry> entries = new ArrayList<>(group.size());
    Instant time = lastTime;
    for (Pending p : group) {
      Instant now = clock.instant();
      time = now.isAfter(time) ? now : time;
      AuditEntry e = new AuditEntry(next.size() + 1, time, p.event());
      byte[] canonical = e.canonical();
      byte[] leaf = Merkle.leafHash(canonical);
      next.append(leaf, (level, index, hash) -> tiles.add(new AuditStore.Tile(level, index, hash)));
      stored.add(new AuditStore.Stored(e.seq(), canonical, leaf));
      entries.add(e);
    }
    try {
      store.append(stored, tiles);
    } catch (RuntimeException failed) {
      LOG.log(Level.SEVERE, "the audit log could not store " + group.size() + " entries: "
          + failed.getClass().getName());
      AuditUnavailableException e = new AuditUnavailableException("the audit log could not be written", failed);
      group.forEach(p -> p.done().completeExceptionally(e));
      return;
    }
    if (frontier.size() == checkpointedSize) {
      uncheckpointedSince = System.nanoTime();
    }
    adopt(next);
    lastTime = entries.get(entries.size() - 1).time();
    for (int i = 0; i < group.size(); i++) {
      group.get(i).done().complete(entries.get(i));
    }
  }

  private void adopt(MerkleFrontier next) {
    // The frontier is final; copy the stored state into it.
    MerkleFrontier.copyInto(next, frontier);
  }

  /** A checkpoint if one is due; a failure is logged and tried again later (the entries are stored). */
  private void timedCheckpoint() {
    try {
      maybeCheckpoint(false);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the audit log could not store a checkpoint: " + e.getClass().getName());
    }
  }

  /** Signs a checkpoint when due (or {@code force}d); stored and published by the checkpoint writer, in order. */
  private void maybeCheckpoint(boolean force) {
    long size = frontier.size();
    boolean retry = checkpointFailed;
    if (size == checkpointedSize && !retry) {
      if (force) {
        lastCheckpoint.join();
      }
      return;
    }
    boolean due = retry || size - checkpointedSize >= settings.checkpointEvery()
        || System.nanoTime() - uncheckpointedSince >= settings.checkpointInterval().toNanos();
    if (!force && !due) {
      return;
    }
    String note = SignedNote.sign(new Checkpoint(settings.origin(), size, frontier.root()).body(), signer);
    checkpointedSize = size;
    checkpointFailed = false;
    lastCheckpoint = CompletableFuture.runAsync(() -> storeAndPublish(size, note), checkpointWriter);
    if (force) {
      lastCheckpoint.join();
    }
  }

  private void storeAndPublish(long size, String note) {
    try {
      store.addCheckpoint(new AuditStore.StoredCheckpoint(size, note));
    } catch (RuntimeException e) {
      checkpointFailed = true;
      LOG.log(Level.SEVERE, "the audit log could not store its checkpoint at " + size + ": " + e.getClass().getName());
      throw e;
    }
    for (Consumer<String> p : publishers) {
      try {
        p.accept(note);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a checkpoint publisher failed: " + e.getClass().getName() + ": " + e.getMessage());
      }
    }
  }

  /** The latest stored checkpoint note, if any. */
  public Optional<String> latestCheckpoint() {
    return store.latestCheckpoint().map(AuditStore.StoredCheckpoint::note);
  }
}
