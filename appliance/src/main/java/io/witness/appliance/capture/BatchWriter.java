package io.witness.appliance.capture;

import io.witness.appliance.platform.DaemonThreads;
import io.witness.appliance.platform.DatabaseMigrations;
import io.witness.appliance.platform.EmbeddedDatabaseMaintenance;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.recording.LiveBatch;
import io.witness.appliance.recording.LiveBatchStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Durable storage of live batches, in groups. Request threads parse, validate and compress in parallel and hand
 * the batch over here; a 2xx is answered only once the batch is durable.
 *
 * <p><b>With the embedded database</b> (H2), durable means written to the {@link IngestJournal}: a journal
 * thread appends whatever is waiting (one write call per group) and answers those requests, then passes the
 * batches to a writer thread that stores them in the database, many per transaction, off the answer's path. Reads
 * of recordings wait until every batch answered before them is in the database
 * ({@link LiveBatchStore#awaitApplied}), so a client still reads what it wrote. At start, the journal's batches
 * are stored again ({@link #replayJournal}; storing is idempotent), before the server takes requests.
 *
 * <p><b>With PostgreSQL</b>, durable means committed there (the server may sit on another machine; a local
 * journal would put acknowledged batches on the appliance's disk only): the writer thread stores a group in one
 * transaction and then answers its requests.
 *
 * <p>Grouping: the writer takes everything waiting (up to {@link #MAX_GROUP} batches or {@link #MAX_GROUP_BYTES});
 * a group of fewer than {@link #LINGER_BELOW} waits up to {@link #LINGER_NANOS} for more, since a commit costs
 * about the same for one batch as for several. Threading: one writer queue per writer thread
 * ({@code capture.writer-threads}); a session always goes to the same one (by hash), so a session's batches are
 * stored in arrival order and two first batches of a session never race to create its recording. If a group fails,
 * its batches are retried one by one so that one bad batch cannot fail the others. Memory is bounded: batches
 * waiting for the journal or the database hold at most {@link #PENDING_BUDGET_BYTES}; beyond that a request waits
 * (back-pressure), and answers 503 if it waited too long.
 */
@ApplicationScoped
public class BatchWriter {
  private static final Logger LOG = Logger.getLogger(BatchWriter.class.getName());
  static final int MAX_GROUP = 64;
  static final long MAX_GROUP_BYTES = 16L << 20;
  private static final int QUEUE_CAPACITY = 4096;
  /**
   * A small group waits up to this long for more batches: a commit costs about the same for one batch as for
   * several (H2 rewrites every page it touches), so below saturation, where groups are small, lingering makes the
   * writer's work per batch smaller (docs/benchmarks.md, ingest).
   */
  static final long LINGER_NANOS = 2_000_000;
  static final int LINGER_BELOW = 8;
  /**
   * With the journal, batches are answered before the writer stores them, so the writer can wait longer for a
   * larger group: at 70 % of saturation its CPU per batch fell from 0.31 to 0.23 ms, CPU the request threads
   * then have (docs/benchmarks.md). Reads of a recording wait for its batches, so at most this much longer.
   */
  static final long JOURNALED_LINGER_NANOS = 20_000_000;
  static final int JOURNALED_LINGER_BELOW = 48;
  /** Bytes of batches (events and frame) accepted but not yet in the database; a request beyond it waits. */
  static final long PENDING_BUDGET_BYTES = 64L << 20;
  private static final long ANSWER_TIMEOUT_SECONDS = 60;
  private static final int APPLY_ATTEMPTS = 3;
  private static final long STOP_DRAIN_SECONDS = 10;
  private static final int SESSIONS_TRACKED = 16_384;

  /** A batch handed over; {@code journaled} completes when it is durable, {@code stored} when it is stored. */
  private static final class Pending {
    final LiveBatch batch;
    final Key key;
    final int budget;
    final CompletableFuture<Boolean> answered = new CompletableFuture<>();
    long segment;

    Pending(LiveBatch batch, int budget) {
      this.batch = batch;
      this.key = new Key(batch.siteId(), batch.sessionKey(), batch.seq());
      this.budget = budget;
    }
  }

  private record Key(String siteId, String sessionKey, int seq) {}

  @Inject LiveBatchStore store;
  @Inject io.witness.appliance.crypto.KeyCustody custody;
  @Inject io.witness.appliance.crypto.RootKeyUsers rootKeyUsers;
  @Inject EmbeddedDatabaseMaintenance maintenance;

  @Inject
  @Named("witness")
  DataSource dataSource;

  /**
   * Writer threads (capture.writer-threads). One suits the embedded H2, whose commits are serial anyway: one
   * writer makes fewer, larger groups (measured in docs/benchmarks.md); a PostgreSQL server may take more.
   */
  @Inject @ConfigProperty(name = "capture.writer-threads", defaultValue = "1")
  int writers;

  @Inject @ConfigProperty(name = "witness.data-dir")
  String dataDir;

  @Inject @ConfigProperty(name = "database.maintenance-interval-ms", defaultValue = "250")
  long syncIntervalMs;

  private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean started;
  /** Null with PostgreSQL. */
  private IngestJournal journal;
  private BlockingQueue<Pending> journalQueue;
  /** Per session (site + "\n" + session key), the highest seq journaled or stored; least recently used dropped. */
  private final Map<String, Integer> highestSeq = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > SESSIONS_TRACKED;
    }
  };
  /** Batches journaled and not yet stored, by key: a retry of one of them is a duplicate. */
  private final Map<Key, Pending> unstored = new ConcurrentHashMap<>();
  /** Per journal segment, how many of its batches are not yet stored (guarded by itself). */
  private final TreeMap<Long, Integer> unstoredBySegment = new TreeMap<>();
  /** Batches handed to the journal thread and not yet journaled (or failed). */
  private final java.util.concurrent.atomic.AtomicInteger toJournal = new java.util.concurrent.atomic.AtomicInteger();
  private final Semaphore budget = new Semaphore((int) (PENDING_BUDGET_BYTES >> 10));
  private ScheduledExecutorService syncer;

  @PostConstruct
  void init() {
    writers = Math.max(1, Math.min(16, writers));
    for (int i = 0; i < writers; i++) {
      queues.add(new ArrayBlockingQueue<>(QUEUE_CAPACITY));
    }
  }

  private boolean journaled() {
    return DatabaseMigrations.vendor(dataSource).equals("h2");
  }

  private Path journalDir() {
    return Path.of(dataDir, "journal");
  }

  /**
   * Stores what the journal holds from before this start (batches answered but perhaps not stored when the
   * appliance stopped), converting each entry with {@code toBatch}; then deletes the journal's segments. Called
   * once at start, before requests are taken. Does nothing with PostgreSQL.
   */
  public void replayJournal(Function<IngestJournal.Entry, LiveBatch> toBatch) {
    if (!journaled()) {
      if (java.nio.file.Files.isDirectory(journalDir())) {
        LOG.warning("an ingest journal exists in " + journalDir() + " but the database is not the embedded one:"
            + " its batches are not stored (start once on the embedded database to store them)");
      }
      return;
    }
    try {
      List<LiveBatch> group = new ArrayList<>();
      int[] count = new int[1];
      boolean[] failed = new boolean[1];
      List<Long> segments = IngestJournal.replay(journalDir(), custody, entry -> {
        try {
          group.add(toBatch.apply(entry));
        } catch (RuntimeException e) {
          LOG.log(Level.SEVERE, "a journaled batch (seq " + entry.seq() + ") cannot be read back: "
              + e.getClass().getName(), e);
          failed[0] = true;
          return;
        }
        count[0]++;
        if (group.size() == MAX_GROUP) {
          failed[0] |= !storeReplayed(group);
        }
      });
      failed[0] |= !storeReplayed(group);
      if (failed[0]) {
        LOG.severe("some batches of the ingest journal could not be stored; its segments in " + journalDir()
            + " are kept and replayed at the next start");
      } else if (!segments.isEmpty()) {
        maintenance.syncNow();
        IngestJournal.delete(journalDir(), segments);
        LOG.info("stored the " + count[0] + " batches of the ingest journal (" + segments.size() + " segments)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ingest journal in " + journalDir(), e);
    }
  }

  /** Stores replayed batches (one by one if the group fails); false if any of them could not be stored. */
  private boolean storeReplayed(List<LiveBatch> group) {
    boolean all = true;
    try {
      if (!group.isEmpty()) {
        store.append(List.copyOf(group));
      }
    } catch (RuntimeException e) {
      for (LiveBatch b : group) {
        try {
          store.append(List.of(b));
        } catch (RuntimeException failed) {
          LOG.log(Level.SEVERE, "a journaled batch (seq " + b.seq() + ") could not be stored: "
              + failed.getClass().getName(), failed);
          all = false;
        }
      }
    }
    group.clear();
    return all;
  }

  /**
   * Makes one batch durable (with whatever else is waiting) and returns whether it was a duplicate of one
   * already stored or in progress.
   */
  public boolean append(LiveBatch batch) {
    ensureStarted();
    Pending p = new Pending(batch, budgetOf(batch));
    if (journal == null) {
      acquireBudget(p);
      enqueue(queues.get(lane(batch)), p);
      return await(p.answered);
    }
    Pending earlier = unstored.putIfAbsent(p.key, p);
    if (earlier != null) {
      await(earlier.answered);
      return true;
    }
    try {
      if (mayBeStored(batch)) {
        unstored.remove(p.key, p);
        p.answered.complete(true);
        return true;
      }
      acquireBudget(p);
      toJournal.incrementAndGet();
      try {
        enqueue(journalQueue, p);
      } catch (RuntimeException e) {
        toJournal.decrementAndGet();
        throw e;
      }
    } catch (RuntimeException e) {
      unstored.remove(p.key, p);
      p.answered.completeExceptionally(e);
      throw e;
    }
    return await(p.answered);
  }

  /**
   * Whether the batch is stored already (a retry). Asks the database only when the batch's seq is not above the
   * highest this process has seen journaled or stored for its session (the SDK numbers a session's batches
   * upwards, so nearly every new batch skips the lookup); the first batch of a session seen since the start looks
   * it up and learns the session's highest stored seq.
   */
  private boolean mayBeStored(LiveBatch batch) {
    String session = batch.siteId() + "\n" + batch.sessionKey();
    Integer highest;
    synchronized (highestSeq) {
      highest = highestSeq.get(session);
    }
    if (highest != null && batch.seq() > highest) {
      return false;
    }
    LiveBatchStore.StoredSeqs stored = store.storedSeqs(batch.siteId(), batch.sessionKey(), batch.seq());
    noteSeq(session, stored.highest());
    return stored.contains();
  }

  private void noteSeq(String session, int seq) {
    synchronized (highestSeq) {
      highestSeq.merge(session, seq, Math::max);
    }
  }

  /** A batch's share of {@link #PENDING_BUDGET_BYTES}, in KiB (a semaphore permit each). */
  private static int budgetOf(LiveBatch batch) {
    long kib = ((long) batch.slice().json().length + batch.frame().length) >> 10;
    return (int) Math.max(1, Math.min(PENDING_BUDGET_BYTES >> 10, kib));
  }

  private void acquireBudget(Pending p) {
    try {
      if (!budget.tryAcquire(p.budget, ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw busy("the appliance is writing as fast as it can; retry shortly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to store the batch", e);
    }
  }

  private void enqueue(BlockingQueue<Pending> queue, Pending p) {
    if (!queue.offer(p)) {
      budget.release(p.budget);
      throw busy("the appliance is writing as fast as it can; retry shortly");
    }
  }

  private static boolean await(CompletableFuture<Boolean> answer) {
    try {
      return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the batch was being stored", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw busy("storing the batch took too long; retry (a stored batch answers as a duplicate)");
    }
  }

  private static ProblemException busy(String detail) {
    return new ProblemException(Problem.of(ProblemType.UNAVAILABLE, 503, detail), Map.of("Retry-After", "1"));
  }

  private int lane(LiveBatch batch) {
    return Math.floorMod((batch.siteId() + "\n" + batch.sessionKey()).hashCode(), writers);
  }

  private void ensureStarted() {
    if (!started) {
      synchronized (this) {
        if (!started) {
          if (journaled()) {
            try {
              journal = new IngestJournal(journalDir(), custody);
              rootKeyUsers.register(journal::rootVersionsInUse);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot open the ingest journal in " + journalDir(), e);
            }
            journalQueue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
            threads.add(DaemonThreads.start("witness-ingest-journal", this::runJournal));
            syncer = DaemonThreads.scheduler("witness-ingest-journal-sync");
            long every = syncIntervalMs > 0 ? syncIntervalMs : 250;
            var unused = syncer.scheduleWithFixedDelay(this::syncAndTrim, every, every, TimeUnit.MILLISECONDS);
          }
          for (int i = 0; i < writers; i++) {
            BlockingQueue<Pending> queue = queues.get(i);
            threads.add(DaemonThreads.start("witness-batch-writer-" + i, () -> runWriter(queue)));
          }
          started = true;
        }
      }
    }
  }

  /** The journal thread: appends what is waiting, answers it, hands it to the writers. */
  private void runJournal() {
    List<Pending> group = new ArrayList<>(MAX_GROUP);
    List<IngestJournal.Entry> entries = new ArrayList<>(MAX_GROUP);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        group.add(journalQueue.take());
      } catch (InterruptedException e) {
        return;
      }
      journalQueue.drainTo(group, MAX_GROUP - 1);
      for (Pending p : group) {
        entries.add(new IngestJournal.Entry(p.batch.siteId(), p.batch.sessionKey(), p.batch.seq(),
            p.batch.frame(), p.batch.origin()));
      }
      try {
        long segment = journal.append(entries);
        synchronized (unstoredBySegment) {
          unstoredBySegment.merge(segment, group.size(), Integer::sum);
          toJournal.addAndGet(-group.size());
        }
        store.accepted(group.size());
        for (Pending p : group) {
          p.segment = segment;
          noteSeq(p.batch.siteId() + "\n" + p.batch.sessionKey(), p.batch.seq());
          p.answered.complete(false);
          queues.get(lane(p.batch)).put(p);
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "writing to the ingest journal failed: " + e.getClass().getName(), e);
        toJournal.addAndGet(-group.size());
        for (Pending p : group) {
          unstored.remove(p.key, p);
          budget.release(p.budget);
          p.answered.completeExceptionally(new IllegalStateException("the ingest journal cannot be written", e));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      group.clear();
      entries.clear();
    }
  }

  private void runWriter(BlockingQueue<Pending> queue) {
    List<Pending> group = new ArrayList<>(MAX_GROUP);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      long bytes = group.get(0).batch.frame().length;
      long lingerUntil = System.nanoTime() + (journal != null ? JOURNALED_LINGER_NANOS : LINGER_NANOS);
      int lingerBelow = journal != null ? JOURNALED_LINGER_BELOW : LINGER_BELOW;
      Pending next;
      while (group.size() < MAX_GROUP && bytes < MAX_GROUP_BYTES) {
        next = queue.poll();
        if (next == null && group.size() < lingerBelow) {
          long left = lingerUntil - System.nanoTime();
          try {
            next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (next == null) {
          break;
        }
        group.add(next);
        bytes += next.batch.frame().length;
      }
      if (journal == null) {
        write(group);
      } else {
        apply(group);
      }
      group.clear();
      // Compaction holds H2's store lock: with the journal it delays no answer, so it runs after any group (at
      // most one step per 50 ms); without it, only when no request is waiting for this writer.
      if (journal != null || queue.isEmpty()) {
        maintenance.betweenWriterGroups();
      }
    }
  }

  /** PostgreSQL: stores the group, then answers it. */
  private void write(List<Pending> group) {
    try {
      var answers = store.append(group.stream().map(p -> p.batch).toList());
      for (int i = 0; i < group.size(); i++) {
        done(group.get(i));
        group.get(i).answered.complete(answers.get(i).duplicate());
      }
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "storing a group of " + group.size() + " batches failed; retrying one by one", e);
    }
    for (Pending p : group) {
      try {
        boolean duplicate = store.append(List.of(p.batch)).get(0).duplicate();
        done(p);
        p.answered.complete(duplicate);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "storing a batch failed: " + e.getClass().getName());
        done(p);
        p.answered.completeExceptionally(e);
      }
    }
  }

  /**
   * Embedded database: stores a group of journaled (already answered) batches. A batch that cannot be stored
   * after {@link #APPLY_ATTEMPTS} tries stays in its journal segment, which is then kept, and is stored at the
   * next start.
   */
  private void apply(List<Pending> group) {
    try {
      store.append(group.stream().map(p -> p.batch).toList());
      group.forEach(this::stored);
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "storing a group of " + group.size() + " batches failed; retrying one by one", e);
    }
    for (Pending p : group) {
      for (int attempt = 1; ; attempt++) {
        try {
          store.append(List.of(p.batch));
          stored(p);
          break;
        } catch (RuntimeException e) {
          if (attempt == APPLY_ATTEMPTS) {
            LOG.log(Level.SEVERE, "a journaled batch (seq " + p.batch.seq() + ") could not be stored: "
                + e.getClass().getName() + "; journal segment " + p.segment + " is kept and replayed at the next"
                + " start", e);
            store.applied(1);
            done(p);
            break;
          }
          sleep(100L * attempt);
        }
      }
    }
  }

  /** A journaled batch is in the database: its segment may go once the database is synced. */
  private void stored(Pending p) {
    synchronized (unstoredBySegment) {
      unstoredBySegment.computeIfPresent(p.segment, (s, n) -> n == 1 ? null : n - 1);
    }
    store.applied(1);
    unstored.remove(p.key, p);
    done(p);
  }

  private void done(Pending p) {
    budget.release(p.budget);
  }

  /**
   * Every sync interval: fsync the journal, then the database, then delete the journal segments whose batches
   * were all in the database before that sync (a batch failed for good keeps its segment: it has no entry here
   * removed, so nothing from its segment on is deleted).
   */
  private void syncAndTrim() {
    try {
      journal.force();
      long oldestNeeded;
      synchronized (unstoredBySegment) {
        oldestNeeded = unstoredBySegment.isEmpty() ? journal.currentSegment() : unstoredBySegment.firstKey();
      }
      maintenance.syncNow();
      journal.deleteBelow(oldestNeeded);
      rootKeyUsers.released();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "syncing the ingest journal failed; will retry", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Orderly stop: the writers store what the journal holds (up to {@link #STOP_DRAIN_SECONDS}), the database is
   * synced and the journal deleted, so the next start has nothing to replay. Whatever is left stays in the
   * journal for the next start.
   */
  @PreDestroy
  void stop() {
    synchronized (this) {
      if (syncer != null) {
        syncer.shutdownNow();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_DRAIN_SECONDS);
      while (journal != null && !allStored() && System.nanoTime() < deadline) {
        sleep(10);
      }
      threads.forEach(Thread::interrupt);
      if (journal != null) {
        try {
          journal.close();
          if (allStored()) {
            maintenance.syncNow();
            journal.deleteBelow(Long.MAX_VALUE);
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "closing the ingest journal failed; it is replayed at the next start", e);
        }
      }
    }
  }

  private boolean allStored() {
    synchronized (unstoredBySegment) {
      return unstoredBySegment.isEmpty() && toJournal.get() == 0;
    }
  }
}
