package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void step_keepsAFragmentedFileMuchSmallerThanWithout() throws Exception {
    long without = fileAfterWorkload("plain", false);
    long with = fileAfterWorkload("maintained", true);
    assertTrue(with * 2 < without, "with maintenance " + (with >> 10) + " KB, without " + (without >> 10) + " KB");
  }

  @Test
  void step_leavesEveryCommittedRowReadable() throws Exception {
    JdbcDataSource ds = dataSource("rows");
    int rows = workload(ds, true);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("select count(*), count(distinct payload) from t")) {
      rs.next();
      assertTrue(rs.getInt(1) == rows && rs.getInt(2) == rows, rs.getInt(1) + " rows, " + rs.getInt(2) + " distinct");
    }
  }

  @Test
  void step_doesNothingForAnInMemoryDatabase() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:maintenance-test;DB_CLOSE_DELAY=-1");
    assertFalse(EmbeddedDatabaseMaintenance.step(ds));
  }

  private long fileAfterWorkload(String name, boolean maintain) throws Exception {
    JdbcDataSource ds = dataSource(name);
    workload(ds, maintain);
    return Files.size(dir.resolve(name + ".mv.db"));
  }

  private JdbcDataSource dataSource(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    // The appliance's settings, but RETENTION_TIME=0 so that the test need not wait for chunks to age.
    ds.setURL("jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0;PAGE_SIZE=16384;RETENTION_TIME=0");
    ds.setUser("witness");
    ds.setPassword("witness");
    return ds;
  }

  /** Inserts rows with random keys in small commits; returns how many. The connection stays open throughout. */
  private static int workload(JdbcDataSource ds, boolean maintain) throws SQLException, IOException {
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
          if (maintain && commit % 20 == 19) {
            assertTrue(EmbeddedDatabaseMaintenance.step(ds));
          }
        }
      }
    }
    return rows;
  }
}
