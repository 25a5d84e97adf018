package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintenance step against real H2 files: the same write pattern as live ingest (many small commits, each
 * touching pages all over several indexes, old rows never touched again) with and without the step in between.
 */
class EmbeddedDatabaseMaintenanceTest {
  @TempDir Path dir;

  /** What one workload left: its rows and the file's size at its end, while the database was still open. */
  private record Result(int rows, long fileBytes) {}

  @Test
  void timerStep_keepsAFragmentedFileMuchSmallerThanWithoutAndEveryRowReadable() throws Exception {
    assertKeepsTheFileSmall("timer", maintenance -> {
      maintenance.timerStepAfterNanos = 0;
      int[] commits = {0};
      return () -> {
        if (++commits[0] % 20 == 0) {
          maintenance.timerStep();
        }
      };
    });
  }

  @Test
  void betweenWriterGroups_keepsTheFileSmallAndEveryRowReadable() throws Exception {
    assertKeepsTheFileSmall("idle", maintenance -> {
      maintenance.idleStepSpacingNanos = 0;
      return maintenance::betweenWriterGroups;
    });
  }

  /**
   * Runs the workload twice, without maintenance and with what {@code stepsFor} sets up on a started instance
   * (the returned action runs after each commit); the file must end at less than half the size, every row readable.
   */
  private void assertKeepsTheFileSmall(String name,
      java.util.function.Function<EmbeddedDatabaseMaintenance, AfterCommit> stepsFor) throws Exception {
    long without = workload(dataSource("plain-" + name), () -> { }).fileBytes();
    JdbcDataSource ds = dataSource(name);
    EmbeddedDatabaseMaintenance maintenance = started(ds);
    Result with;
    try {
      with = workload(ds, stepsFor.apply(maintenance));
    } finally {
      maintenance.stop();
    }
    assertTrue(with.fileBytes() * 2 < without,
        "with " + name + " steps " + (with.fileBytes() >> 10) + " KB, without " + (without >> 10) + " KB");
    assertEveryRowReadable(ds, with.rows());
  }

  @Test
  void betweenWriterGroups_doesNothingBeforeStartOrOnAnInMemoryDatabase() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:maintenance-idle-test;DB_CLOSE_DELAY=-1");
    EmbeddedDatabaseMaintenance maintenance = new EmbeddedDatabaseMaintenance();
    maintenance.dataSource = ds;
    maintenance.intervalMs = 250;
    maintenance.betweenWriterGroups();
    maintenance.onStart(null);
    maintenance.betweenWriterGroups();
    maintenance.timerStep();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); var rs = s.executeQuery("select 1")) {
      assertTrue(rs.next(), "the database still answers");
    }
    maintenance.stop();
  }

  /** Maintenance started on {@code ds} with its timer out of the way: the test calls the steps itself. */
  private static EmbeddedDatabaseMaintenance started(JdbcDataSource ds) {
    EmbeddedDatabaseMaintenance maintenance = new EmbeddedDatabaseMaintenance();
    maintenance.dataSource = ds;
    maintenance.intervalMs = 3_600_000;
    maintenance.onStart(null);
    return maintenance;
  }

  private JdbcDataSource dataSource(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    // The appliance's settings, but RETENTION_TIME=0 so that the test need not wait for chunks to age.
    ds.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0;PAGE_SIZE=16384;RETENTION_TIME=0");
    ds.setUser("witness");
    ds.setPassword("witness");
    return ds;
  }

  private static void assertEveryRowReadable(JdbcDataSource ds, int rows) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("select count(*), count(distinct payload) from t")) {
      rs.next();
      assertTrue(rs.getInt(1) == rows && rs.getInt(2) == rows, rs.getInt(1) + " rows, " + rs.getInt(2) + " distinct");
    }
  }

  /** What the workload does after each commit. */
  private interface AfterCommit {
    void run() throws SQLException;
  }

  /**
   * Inserts rows with random keys in small commits, as live ingest did before time-ordered ids (the worst case for
   * the file). The connection stays open throughout; the file is measured before it closes, because H2 compacts
   * on close on its own.
   */
  private Result workload(JdbcDataSource ds, AfterCommit afterCommit) throws SQLException, IOException {
    Random random = new Random(42);
    int rows = 0;
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("create table t (k varchar(36) primary key, session int, payload varchar(2000))");
        s.execute("create index t_session on t (session, k)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("insert into t values (?, ?, ?)")) {
        for (int commit = 0; commit < 600; commit++) {
          for (int i = 0; i < 8; i++) {
            insert.setString(1, java.util.UUID.nameUUIDFromBytes(Long.toString(random.nextLong()).getBytes()).toString());
            insert.setInt(2, random.nextInt(1000));
            insert.setString(3, rows++ + ":" + "x".repeat(500 + random.nextInt(1000)));
            insert.executeUpdate();
          }
          c.commit();
          afterCommit.run();
        }
      }
      String url = ds.getURL();
      String file = url.substring("jdbc:h2:file:".length(), url.indexOf(';')) + ".mv.db";
      return new Result(rows, Files.size(Path.of(file)));
    }
  }
}
