package io.witness.appliance.capture;

import io.witness.appliance.platform.EmbeddedDatabaseMaintenance;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.recording.LiveBatch;
import io.witness.appliance.recording.LiveBatchStore;
import io.witness.appliance.recording.RecordingStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Group commit for live batches. Request threads parse, validate and compress in parallel, then queue the batch
 * here and wait; a writer thread takes everything waiting in its queue (up to {@link #MAX_GROUP} batches or
 * {@link #MAX_GROUP_BYTES}) and stores it in one transaction, so a single database commit serves many requests;
 * a group of fewer than {@link #LINGER_BELOW} waits up to {@link #LINGER_NANOS} for more (+20 % throughput on
 * this machine). Each request is answered only after the commit that holds its batch: a 2xx still means durable.
 *
 * <p>Threading: one queue per writer thread ({@code capture.writer-threads}); a session always goes to the same
 * writer (by hash), so two first batches of a new session never race to create its recording and a session's
 * batches are stored in arrival order. If a group fails, its batches are retried one by one so that one bad batch
 * cannot fail the others. A full queue answers 503 at once instead of buffering without bound.
 */
@ApplicationScoped
public class BatchWriter {
  private static final Logger LOG = Logger.getLogger(BatchWriter.class.getName());
  static final int MAX_GROUP = 64;
  static final long MAX_GROUP_BYTES = 16L << 20;
  private static final int QUEUE_CAPACITY = 1024;
  /**
   * A small group waits up to this long for more batches: a commit costs about the same for one batch as for
   * several (H2 rewrites every page it touches), so below saturation, where groups are small, lingering makes the
   * writer's work per batch smaller (docs/benchmarks.md, ingest).
   */
  static final long LINGER_NANOS = 2_000_000;
  static final int LINGER_BELOW = 8;
  private static final long ANSWER_TIMEOUT_SECONDS = 60;

  private record Pending(LiveBatch batch, CompletableFuture<RecordingStore.Appended> done) {}

  @Inject LiveBatchStore store;
  @Inject EmbeddedDatabaseMaintenance maintenance;

  /**
   * Writer threads (capture.writer-threads). One suits the embedded H2, whose commits are serial anyway: one
   * writer makes fewer, larger groups (measured in docs/benchmarks.md); a PostgreSQL server may take more.
   */
  @Inject @ConfigProperty(name = "capture.writer-threads", defaultValue = "1")
  int writers;

  private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
  private volatile boolean started;

  @PostConstruct
  void init() {
    writers = Math.max(1, Math.min(16, writers));
    for (int i = 0; i < writers; i++) {
      queues.add(new ArrayBlockingQueue<>(QUEUE_CAPACITY));
    }
  }

  /** Stores one batch (with whatever else is waiting) and returns once it is committed. */
  public RecordingStore.Appended append(LiveBatch batch) {
    ensureStarted();
    Pending p = new Pending(batch, new CompletableFuture<>());
    int lane = Math.floorMod((batch.siteId() + "\n" + batch.sessionKey()).hashCode(), writers);
    if (!queues.get(lane).offer(p)) {
      throw new ProblemException(Problem.of(ProblemType.UNAVAILABLE, 503,
          "the appliance is writing as fast as it can; retry shortly"), Map.of("Retry-After", "1"));
    }
    try {
      return p.done.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the batch was being stored", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new ProblemException(Problem.of(ProblemType.UNAVAILABLE, 503,
          "storing the batch took too long; retry (a stored batch answers as a duplicate)"),
          Map.of("Retry-After", "1"));
    }
  }

  private final List<Thread> threads = new ArrayList<>();

  private void ensureStarted() {
    if (!started) {
      synchronized (this) {
        if (!started) {
          for (int i = 0; i < writers; i++) {
            BlockingQueue<Pending> queue = queues.get(i);
            Thread t = new Thread(() -> run(queue), "witness-batch-writer-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
          }
          started = true;
        }
      }
    }
  }

  private void run(BlockingQueue<Pending> queue) {
    List<Pending> group = new ArrayList<>(MAX_GROUP);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      long bytes = group.get(0).batch.frame().length;
      long lingerUntil = System.nanoTime() + LINGER_NANOS;
      Pending next;
      while (group.size() < MAX_GROUP && bytes < MAX_GROUP_BYTES) {
        next = queue.poll();
        if (next == null && group.size() < LINGER_BELOW) {
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
      write(group);
      group.clear();
      if (queue.isEmpty()) {
        maintenance.whenWriterIdle();
      }
    }
  }

  private void write(List<Pending> group) {
    try {
      List<RecordingStore.Appended> answers = store.append(group.stream().map(Pending::batch).toList());
      for (int i = 0; i < group.size(); i++) {
        group.get(i).done.complete(answers.get(i));
      }
      return;
    } catch (RuntimeException e) {
      if (group.size() == 1) {
        LOG.log(Level.FINE, "storing a batch failed; retrying it once", e);
      } else {
        LOG.log(Level.FINE, "storing a group of " + group.size() + " batches failed; retrying one by one", e);
      }
    }
    for (Pending p : group) {
      try {
        p.done.complete(store.append(List.of(p.batch)).get(0));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "storing a batch failed: " + e.getClass().getName());
        p.done.completeExceptionally(e);
      }
    }
  }

  @PreDestroy
  void stop() {
    synchronized (this) {
      threads.forEach(Thread::interrupt);
    }
  }
}
