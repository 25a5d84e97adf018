package io.witness.appliance.audit;

import io.witness.audit.AuditEntry;
import io.witness.audit.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The audit log in the appliance's database (tables of V7__audit_log.sql): one transaction per group of entries,
 * committed before {@link #append} returns (H2 with WRITE_DELAY=0, PostgreSQL with synchronous commit), so an
 * entry the log acknowledged survives a crash. Plain JDBC: the sequencer is the only writer.
 */
public final class JdbcAuditStore implements AuditStore {
  private final DataSource dataSource;

  public JdbcAuditStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public long size() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM audit_entries");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public void append(List<Stored> entries, List<Tile> tiles) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement e = c.prepareStatement("INSERT INTO audit_entries (seq, recorded_at, actor_type, actor,"
          + " action, outcome, resource_type, resource_id, site_id, canonical, leaf_hash)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement t = c.prepareStatement("INSERT INTO audit_tiles (level, idx, hash) VALUES (?, ?, ?)")) {
        for (Stored s : entries) {
          AuditEntry entry = AuditEntry.parse(s.canonical());
          e.setLong(1, s.seq());
          e.setTimestamp(2, Timestamp.from(entry.time()));
          e.setString(3, entry.event().actorType());
          e.setString(4, cut(entry.event().actor(), 256));
          e.setString(5, cut(entry.event().action(), 64));
          e.setString(6, entry.event().outcome().wire());
          e.setString(7, cut(entry.event().resourceType(), 64));
          e.setString(8, cut(entry.event().resourceId(), 256));
          e.setString(9, cut(entry.event().site(), 64));
          e.setBytes(10, s.canonical());
          e.setBytes(11, s.leafHash());
          e.addBatch();
        }
        e.executeBatch();
        for (Tile tile : tiles) {
          t.setInt(1, tile.level());
          t.setLong(2, tile.index());
          t.setBytes(3, tile.hash());
          t.addBatch();
        }
        t.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException failed) {
        c.rollback();
        throw failed;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the audit log: " + e.getMessage(), e);
    }
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  @Override
  public List<Stored> entries(long fromSeq, int limit) {
    return query("SELECT seq, canonical, leaf_hash FROM audit_entries WHERE seq >= ? ORDER BY seq"
        + " FETCH FIRST " + limit + " ROWS ONLY", fromSeq);
  }

  /** Entries matching a filter, newest first (for the API), as stored. */
  List<Stored> query(String sql, Object... params) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof Instant t) {
          s.setTimestamp(i + 1, Timestamp.from(t));
        } else {
          s.setObject(i + 1, params[i]);
        }
      }
      List<Stored> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new Stored(r.getLong(1), r.getBytes(2), r.getBytes(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public List<byte[]> leafHashes(long from, int count) {
    List<byte[]> out = hashes("SELECT leaf_hash FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq",
        from, from + count);
    if (out.size() != count) {
      throw new IllegalStateException("the audit log lacks leaf hashes between " + from + " and " + (from + count));
    }
    return out;
  }

  @Override
  public List<byte[]> tiles(int level, long from, int count) {
    List<byte[]> out = hashes("SELECT hash FROM audit_tiles WHERE level = " + level + " AND idx >= ? AND idx < ?"
        + " ORDER BY idx", from, from + count);
    if (out.size() != count) {
      throw new IllegalStateException("the audit log lacks tiles of level " + level + " from " + from);
    }
    return out;
  }

  private List<byte[]> hashes(String sql, long a, long b) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, a);
      s.setLong(2, b);
      List<byte[]> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getBytes(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
    }
  }

  @Override
  public void addCheckpoint(StoredCheckpoint checkpoint) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)")) {
      s.setLong(1, checkpoint.size());
      s.setString(2, checkpoint.note());
      s.setTimestamp(3, Timestamp.from(Instant.now()));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store an audit checkpoint: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    List<StoredCheckpoint> l = checkpointQuery("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size DESC"
        + " FETCH FIRST 1 ROWS ONLY", -1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) {
    return checkpointQuery("SELECT tree_size, note FROM audit_checkpoints WHERE tree_size >= ? ORDER BY tree_size"
        + " FETCH FIRST " + limit + " ROWS ONLY", fromSize);
  }

  private List<StoredCheckpoint> checkpointQuery(String sql, long from) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      if (from >= 0) {
        s.setLong(1, from);
      }
      List<StoredCheckpoint> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new StoredCheckpoint(r.getLong(1), r.getString(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read audit checkpoints: " + e.getMessage(), e);
    }
  }
}
