package io.witness.appliance.recording;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Inserts fact rows with JDBC batches (the live write path and imports both come here; Hibernate only reads
 * facts). Ids come from {@code recording_facts_seq}, which steps by {@link #ID_BLOCK}: each value taken is the
 * start of a block of ids that no other caller gets, so concurrent writers never collide. Blocks are not shared
 * between calls; a gap in the ids is harmless.
 */
final class FactRows {
  static final int ID_BLOCK = 50;

  private static final String INSERT = "insert into recording_facts "
      + "(id, recording_id, kind, ts_ms, x, y, node_id, selector, text_value, text_sealed, url_index)"
      + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Connection connection;
  private final String nextIdSql;
  private PreparedStatement insert;
  private long nextId;
  private long idsLeft;

  private final RecordingKeys keys;

  FactRows(Connection connection, String vendor, RecordingKeys keys) {
    this.connection = connection;
    this.keys = keys;
    this.nextIdSql = vendor.equals("postgresql")
        ? "select nextval('recording_facts_seq')" : "select next value for recording_facts_seq";
  }

  /**
   * Adds the facts of one recording to the pending JDBC batch. Their texts (page URLs, error messages) are personal
   * data: sealed under the recording's data key {@code key}, with the page's blind index for exact search (plain
   * only for a recording stored before encryption, {@code key} null). Selectors and coordinates are the page's
   * structure, kept plain for analytics.
   */
  void add(String recordingId, String siteId, javax.crypto.SecretKey key, List<Fact> facts) throws SQLException {
    if (facts.isEmpty()) {
      return;
    }
    if (insert == null) {
      insert = connection.prepareStatement(INSERT);
    }
    for (Fact f : facts) {
      insert.setLong(1, nextId());
      insert.setString(2, recordingId);
      insert.setString(3, f.kind().name().toLowerCase(Locale.ROOT));
      insert.setLong(4, f.tsMs());
      setInt(insert, 5, f.x());
      setInt(insert, 6, f.y());
      setInt(insert, 7, f.nodeId());
      setString(insert, 8, f.selector().map(s -> Aggregates.truncate(s, 512)));
      Optional<String> text = f.text().map(s -> Aggregates.truncate(s, 4096));
      if (key == null || text.isEmpty()) {
        setString(insert, 9, text);
        insert.setNull(10, Types.VARBINARY);
      } else {
        insert.setNull(9, Types.VARCHAR);
        insert.setBytes(10, FactEntity.sealText(key, recordingId, f.kind(), f.tsMs(), text.get()));
      }
      setString(insert, 11, f.kind() == Fact.Kind.PAGE && text.isPresent()
          ? Optional.of(keys.pageIndex(siteId, text.get())) : Optional.empty());
      insert.addBatch();
    }
  }

  /** Sends what is pending; the caller commits. */
  void flush() throws SQLException {
    if (insert != null) {
      insert.executeBatch();
    }
  }

  void close() throws SQLException {
    if (insert != null) {
      insert.close();
      insert = null;
    }
  }

  private long nextId() throws SQLException {
    if (idsLeft == 0) {
      try (PreparedStatement s = connection.prepareStatement(nextIdSql); ResultSet rs = s.executeQuery()) {
        rs.next();
        nextId = rs.getLong(1);
      }
      idsLeft = ID_BLOCK;
    }
    idsLeft--;
    return nextId++;
  }

  private static void setInt(PreparedStatement s, int i, Optional<Integer> v) throws SQLException {
    if (v.isPresent()) {
      s.setInt(i, v.get());
    } else {
      s.setNull(i, Types.INTEGER);
    }
  }

  private static void setString(PreparedStatement s, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      s.setString(i, v.get());
    } else {
      s.setNull(i, Types.VARCHAR);
    }
  }
}
