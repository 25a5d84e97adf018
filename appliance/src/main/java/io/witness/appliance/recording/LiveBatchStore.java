package io.witness.appliance.recording;

import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.platform.DatabaseMigrations;
import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The write path of live batches: a group of batches (see {@code capture.BatchWriter}) in one database
 * transaction on one connection, with plain JDBC batches instead of the ORM.
 *
 * <p>Why not JPA here: this is the appliance's hottest path, and per batch Hibernate's flush, dirty checking and
 * JTA enlistment cost more CPU than the bytes themselves (docs/benchmarks.md, "Where the time goes"). Per group
 * this class runs one locking read per session, one idempotency read per session, and one JDBC batch per table,
 * then commits once. Everything a batch writes (idempotency row, chunk row, blob, facts, totals) is in that one
 * commit, so a 2xx answered after it is durable, and a crash before it leaves nothing.
 *
 * <p>Concurrency: the caller guarantees one writer per session at a time; other writers of a recording
 * ({@link RecordingStore#seal}, {@link RecordingStore#compact}) take the same row lock
 * ({@code select ... for update}) first. Thread-safe: no state between calls but configuration and the list of
 * recordings with frames to compact.
 */
@ApplicationScoped
public class LiveBatchStore {
  private static final String SELECT_RECORDING = "select id, state, first_event_ms, last_event_ms, active_ms,"
      + " last_activity_ms, event_count, page_count, click_count, input_count, error_count, first_url,"
      + " viewport_width, viewport_height, raw_bytes, stored_bytes, next_chunk_no, last_batch_at, subject_ref,"
      + " key_bucket, first_url_sealed from recordings where site_id = ? and session_key = ? for update";
  private static final String INSERT_RECORDING = "insert into recordings (id, site_id, session_key, source, state,"
      + " created_at, last_batch_at, first_event_ms, last_event_ms, active_ms, last_activity_ms, event_count,"
      + " page_count, click_count, input_count, error_count, first_url, viewport_width, viewport_height,"
      + " raw_bytes, stored_bytes, next_chunk_no, subject_ref, key_bucket, client_ip_sealed, client_ip_index,"
      + " user_agent_sealed, consent_id, policy_version)"
      + " values (?, ?, ?, 'live', 'live', ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_RECORDING = "update recordings set state = ?, last_batch_at = ?,"
      + " first_event_ms = ?, last_event_ms = ?, active_ms = ?, last_activity_ms = ?, event_count = ?,"
      + " page_count = ?, click_count = ?, input_count = ?, error_count = ?, first_url = ?, viewport_width = ?,"
      + " viewport_height = ?, raw_bytes = ?, stored_bytes = ?, next_chunk_no = ?, first_url_sealed = ?"
      + " where id = ?";
  private static final String INSERT_BATCH =
      "insert into recording_batches (recording_id, seq, received_at, event_count, raw_bytes) values (?, ?, ?, ?, ?)";
  private static final String INSERT_CHUNK = "insert into recording_chunks (recording_id, chunk_no, kind,"
      + " stream_no, event_count, raw_bytes, stored_bytes, blob_key) values (?, ?, 'batch', ?, ?, ?, ?, ?)";
  private static final String INSERT_KEY = "insert into crypto_keys (id, kind, site_id, scope, version, wrapped_by,"
      + " wrapped, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_BLOB = "insert into blobs (blob_key, data, created_at) values (?, ?, ?)";
  private static final String STORED_SEQS = "select max(b.seq), sum(case when b.seq = ? then 1 else 0 end)"
      + " from recording_batches b join recordings r on r.id = b.recording_id"
      + " where r.site_id = ? and r.session_key = ?";
  /** How long a read waits for batches answered before it to be stored (normally a few ms). */
  private static final long AWAIT_APPLIED_MILLIS = 10_000;

  @Inject
  @Named("witness")
  DataSource dataSource;

  @Inject BlobStore blobs;
  @Inject RecordingKeys recordingKeys;

  private String vendor;

  /**
   * How stale {@code last_batch_at} may be: it is indexed (the sealer finds idle sessions by it), and an index entry
   * that changes with every batch is an index page rewritten with every commit. Only the sealer reads it, against
   * {@code capture.seal-after-idle-seconds}, so it moves when it is older than a thirtieth of that (60 s at most):
   * the stored time may be up to that much before the real last batch, so a session may be sealed up to about 3 %
   * sooner than configured (a batch after sealing is stored as before: the recording goes back to live).
   */
  @Inject @ConfigProperty(name = "capture.seal-after-idle-seconds", defaultValue = "1800")
  long sealAfterIdleSeconds;

  @PostConstruct
  void init() {
    vendor = DatabaseMigrations.vendor(dataSource);
  }

  private record SessionRef(String siteId, String sessionKey) {}

  /**
   * Batches answered before they were stored (the ingest journal's), and how many of them are stored now; guarded
   * by {@link #progress} (not by synchronized methods: CDI's client proxy is a monitor of its own).
   */
  private final Object progress = new Object();
  private long accepted;
  private long applied;

  /**
   * Live recordings with batches stored as frames since their last compaction, and when the first of those was
   * stored (System.nanoTime); {@link #agedFrames} hands them to the sealer. In memory only: after a restart a
   * session is compacted after its next batch, or sealed when idle.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> framesSince =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Up to {@code max} live recordings whose oldest frame not yet compacted was stored at least {@code age} ago,
   * taken off the list (a batch stored after this call puts its recording back on it); the others stay on it.
   */
  public List<String> agedFrames(java.time.Duration age, int max) {
    long now = System.nanoTime();
    List<String> aged = new ArrayList<>();
    for (var e : framesSince.entrySet()) {
      if (aged.size() >= max) {
        break;
      }
      if (now - e.getValue() >= age.toNanos() && framesSince.remove(e.getKey(), e.getValue())) {
        aged.add(e.getKey());
      }
    }
    return aged;
  }

  /** {@code n} batches were answered and will be stored with {@link #append} later (see {@link #applied}). */
  public void accepted(int n) {
    synchronized (progress) {
      accepted += n;
    }
  }

  /** {@code n} of the batches counted by {@link #accepted} are stored (or given up on). */
  public void applied(int n) {
    synchronized (progress) {
      applied += n;
      progress.notifyAll();
    }
  }

  /**
   * Waits until every batch answered before this call is stored, so that a reader sees what a client was told
   * is stored; gives up after {@link #AWAIT_APPLIED_MILLIS} (the reader then sees what is stored so far).
   */
  public void awaitApplied() {
    synchronized (progress) {
      long target = accepted;
      long deadline = System.currentTimeMillis() + AWAIT_APPLIED_MILLIS;
      while (applied < target) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        try {
          progress.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** What is stored of a session: the highest seq (-1 if none) and whether {@code seq} is among them. */
  public record StoredSeqs(int highest, boolean contains) {}

  /** What is stored of this session's batches, as seen from {@code seq}. */
  public StoredSeqs storedSeqs(String siteId, String sessionKey, int seq) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(STORED_SEQS)) {
      s.setInt(1, seq);
      s.setString(2, siteId);
      s.setString(3, sessionKey);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        int highest = rs.getInt(1);
        return new StoredSeqs(rs.wasNull() ? -1 : highest, rs.getLong(2) > 0);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the stored batches failed: " + e.getMessage(), e);
    }
  }

  /**
   * Stores the batches in one transaction, each exactly once per (session, seq), creating a session's recording
   * on its first batch; answers in the order given. Throws (and stores nothing) if the transaction fails.
   */
  public List<RecordingStore.Appended> append(List<LiveBatch> batches) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      Map<String, KeyService.SubjectKeys> subjectKeys = new LinkedHashMap<>();
      try {
        List<RecordingStore.Appended> answers = write(c, batches, now, subjectKeys);
        c.commit();
        subjectKeys.values().forEach(KeyService.SubjectKeys::committed);
        long stored = System.nanoTime();
        for (RecordingStore.Appended a : answers) {
          if (!a.duplicate()) {
            framesSince.putIfAbsent(a.recordingId(), stored);
          }
        }
        return answers;
      } catch (SQLException | RuntimeException e) {
        subjectKeys.values().forEach(KeyService.SubjectKeys::abandoned);
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("storing live batches failed: " + e.getMessage(), e);
    }
  }

  private List<RecordingStore.Appended> write(Connection c, List<LiveBatch> batches, OffsetDateTime now,
      Map<String, KeyService.SubjectKeys> subjectKeys) throws SQLException {
    Map<SessionRef, RecordingEntity> recordings = new LinkedHashMap<>();
    List<RecordingEntity> created = new ArrayList<>();
    Map<RecordingEntity, LiveBatch.Origin> origins = new java.util.IdentityHashMap<>();
    for (LiveBatch b : batches) {
      SessionRef ref = new SessionRef(b.siteId(), b.sessionKey());
      if (!recordings.containsKey(ref)) {
        RecordingEntity r = lockRecording(c, ref);
        if (r == null) {
          r = newRecording(ref, b.slice(), now);
          // The visitor is the data subject (identify() links it to a named one); from an SDK that sends no
          // visitor id, the session is a subject of its own.
          if (b.origin().visitorId() != null) {
            recordingKeys.assign(r, KeyService.VISITOR, b.origin().visitorId());
          } else {
            recordingKeys.assign(r, KeyService.SESSION, ref.sessionKey());
          }
          created.add(r);
          origins.put(r, b.origin());
        }
        recordings.put(ref, r);
      }
    }
    // New subjects' keys go into this transaction: one commit per group (docs/benchmarks.md, encryption).
    subjectKeys.putAll(recordingKeys.subjectKeys(created, (site, kind, scopes) -> storedKeys(c, site, kind, scopes)));
    insertKeys(c, subjectKeys.values());
    Map<RecordingEntity, javax.crypto.SecretKey> keys = new java.util.IdentityHashMap<>();
    for (RecordingEntity r : recordings.values()) {
      if (RecordingEntity.ERASED.equals(r.state)) {
        continue;
      }
      try {
        keys.put(r, origins.containsKey(r) ? recordingKeys.writeKey(r, subjectKeys.get(r.siteId))
            : recordingKeys.writeKey(r, false));
      } catch (io.witness.appliance.crypto.KeyGoneException erasedMeanwhile) {
        r.state = RecordingEntity.ERASED;
      }
    }
    insertRecordings(c, created, origins, keys, now);
    Map<String, Set<Integer>> stored = storedSeqs(c, batches, recordings, created);

    List<RecordingStore.Appended> answers = new ArrayList<>(batches.size());
    Set<RecordingEntity> changed = new java.util.LinkedHashSet<>();
    FactRows facts = new FactRows(c, vendor, recordingKeys);
    try (PreparedStatement batchRows = c.prepareStatement(INSERT_BATCH);
        PreparedStatement chunkRows = c.prepareStatement(INSERT_CHUNK);
        PreparedStatement blobRows = c.prepareStatement(INSERT_BLOB)) {
      boolean databaseBlobs = blobs instanceof DatabaseBlobStore;
      for (LiveBatch b : batches) {
        RecordingEntity r = recordings.get(new SessionRef(b.siteId(), b.sessionKey()));
        // A batch of an erased recording is dropped: the subject asked for erasure, nothing more is kept.
        if (RecordingEntity.ERASED.equals(r.state)
            || !stored.computeIfAbsent(r.id, k -> new HashSet<>()).add(b.seq())) {
          answers.add(new RecordingStore.Appended(r.id, true));
          continue;
        }
        javax.crypto.SecretKey key = keys.get(r);
        EventSlice slice = b.slice();
        batchRows.setString(1, r.id);
        batchRows.setInt(2, b.seq());
        batchRows.setObject(3, now);
        batchRows.setInt(4, slice.eventCount());
        batchRows.setInt(5, slice.json().length);
        batchRows.addBatch();

        int chunkNo = r.nextChunkNo++;
        String blobKey = RecordingStore.newBlobKey();
        byte[] sealed = RecordingKeys.seal(key, r, chunkNo, b.frame());
        chunkRows.setString(1, r.id);
        chunkRows.setInt(2, chunkNo);
        chunkRows.setInt(3, b.seq());
        chunkRows.setInt(4, slice.eventCount());
        chunkRows.setLong(5, slice.json().length);
        chunkRows.setInt(6, sealed.length);
        chunkRows.setString(7, blobKey);
        chunkRows.addBatch();
        // The database BlobStore's rows go into this transaction; another BlobStore writes before the commit
        // and tolerates orphans (its contract).
        if (databaseBlobs) {
          blobRows.setString(1, blobKey);
          blobRows.setBytes(2, sealed);
          blobRows.setObject(3, now);
          blobRows.addBatch();
        } else {
          blobs.put(blobKey, sealed);
        }
        r.storedBytes += sealed.length;

        facts.add(r.id, r.siteId, key, slice.facts());
        Aggregates.apply(r, slice);
        RecordingKeys.sealFields(key, r);
        r.state = RecordingEntity.LIVE;
        if (r.lastBatchAt == null || r.lastBatchAt.isBefore(now.minus(lastBatchGranularity()))) {
          r.lastBatchAt = now;
        }
        changed.add(r);
        answers.add(new RecordingStore.Appended(r.id, false));
      }
      batchRows.executeBatch();
      chunkRows.executeBatch();
      if (databaseBlobs) {
        blobRows.executeBatch();
      }
      facts.flush();
    } finally {
      facts.close();
    }
    updateRecordings(c, changed);
    return answers;
  }

  Duration lastBatchGranularity() {
    return Duration.ofMillis(Math.min(60_000, sealAfterIdleSeconds * 1000 / 30));
  }

  /**
   * The newest stored key of each of {@code scopes}, read on the writer's connection: one index seek per scope
   * (an IN list on the index's third column made H2 scan every key of the site).
   */
  private static List<KeyService.StoredKey> storedKeys(Connection c, String siteId, String kind,
      java.util.Collection<String> scopes) {
    String sql = "select wrapped_by, wrapped from crypto_keys where kind = ? and site_id = ? and scope = ?"
        + " order by version desc";
    List<KeyService.StoredKey> newest = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, kind);
      s.setString(2, siteId);
      s.setMaxRows(1);
      for (String scope : new java.util.LinkedHashSet<>(scopes)) {
        s.setString(3, scope);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            newest.add(new KeyService.StoredKey(scope, rs.getInt(1), rs.getBytes(2)));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading stored keys failed: " + e.getMessage(), e);
    }
    return newest;
  }

  private static void insertKeys(Connection c, java.util.Collection<KeyService.SubjectKeys> subjectKeys)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT_KEY)) {
      boolean any = false;
      for (KeyService.SubjectKeys keys : subjectKeys) {
        for (KeyService.NewKeyRow k : keys.toInsert()) {
          s.setString(1, k.id());
          s.setString(2, k.kind());
          s.setString(3, k.siteId());
          s.setString(4, k.scope());
          s.setInt(5, k.version());
          s.setInt(6, k.wrappedBy());
          s.setBytes(7, k.wrapped());
          s.setObject(8, OffsetDateTime.now(ZoneOffset.UTC));
          s.addBatch();
          any = true;
        }
      }
      if (any) {
        s.executeBatch();
      }
    }
  }

  private static RecordingEntity lockRecording(Connection c, SessionRef ref) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SELECT_RECORDING)) {
      s.setString(1, ref.siteId());
      s.setString(2, ref.sessionKey());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        RecordingEntity r = new RecordingEntity();
        r.id = rs.getString(1);
        r.siteId = ref.siteId();
        r.sessionKey = ref.sessionKey();
        r.state = rs.getString(2);
        r.firstEventMs = rs.getLong(3);
        r.lastEventMs = rs.getLong(4);
        r.activeMs = rs.getLong(5);
        r.lastActivityMs = rs.getLong(6);
        r.eventCount = rs.getLong(7);
        r.pageCount = rs.getInt(8);
        r.clickCount = rs.getInt(9);
        r.inputCount = rs.getInt(10);
        r.errorCount = rs.getInt(11);
        r.firstUrl = rs.getString(12);
        r.viewportWidth = rs.getInt(13);
        r.viewportHeight = rs.getInt(14);
        r.rawBytes = rs.getLong(15);
        r.storedBytes = rs.getLong(16);
        r.nextChunkNo = rs.getInt(17);
        r.lastBatchAt = rs.getObject(18, OffsetDateTime.class);
        r.subjectRef = rs.getString(19);
        r.keyBucket = rs.getString(20);
        r.firstUrlSealed = rs.getBytes(21);
        return r;
      }
    }
  }

  private static RecordingEntity newRecording(SessionRef ref, EventSlice first, OffsetDateTime now) {
    RecordingEntity r = new RecordingEntity();
    r.id = TimeOrderedIds.next().toString();
    r.siteId = ref.siteId();
    r.sessionKey = ref.sessionKey();
    r.state = RecordingEntity.LIVE;
    r.lastBatchAt = now;
    r.firstEventMs = first.firstTs();
    r.lastEventMs = first.firstTs();
    return r;
  }

  /*
   * A new recording is inserted before its children (foreign keys). Two first batches of one session cannot race
   * (one writer per session); should another path ever insert the same session, the unique key on
   * (site_id, session_key) fails this transaction and the caller retries the batches one by one.
   */
  private void insertRecordings(Connection c, List<RecordingEntity> created,
      Map<RecordingEntity, LiveBatch.Origin> origins, Map<RecordingEntity, javax.crypto.SecretKey> keys,
      OffsetDateTime now) throws SQLException {
    if (created.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(INSERT_RECORDING)) {
      for (RecordingEntity r : created) {
        s.setString(1, r.id);
        s.setString(2, r.siteId);
        s.setString(3, r.sessionKey);
        s.setObject(4, now);
        s.setObject(5, now);
        s.setLong(6, r.firstEventMs);
        s.setLong(7, r.lastEventMs);
        s.setString(8, r.subjectRef);
        s.setString(9, r.keyBucket);
        // The client's address and user agent, sealed (plain never: a recording made now always has a key).
        LiveBatch.Origin origin = origins.get(r);
        javax.crypto.SecretKey key = keys.get(r);
        String ip = origin.clientIp();
        s.setBytes(10, ip == null || key == null ? null : RecordingKeys.sealField(key, r.id, "client_ip", ip));
        s.setString(11, ip == null || key == null ? null : recordingKeys.ipIndex(r.siteId, ip));
        s.setBytes(12, origin.userAgent() == null || key == null ? null
            : RecordingKeys.sealField(key, r.id, "user_agent", origin.userAgent()));
        s.setString(13, origin.consentId());
        s.setObject(14, origin.policyVersion(), java.sql.Types.INTEGER);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** The seqs already stored of the group's existing recordings (new recordings have none). */
  private static Map<String, Set<Integer>> storedSeqs(Connection c, List<LiveBatch> batches,
      Map<SessionRef, RecordingEntity> recordings, List<RecordingEntity> created) throws SQLException {
    Map<String, List<Integer>> asked = new LinkedHashMap<>();
    for (LiveBatch b : batches) {
      RecordingEntity r = recordings.get(new SessionRef(b.siteId(), b.sessionKey()));
      if (!created.contains(r)) {
        asked.computeIfAbsent(r.id, k -> new ArrayList<>()).add(b.seq());
      }
    }
    Map<String, Set<Integer>> stored = new LinkedHashMap<>();
    for (Map.Entry<String, List<Integer>> e : asked.entrySet()) {
      List<Integer> seqs = e.getValue();
      String sql = "select seq from recording_batches where recording_id = ? and seq in ("
          + "?,".repeat(seqs.size() - 1) + "?)";
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, e.getKey());
        for (int i = 0; i < seqs.size(); i++) {
          s.setInt(i + 2, seqs.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          Set<Integer> found = stored.computeIfAbsent(e.getKey(), k -> new HashSet<>());
          while (rs.next()) {
            found.add(rs.getInt(1));
          }
        }
      }
    }
    return stored;
  }

  private static void updateRecordings(Connection c, Iterable<RecordingEntity> recordings)
      throws SQLException {
    if (!recordings.iterator().hasNext()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(UPDATE_RECORDING)) {
      for (RecordingEntity r : recordings) {
        s.setString(1, r.state);
        s.setObject(2, r.lastBatchAt);
        s.setLong(3, r.firstEventMs);
        s.setLong(4, r.lastEventMs);
        s.setLong(5, r.activeMs);
        s.setLong(6, r.lastActivityMs);
        s.setLong(7, r.eventCount);
        s.setInt(8, r.pageCount);
        s.setInt(9, r.clickCount);
        s.setInt(10, r.inputCount);
        s.setInt(11, r.errorCount);
        s.setString(12, r.firstUrl);
        s.setInt(13, r.viewportWidth);
        s.setInt(14, r.viewportHeight);
        s.setLong(15, r.rawBytes);
        s.setLong(16, r.storedBytes);
        s.setInt(17, r.nextChunkNo);
        s.setBytes(18, r.firstUrlSealed);
        s.setString(19, r.id);
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
