package io.witness.appliance.platform;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Housekeeping of the embedded H2 file while the appliance runs: an fsync every
 * {@code database.maintenance-interval-ms} (250 ms; 0 turns all of it off) and compaction in small steps, run by
 * the batch writer between two groups of batches ({@link #betweenWriterGroups()}), or by the timer when no step ran for
 * {@link #TIMER_STEP_AFTER_NANOS} (no ingest, or a writer that never had an idle moment). PostgreSQL needs none of
 * this.
 *
 * <p>Why compaction: H2 writes each commit as a new chunk holding every page the commit touched. The appliance
 * commits with {@code WRITE_DELAY=0} (a 2xx is in the file before it is sent), and with that setting H2 runs no
 * background thread, so nothing rewrote the few live pages left in old chunks: under saturated ingest the file grew
 * about ten times faster than the data (2.5 GB per minute, docs/benchmarks.md). Each step rewrites the live pages
 * of chunks below {@link #TARGET_FILL_PERCENT} % fill, up to a byte budget, and commits them; the chunks it
 * empties are reused.
 *
 * <p>Why by the writer: a step holds H2's store lock, which every commit needs, and the pages it rewrites are
 * written by the next commit. Run from a timer, a 2 MB step every 250 ms made the next group of batches wait
 * 15–30 ms, the largest part of the ingest tail (docs/benchmarks.md, "Ingest, 2026-12-03"). Run by the writer
 * between groups, a step ({@link #IDLE_STEP_BYTES}, a few ms) never delays a commit in progress; since the ingest
 * journal, no answer waits for it either.
 *
 * <p>Why fsync: H2 does not fsync per commit, so a power loss could lose acknowledged batches, and H2 overwrites a
 * dead chunk only after {@code RETENTION_TIME} (the default URL sets 5 s) on the assumption that the OS has flushed
 * it by then. Syncing four times a second makes that assumption true and bounds what a power loss can take to
 * about the last quarter second of batches (a kill of the process loses nothing; docs/benchmarks.md, durability).
 *
 * <p>This reaches into H2's engine ({@code SessionLocal} → {@code MVStore}); H2 offers no SQL for either step
 * ({@code CHECKPOINT} gives up when it cannot take the store lock within 10 ms, which under ingest is nearly
 * always). If the H2 in use is not embedded or its internals differ, maintenance switches itself off with one
 * warning and the appliance runs on without it.
 */
@ApplicationScoped
public class EmbeddedDatabaseMaintenance {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabaseMaintenance.class.getName());
  static final int TARGET_FILL_PERCENT = 60;
  /** A step by the writer between groups: small, so the writer is back to its queue within a few ms. */
  static final int IDLE_STEP_BYTES = 512 << 10;
  /** Idle steps at most this often (up to ~10 MB/s of rewriting, more than saturated ingest leaves behind). */
  static final long IDLE_STEP_SPACING_NANOS = 50_000_000L;
  /**
   * The timer compacts only when no step ran for this long: there is no ingest, or the writer has had no idle
   * moment for that long. Not sooner: a writer busy for a quarter second is working off a backlog, and a timer step
   * then (13–87 ms under load) made the backlog grow (docs/benchmarks.md, "Ingest, 2026-12-03").
   */
  static final long TIMER_STEP_AFTER_NANOS = 2_000_000_000L;
  /** The size of a timer step. */
  static final int TIMER_STEP_BYTES = 2 << 20;

  @Inject
  @Named("witness")
  DataSource dataSource;

  @Inject @ConfigProperty(name = "database.maintenance-interval-ms", defaultValue = "250")
  long intervalMs;

  private ScheduledExecutorService executor;
  /** True while maintenance runs: after start on an embedded H2 file, until stop or until it switched itself off. */
  private volatile boolean running;
  /** The embedded store, found again through a connection if H2 closed and reopened the database. */
  private volatile MVStore store;
  private final ReentrantLock compacting = new ReentrantLock();
  private volatile long lastCompaction = System.nanoTime();
  /** {@link #IDLE_STEP_SPACING_NANOS} and {@link #TIMER_STEP_AFTER_NANOS}; a test sets 0. */
  long idleStepSpacingNanos = IDLE_STEP_SPACING_NANOS;
  long timerStepAfterNanos = TIMER_STEP_AFTER_NANOS;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
      @Initialized(ApplicationScoped.class) Object ignored) {
    if (intervalMs <= 0 || !DatabaseMigrations.vendor(dataSource).equals("h2")) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      store = embeddedStore(c).orElse(null);
    } catch (SQLException | LinkageError e) {
      LOG.log(Level.WARNING, "cannot reach the embedded database's store: maintenance is off", e);
    }
    if (store == null) {
      LOG.warning("the database is not an embedded H2 file: maintenance is off");
      return;
    }
    running = true;
    executor = DaemonThreads.scheduler("witness-h2-maintenance");
    var unused = executor.scheduleWithFixedDelay(this::timerStep, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Called by the batch writer after a group of batches (with the ingest journal after every group, since no answer
   * waits for it; otherwise only when no request is waiting): one small compaction step if one is due. Never waits
   * for another step in progress; a no-op on PostgreSQL.
   */
  public void betweenWriterGroups() {
    if (running && System.nanoTime() - lastCompaction >= idleStepSpacingNanos) {
      MVStore mv = currentStore();
      if (mv != null) {
        compactStep(mv, IDLE_STEP_BYTES);
      }
    }
  }

  /** The timer's work: an fsync, and a compaction step when none ran for a while. */
  void timerStep() {
    MVStore mv = running ? currentStore() : null;
    if (mv == null) {
      return;
    }
    try {
      sync(mv);
      if (System.nanoTime() - lastCompaction >= timerStepAfterNanos) {
        compactStep(mv, TIMER_STEP_BYTES);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "maintenance of the embedded database failed; will retry", e);
    } catch (LinkageError e) {
      switchOff(e);
    }
  }

  /**
   * An fsync of the embedded database file now, whether or not maintenance runs (the ingest journal deletes a
   * segment only after the database holding its batches was synced); a no-op for PostgreSQL or an in-memory H2.
   */
  public void syncNow() throws IOException {
    MVStore mv = currentStore();
    if (mv != null) {
      sync(mv);
    }
  }

  private void compactStep(MVStore mv, int bytes) {
    if (!compacting.tryLock()) {
      return;
    }
    try {
      compact(mv, bytes);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "compaction of the embedded database failed; will retry", e);
    } catch (LinkageError e) {
      switchOff(e);
    } finally {
      lastCompaction = System.nanoTime();
      compacting.unlock();
    }
  }

  private void switchOff(LinkageError e) {
    LOG.log(Level.WARNING, "this H2 version's internals differ from the ones this class was built for:"
        + " maintenance is off", e);
    running = false;
    executor.shutdown();
  }

  /**
   * The open store: H2 closes a database when its last connection closes and opens a new store with the next
   * one, so a closed store is looked up again; null if that fails (the next step tries again).
   */
  private MVStore currentStore() {
    MVStore mv = store;
    if (mv != null && !mv.isClosed()) {
      return mv;
    }
    try (Connection c = dataSource.getConnection()) {
      mv = embeddedStore(c).orElse(null);
      store = mv;
      return mv;
    } catch (SQLException e) {
      LOG.log(Level.FINE, "cannot reach the embedded database for maintenance; will retry", e);
      return null;
    }
  }

  /**
   * fsync through a descriptor of our own: MVStore.sync() holds the store lock for the whole fsync (70 ms median
   * under ingest), and every commit waits for that lock.
   */
  private static void sync(MVStore mv) throws IOException {
    try (FileChannel file = FileChannel.open(Path.of(mv.getFileStore().getFileName()), StandardOpenOption.READ)) {
      file.force(false);
    }
  }

  /**
   * Rewrites the live pages of chunks below the target fill, up to about {@code bytes}, and commits them at once
   * (they would otherwise be written by the next commit, a batch writer's). Skips the commit if one is running.
   */
  private static void compact(MVStore mv, int bytes) {
    if (mv.compact(TARGET_FILL_PERCENT, bytes)) {
      mv.tryCommit();
    }
  }

  private static Optional<MVStore> embeddedStore(Connection c) throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)
        || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
      return Optional.empty();
    }
    var store = session.getDatabase().getStore();
    return store == null || store.getMvStore().getFileStore() == null
        ? Optional.empty() : Optional.of(store.getMvStore());
  }

  @PreDestroy
  void stop() {
    running = false;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
