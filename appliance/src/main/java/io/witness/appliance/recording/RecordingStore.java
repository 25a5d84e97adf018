package io.witness.appliance.recording;

import io.witness.appliance.crypto.IntegrityException;
import io.witness.appliance.crypto.KeyGoneException;
import io.witness.appliance.platform.DatabaseMigrations;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import org.hibernate.Session;

/**
 * The recordings store. Live batches are appended by {@link LiveBatchStore} (plain JDBC, the hot path) under a
 * lock on their recording row, each a zstd frame of its own; compaction turns a live session's aged frames into
 * one more segment of its stream, sealing (both take the same lock) and import write the whole session as one
 * stream. Readers get the events in order: the streams by number first, then any later batches by seq.
 */
@ApplicationScoped
public class RecordingStore {
  /** What happened to an appended batch. */
  public record Appended(String recordingId, boolean duplicate) {}

  /** Gives the events of an import, slice after slice, to a consumer. */
  public interface SliceSource {
    void forEach(SliceConsumer consumer) throws IOException;
  }

  /** Takes one slice. */
  public interface SliceConsumer {
    void accept(EventSlice slice) throws IOException;
  }

  private static final Logger LOG = Logger.getLogger(RecordingStore.class.getName());
  /**
   * Stored bytes up to which a replay keeps its opened chunks in memory instead of reading them twice (32 MiB);
   * a larger recording's chunks are read again as it streams, pinned against deletion ({@link RetiredBlobs}).
   */
  @Inject
  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "replay.opened-in-memory-bytes",
      defaultValue = "33554432")
  long openedInMemory;

  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject BlobStore blobs;
  @Inject RecordingKeys recordingKeys;
  /** Reads wait for batches answered but not yet stored (see {@link LiveBatchStore#awaitApplied}). */
  @Inject LiveBatchStore liveBatches;
  @Inject RetiredBlobs retired;

  /**
   * Imports a complete recording as one sealed stream, in one transaction; returns its id. {@code subjectId} names
   * its data subject; without one, the recording is a subject of its own.
   */
  @Transactional(rollbackOn = Exception.class)
  public String importRecording(String siteId, String consentId, int policyVersion, Optional<String> subjectId,
      SliceSource source) throws IOException {
    RecordingEntity r = newRecording(siteId, "import", null);
    r.consentId = consentId;
    r.policyVersion = policyVersion;
    if (subjectId.isPresent()) {
      recordingKeys.assign(r, io.witness.appliance.crypto.KeyService.SUBJECT, subjectId.get());
    } else {
      recordingKeys.assign(r, io.witness.appliance.crypto.KeyService.IMPORT, r.id);
    }
    r.state = RecordingEntity.SEALED;
    SecretKey key = recordingKeys.writeKey(r, true);
    em.persist(r);
    try (StreamWriter writer = new StreamWriter((piece, events, raw) ->
        addChunk(r, key, ChunkEntity.STREAM, 0, piece, events, raw))) {
      source.forEach(slice -> {
        writer.write(slice.json(), slice.eventCount());
        saveFacts(r, key, slice.facts());
        Aggregates.apply(r, slice);
      });
    }
    if (r.eventCount == 0) {
      throw ProblemException.validation("events", "a recording needs at least one event");
    }
    RecordingKeys.sealFields(key, r);
    return r.id;
  }

  private RecordingEntity newRecording(String siteId, String source, EventSlice first) {
    RecordingEntity r = new RecordingEntity();
    r.id = TimeOrderedIds.next().toString();
    r.siteId = siteId;
    r.source = source;
    r.createdAt = now();
    r.lastBatchAt = r.createdAt;
    if (first != null) {
      r.firstEventMs = first.firstTs();
      r.lastEventMs = first.firstTs();
    }
    return r;
  }

  /**
   * The key of a new chunk's blob: time-ordered, so the database BlobStore appends each blob at the end of its
   * table instead of rewriting a random page holding other recordings' blobs. The chunk row links it to its
   * recording.
   */
  static String newBlobKey() {
    return "chunk/" + TimeOrderedIds.next();
  }

  private void addChunk(RecordingEntity r, SecretKey key, String kind, int streamNo, byte[] data, int events,
      long raw) {
    ChunkEntity c = new ChunkEntity();
    c.recordingId = r.id;
    c.chunkNo = r.nextChunkNo++;
    c.kind = kind;
    c.streamNo = streamNo;
    c.eventCount = events;
    c.rawBytes = raw;
    byte[] stored = RecordingKeys.seal(key, r, c.chunkNo, data);
    c.storedBytes = stored.length;
    c.blobKey = newBlobKey();
    putBlob(c.blobKey, stored);
    em.persist(c);
    r.storedBytes += stored.length;
  }

  /*
   * The database BlobStore writes through this store's own EntityManager, so a chunk row and its blob share one
   * connection and one commit. Through a second EntityManager they did not always: under concurrency the JTA
   * layer enlisted a second connection and committed it separately, and a kill -9 between the two commits left
   * a chunk without its blob (found by KillDuringIngestIT on PostgreSQL). Other BlobStores keep their contract.
   */
  private void putBlob(String key, byte[] data) {
    if (blobs instanceof DatabaseBlobStore) {
      em.persist(BlobEntity.of(key, data));
    } else {
      blobs.put(key, data);
    }
  }

  /** Facts go in with JDBC batches on this transaction's connection (see {@link FactRows}). */
  private void saveFacts(RecordingEntity r, SecretKey key, List<Fact> facts) {
    if (facts.isEmpty()) {
      return;
    }
    em.flush(); // the recording row first: the facts reference it
    em.unwrap(Session.class).doWork(connection -> {
      FactRows rows = new FactRows(connection, DatabaseMigrations.vendor(connection), recordingKeys);
      try {
        rows.add(r.id, r.siteId, key, facts);
        rows.flush();
      } finally {
        rows.close();
      }
    });
  }


  /**
   * Rewrites a live recording's batches and segments as one session stream (better compression: the window reaches
   * back to earlier snapshots). Idempotent; safe against concurrent batches through the row lock.
   */
  @Transactional
  public void seal(String recordingId) {
    RecordingEntity r = em.find(RecordingEntity.class, recordingId, LockModeType.PESSIMISTIC_WRITE);
    if (r == null || !RecordingEntity.LIVE.equals(r.state)) {
      return; // erased, or sealed already (a batch after sealing makes it live again)
    }
    List<ChunkEntity> old = chunks(recordingId);
    if (old.isEmpty()) {
      r.state = RecordingEntity.SEALED;
      return;
    }
    if (rewrite(r, old, 0, false)) {
      r.state = RecordingEntity.SEALED;
    }
  }

  /**
   * Compacts a live recording's batches stored so far (a zstd frame each) into one more segment of its stream
   * ({@link EventCodec#SEGMENT_LEVEL}), leaving its earlier segments as they are: a session that goes on for an
   * hour costs about what its sealed stream will, not the per-batch frames, while it is live. The recording stays
   * live; later batches are frames again until the next compaction; {@link #seal} makes one stream of it all.
   * Returns the stored bytes saved. Safe against concurrent batches and sealing through the row lock.
   */
  @Transactional
  public long compact(String recordingId) {
    RecordingEntity r = em.find(RecordingEntity.class, recordingId, LockModeType.PESSIMISTIC_WRITE);
    if (r == null || !RecordingEntity.LIVE.equals(r.state)) {
      return 0;
    }
    List<ChunkEntity> all = chunks(recordingId);
    List<ChunkEntity> batches = all.stream().filter(c -> c.kind.equals(ChunkEntity.BATCH)).toList();
    if (batches.isEmpty()) {
      return 0;
    }
    int segment = all.stream().filter(c -> c.kind.equals(ChunkEntity.STREAM)).mapToInt(c -> c.streamNo + 1).max()
        .orElse(0);
    long before = r.storedBytes;
    return rewrite(r, batches, segment, true) ? before - r.storedBytes : 0;
  }

  /**
   * Replaces {@code old} (in reading order) by one stream numbered {@code streamNo}: a session stream, or a live
   * segment. False when the recording's subject was erased meanwhile (the erasure deletes its chunks).
   */
  private boolean rewrite(RecordingEntity r, List<ChunkEntity> old, int streamNo, boolean segment) {
    List<byte[]> pieces = new ArrayList<>();
    List<long[]> sizes = new ArrayList<>();
    SecretKey key;
    try {
      key = recordingKeys.keyOf(r);
    } catch (KeyGoneException erased) {
      return false;
    }
    try (StreamWriter writer = new StreamWriter((piece, events, raw) -> {
      pieces.add(piece);
      sizes.add(new long[] {events, raw});
    }, segment)) {
      for (List<ChunkEntity> group : groups(old)) {
        try (InputStream in = open(group, key, Map.of())) {
          byte[] json = in.readAllBytes();
          writer.write(json, group.stream().mapToInt(c -> c.eventCount).sum());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (ChunkEntity c : old) {
      // Deleted later (RetiredBlobs): a replay that read the chunk list before this commit may still stream it.
      em.createNativeQuery("insert into retired_blobs (blob_key, recording_id, retired_at) values (?, ?, ?)")
          .setParameter(1, c.blobKey).setParameter(2, r.id).setParameter(3, now()).executeUpdate();
      em.remove(c);
      r.storedBytes -= c.storedBytes;
    }
    em.flush();
    for (int i = 0; i < pieces.size(); i++) {
      addChunk(r, key, ChunkEntity.STREAM, streamNo, pieces.get(i), (int) sizes.get(i)[0], sizes.get(i)[1]);
      em.flush();
    }
    return true;
  }

  /**
   * The capture manifest's digest of a complete (sealed) recording: SHA-256, hex, over
   * {@code witness-capture-manifest/1}, the recording id and, per chunk in order, its number, kind and the SHA-256
   * of its bytes as stored (sealed). Recorded in the audit log when the recording is complete; replay recomputes it
   * to show the recording is what was captured. Empty when the recording is missing, erased or still live.
   */
  @Transactional
  public Optional<String> manifestDigest(String id) {
    RecordingEntity r = em.find(RecordingEntity.class, id);
    if (r == null || !RecordingEntity.SEALED.equals(r.state)) {
      return Optional.empty();
    }
    java.security.MessageDigest manifest = sha256();
    manifest.update(("witness-capture-manifest/1\nrecording " + id + "\n").getBytes(StandardCharsets.UTF_8));
    for (ChunkEntity c : chunks(id)) {
      byte[] stored = blobs.get(c.blobKey).orElse(new byte[0]);
      String digest = java.util.HexFormat.of().formatHex(sha256().digest(stored));
      manifest.update(("chunk " + c.chunkNo + " " + c.kind + " " + digest + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return Optional.of(java.util.HexFormat.of().formatHex(manifest.digest()));
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Ids of live recordings without a batch for {@code idle}. */
  @Transactional
  public List<String> idleLiveRecordings(Duration idle, int max) {
    return em.createQuery("select r.id from RecordingEntity r where r.state = :s and r.lastBatchAt < :t",
            String.class)
        .setParameter("s", RecordingEntity.LIVE).setParameter("t", now().minus(idle))
        .setMaxResults(max).getResultList();
  }

  /** The live recording of a session, if it has one. */
  @Transactional
  public Optional<String> liveRecordingId(String siteId, String sessionKey) {
    liveBatches.awaitApplied();
    return recordingIdOf(siteId, sessionKey);
  }

  private Optional<String> recordingIdOf(String siteId, String sessionKey) {
    return em.createQuery(
            "select r.id from RecordingEntity r where r.siteId = :s and r.sessionKey = :k", String.class)
        .setParameter("s", siteId).setParameter("k", sessionKey).getResultStream().findFirst();
  }

  /** A recording's summary; 410 if it was erased (or its key destroyed), empty if there is none. */
  @Transactional
  public Optional<RecordingSummary> summary(String id) {
    liveBatches.awaitApplied();
    RecordingEntity r = em.find(RecordingEntity.class, id);
    if (r == null) {
      return Optional.empty();
    }
    return Optional.of(readableOrGone(r, () -> r.toSummary(recordingKeys.firstUrl(r))));
  }

  /** A recording's facts, their texts opened; 410 if it was erased. */
  @Transactional
  public List<Fact> facts(String id) {
    liveBatches.awaitApplied();
    RecordingEntity r = em.find(RecordingEntity.class, id);
    if (r == null) {
      return List.of();
    }
    return readableOrGone(r, () -> {
      SecretKey key = recordingKeys.keyOf(r);
      return em.createQuery("select f from FactEntity f where f.recordingId = :r order by f.tsMs, f.id",
          FactEntity.class).setParameter("r", id).getResultStream().map(f -> f.toFact(key)).toList();
    });
  }

  /** What {@code read} gives; 410 Gone if {@code r} was erased, a 500 integrity problem if a field was altered. */
  private <T> T readableOrGone(RecordingEntity r, java.util.function.Supplier<T> read) {
    if (RecordingEntity.ERASED.equals(r.state)) {
      throw gone();
    }
    try {
      return read.get();
    } catch (KeyGoneException e) {
      throw gone();
    } catch (IntegrityException e) {
      LOG.warning("recording " + r.id + " has a personal field that failed its integrity check");
      throw new ProblemException(ProblemType.INTEGRITY, 500,
          "this recording's stored data failed its integrity check; it is not shown");
    }
  }

  private static ProblemException gone() {
    return new ProblemException(ProblemType.GONE, 410,
        "this recording was erased: the key of its data subject or retention period was destroyed");
  }

  @Transactional
  public RecordingPage list(RecordingQuery q) {
    liveBatches.awaitApplied();
    return new RecordingListQuery(em, q, recordingKeys).run();
  }

  /**
   * The recording's events, ready to stream: the chunk list is read now, in a transaction; the blobs are fetched
   * one at a time while {@link EventStream#writeTo} runs, so memory use is one chunk, not the recording.
   */
  @Transactional
  public Optional<EventStream> events(String id) {
    liveBatches.awaitApplied();
    RecordingEntity r = em.find(RecordingEntity.class, id);
    if (r == null) {
      return Optional.empty();
    }
    if (RecordingEntity.ERASED.equals(r.state)) {
      throw gone();
    }
    List<ChunkEntity> chunks = chunks(id);
    Map<Integer, byte[]> opened = new HashMap<>();
    SecretKey key = readable(r, chunks, opened);
    // Read again while it streams: its blobs stay until the stream ends, even if its chunks are replaced meanwhile
    // (a blob replaced since the chunk list was read is retired, not deleted, for far longer than that read took).
    Runnable release = opened.size() == chunks.size() ? () -> { }
        : retired.pin(chunks.stream().map(c -> c.blobKey).toList());
    return Optional.of(new EventStream(groups(chunks), key, opened, release));
  }

  /**
   * A session's events as stored now, without waiting for batches answered but not yet stored (unlike every other
   * read here): for rebuilding the capture side's DOM index of a session on the ingest path, where waiting for the
   * writer's whole backlog would delay the first batch of every new session. A session whose batches are still in
   * flight is in that index's cache anyway. Its chunks are read and opened at once (a live session's: kilobytes to
   * a few megabytes, which the caller holds as JSON anyway).
   */
  @Transactional
  public Optional<EventStream> storedLiveEvents(String siteId, String sessionKey) {
    Optional<RecordingEntity> r = recordingIdOf(siteId, sessionKey).map(id -> em.find(RecordingEntity.class, id))
        .filter(found -> !RecordingEntity.ERASED.equals(found.state));
    if (r.isEmpty()) {
      return Optional.empty();
    }
    try {
      // Opened now, in this transaction: compaction or sealing may replace these chunks before they are read.
      List<ChunkEntity> chunks = chunks(r.get().id);
      SecretKey key = recordingKeys.keyOf(r.get());
      Map<Integer, byte[]> opened = new HashMap<>();
      for (ChunkEntity c : chunks) {
        opened.put(c.chunkNo, openChunk(c, key));
      }
      return Optional.of(new EventStream(groups(chunks), key, opened, () -> { }));
    } catch (KeyGoneException erased) {
      return Optional.empty(); // its batches are dropped by the writer
    }
  }

  /**
   * The key that opens {@code r}'s chunks, once every chunk has been opened with it: a recording with one altered,
   * truncated, reordered or foreign chunk is refused before a byte of it is sent (410 when its key was destroyed,
   * a 500 integrity problem otherwise), never replayed in part. Costs one extra read of the chunks (the GCM check
   * runs at ≈1 GB/s; docs/benchmarks.md, replay). A recording of up to {@link #openedInMemory} stored bytes
   * keeps its opened chunks in {@code opened} (by chunk number) for the stream, so it is read from the database
   * once; a larger one is read again while it streams.
   */
  private SecretKey readable(RecordingEntity r, List<ChunkEntity> chunks, Map<Integer, byte[]> opened) {
    SecretKey key;
    try {
      key = recordingKeys.keyOf(r);
    } catch (KeyGoneException e) {
      throw gone();
    }
    if (key == null) {
      return null;
    }
    boolean keep = chunks.stream().mapToLong(c -> c.storedBytes).sum() <= openedInMemory;
    for (ChunkEntity c : chunks) {
      try {
        byte[] plain = RecordingKeys.open(key, c.recordingId, c.chunkNo, blobs.get(c.blobKey).orElseThrow(() ->
            new IntegrityException("chunk " + c.chunkNo + " is missing")));
        if (keep) {
          opened.put(c.chunkNo, plain);
        }
      } catch (IntegrityException e) {
        LOG.warning("recording " + r.id + " failed its integrity check at chunk " + c.chunkNo + ": "
            + e.getMessage());
        throw new ProblemException(ProblemType.INTEGRITY, 500,
            "this recording's stored data failed its integrity check; it is not replayed");
      }
    }
    return key;
  }

  /** A recording's events as a JSON array, written on demand. */
  public final class EventStream {
    private final List<List<ChunkEntity>> groups;
    /** Null for a recording stored before encryption. */
    private final SecretKey key;
    /** Chunks already opened (and verified), by chunk number. */
    private final Map<Integer, byte[]> opened;
    /** Unpins the chunks' blobs once the events are read ({@link RetiredBlobs#pin}). */
    private final Runnable release;

    private EventStream(List<List<ChunkEntity>> groups, SecretKey key, Map<Integer, byte[]> opened,
        Runnable release) {
      this.groups = groups;
      this.key = key;
      this.opened = opened;
      this.release = release;
    }

    /**
     * The events as one JSON array to read, each group of chunks opened only when the reader reaches it, so memory
     * use is one chunk (what {@link #writeTo} sends, and what the policy preview parses).
     */
    public InputStream read() {
      List<java.util.function.Supplier<InputStream>> pieces = new ArrayList<>();
      pieces.add(() -> new java.io.ByteArrayInputStream(new byte[] {'['}));
      for (int i = 0; i < groups.size(); i++) {
        List<ChunkEntity> group = groups.get(i);
        if (i > 0) {
          pieces.add(() -> new java.io.ByteArrayInputStream(new byte[] {','}));
        }
        pieces.add(() -> RecordingStore.this.open(group, key, opened));
      }
      pieces.add(() -> new java.io.ByteArrayInputStream(new byte[] {']'}));
      java.util.Iterator<java.util.function.Supplier<InputStream>> next = pieces.iterator();
      return new SequenceInputStream(new java.util.Enumeration<>() {
        @Override
        public boolean hasMoreElements() {
          return next.hasNext();
        }

        @Override
        public InputStream nextElement() {
          return next.next().get();
        }
      }) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            release.run();
          }
        }
      };
    }

    /** Releases the stream's hold on its chunks when its events will not be read ({@link #read} does it too). */
    public void close() {
      release.run();
    }

    public void writeTo(OutputStream out) throws IOException {
      try (InputStream in = read()) {
        in.transferTo(out);
      }
    }

    /**
     * Writes events {@code from} to {@code from + limit - 1} (0-based; {@code Long.MAX_VALUE}: to the end) as a
     * JSON array, and stops reading the recording once they are written.
     */
    public void writeTo(OutputStream out, long from, long limit) throws IOException {
      if (from == 0 && limit == Long.MAX_VALUE) {
        writeTo(out);
        return;
      }
      EventRangeOutputStream range = new EventRangeOutputStream(out, from, limit);
      byte[] buffer = new byte[16 << 10];
      try (InputStream in = read()) {
        for (int n = in.read(buffer); n >= 0 && !range.done(); n = in.read(buffer)) {
          range.write(buffer, 0, n);
        }
      }
      range.complete();
    }
  }

  private List<ChunkEntity> chunks(String id) {
    List<ChunkEntity> list = new ArrayList<>(em.createQuery(
            "select c from ChunkEntity c where c.recordingId = :r", ChunkEntity.class)
        .setParameter("r", id).getResultList());
    // Streams first, by stream number, then batches; by chunk number within each.
    list.sort(java.util.Comparator.comparingInt((ChunkEntity c) -> c.kind.equals(ChunkEntity.STREAM) ? 0 : 1)
        .thenComparingInt(c -> c.streamNo).thenComparingInt(c -> c.chunkNo));
    return list;
  }

  /**
   * Chunks that decompress together, in reading order ({@link #chunks}): the pieces of each stream (by stream
   * number) form one group; each batch is its own group.
   */
  private static List<List<ChunkEntity>> groups(List<ChunkEntity> ordered) {
    List<List<ChunkEntity>> groups = new ArrayList<>();
    List<ChunkEntity> stream = null;
    for (ChunkEntity c : ordered) {
      if (!c.kind.equals(ChunkEntity.STREAM)) {
        groups.add(List.of(c));
      } else if (stream != null && stream.get(0).streamNo == c.streamNo) {
        stream.add(c);
      } else {
        stream = new ArrayList<>(List.of(c));
        groups.add(stream);
      }
    }
    return groups;
  }

  /** A group's events, each chunk opened with {@code key} (null: stored before encryption) as it is reached. */
  private InputStream open(List<ChunkEntity> group, SecretKey key, Map<Integer, byte[]> opened) {
    var pieces = new ArrayList<InputStream>();
    for (ChunkEntity c : group) {
      byte[] plain = opened.get(c.chunkNo);
      pieces.add(plain != null ? new java.io.ByteArrayInputStream(plain)
          : new LazyBlobStream(() -> openChunk(c, key)));
    }
    return EventCodec.decompressing(new SequenceInputStream(Collections.enumeration(pieces)));
  }

  /** A chunk's blob, read and opened with {@code key} (null: stored before encryption). */
  private byte[] openChunk(ChunkEntity c, SecretKey key) {
    return RecordingKeys.open(key, c.recordingId, c.chunkNo, blobs.get(c.blobKey)
        .orElseThrow(() -> new IllegalStateException("missing chunk " + c.chunkNo + " of " + c.recordingId)));
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
