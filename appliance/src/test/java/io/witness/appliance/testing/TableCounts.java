package io.witness.appliance.testing;

import io.witness.appliance.recording.LiveBatchStore;
import jakarta.enterprise.inject.spi.CDI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Row counts of the recording tables, to prove that a rejected request stored nothing. Counted once every batch
 * answered so far is in the database (with the embedded database, answered batches are journaled first and
 * stored a moment later; see {@code capture.BatchWriter}).
 */
public final class TableCounts {
  private static final List<String> TABLES =
      List.of("recordings", "recording_batches", "recording_chunks", "recording_facts", "blobs");

  private TableCounts() {}

  public static Map<String, Long> of(DataSource dataSource) {
    CDI.current().select(LiveBatchStore.class).get().awaitApplied();
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          r.next();
          counts.put(table, r.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count rows: " + e.getMessage(), e);
    }
    return counts;
  }

  /** The number one {@code select count(*) ...} with {@code ?} parameters gives. */
  public static long count(DataSource dataSource, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count rows: " + e.getMessage(), e);
    }
  }
}
