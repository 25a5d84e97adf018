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
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Housekeeping of the embedded H2 file while the appliance runs: an fsync and a bounded compaction step every
 * {@code database.maintenance-interval-ms} (250 ms; 0 turns it off). PostgreSQL needs none of this.
 *
 * <p>Why compaction: H2 writes each commit as a new chunk holding every page the commit touched. The appliance
 * commits with {@code WRITE_DELAY=0} (a 2xx is in the file before it is sent), and with that setting H2 runs no
 * background thread, so nothing rewrote the few live pages left in old chunks: under saturated ingest the file grew
 * about ten times faster than the data (2.5 GB per minute, docs/benchmarks.md). Each step here rewrites the live
 * pages of chunks below {@link #TARGET_FILL_PERCENT} % fill, up to {@link #STEP_BYTES}, and the chunks it empties
 * are reused.
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
  /** Compaction holds H2's store lock, which every commit needs: small steps, often (8 MB steps took up to 160 ms). */
  static final int STEP_BYTES = 2 << 20;

  @Inject
  @Named("witness")
  DataSource dataSource;

  @Inject @ConfigProperty(name = "database.maintenance-interval-ms", defaultValue = "250")
  long intervalMs;

  private ScheduledExecutorService executor;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
      @Initialized(ApplicationScoped.class) Object ignored) {
    if (intervalMs <= 0 || !DatabaseMigrations.vendor(dataSource).equals("h2")) {
      return;
    }
    executor = DaemonThreads.scheduler("witness-h2-maintenance");
    var unused = executor.scheduleWithFixedDelay(this::runStep, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void runStep() {
    try {
      if (!step(dataSource)) {
        LOG.warning("the database is not an embedded H2 file: maintenance is off");
        executor.shutdown();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "maintenance of the embedded database failed; will retry", e);
    } catch (LinkageError e) {
      LOG.log(Level.WARNING, "this H2 version's internals differ from the ones this class was built for:"
          + " maintenance is off", e);
      executor.shutdown();
    }
  }

  /**
   * One fsync and one bounded compaction step of the H2 file behind {@code dataSource}; false if it is not an
   * embedded H2 file database (nothing done).
   */
  static boolean step(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Optional<MVStore> store = embeddedStore(c);
      if (store.isEmpty()) {
        return false;
      }
      MVStore mv = store.get();
      long start = System.nanoTime();
      // fsync through a descriptor of our own: MVStore.sync() holds the store lock for the whole fsync (70 ms
      // median under ingest), and every commit waits for that lock.
      try (FileChannel file = FileChannel.open(Path.of(mv.getFileStore().getFileName()), StandardOpenOption.READ)) {
        file.force(false);
      } catch (IOException e) {
        throw new SQLException("cannot fsync the database file: " + e.getMessage(), e);
      }
      long synced = System.nanoTime();
      mv.compact(TARGET_FILL_PERCENT, STEP_BYTES);
      long compacted = System.nanoTime();
      LOG.fine(() -> String.format("sync %.1f ms, compaction %.1f ms, file %d MB, chunks %d %% live",
          (synced - start) / 1e6, (compacted - synced) / 1e6, mv.getFileStore().size() >> 20,
          mv.getFileStore().getChunksFillRate()));
      return true;
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
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
