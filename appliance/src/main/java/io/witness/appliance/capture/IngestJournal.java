package io.witness.appliance.capture;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import io.witness.appliance.crypto.Aead;
import io.witness.appliance.crypto.IntegrityException;
import io.witness.appliance.crypto.KeyCustody;
import io.witness.appliance.crypto.KeyWrap;
import io.witness.appliance.recording.LiveBatch;
import javax.crypto.SecretKey;

/**
 * An append-only log of live batches in the data directory: with the embedded database, a batch is acknowledged
 * once it is written here, and stored in the database a moment later by {@link BatchWriter}'s writer thread.
 *
 * <p>Why: an H2 commit rewrites every B-tree page it touches (≈1–2 ms per group of batches under load), and the
 * compaction that reclaims those pages holds H2's store lock for several ms; with the answer waiting for the
 * commit, both were the largest part of the ingest latency tail (docs/benchmarks.md, "Ingest, 2026-12-03
 * (journal)"). Appending a group's records to one file is one write call.
 *
 * <p>Durability is the database's: a record is in the file (the OS's page cache) before its batch is answered, so
 * a killed process loses nothing; {@link #force()} runs with the database's fsync, so a power loss loses at most
 * the last quarter second, as before. At start, {@link #replay} hands every record back and the caller stores
 * them again (storing is idempotent per session and seq); a segment is deleted once all its batches are in the
 * database and the database has been synced.
 *
 * <p>Encrypted: each segment has a key of its own (AES-256, random), wrapped by the root key custody in the
 * segment's header; every record's content is sealed under it (AES-256-GCM, bound to the record's site, session
 * and seq). A batch on disk is as unreadable as a stored chunk; the root key version a live segment is wrapped
 * under is not destroyed by a rotation until the segment is deleted ({@link #rootVersionsInUse}).
 *
 * <p>Format: segment files {@code <number>.journal}: a header {@code [int magic "WJ\0\2"][int root key version]
 * [short n][wrapped segment key]}, then records {@code [int length][int crc32c][payload]}, payload
 * {@code [short n][site id][short n][session key][int seq][sealed: [short n][visitor id][short n][client ip]
 * [short n][user agent][zstd frame of the events]]} (n = 0xFFFF: null), big endian. A record cut short at the end
 * of a segment (power loss) or with a bad checksum ends the replay of that segment with a warning; what follows it
 * was never acknowledged or cannot be trusted. Segments written before encryption (no header) are replayed as
 * they are.
 *
 * <p>Thread-safety: {@link #append} and {@link #force} may be called from any thread; {@link #replay} before the
 * first append.
 */
final class IngestJournal implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(IngestJournal.class.getName());
  static final String SUFFIX = ".journal";
  /**
   * A segment is closed and a new one begun once it holds this much; it bounds what a start after a crash
   * replays (the open segment is kept until it is closed): ≈2,500 batches, a few seconds.
   */
  static final long SEGMENT_BYTES = 16L << 20;
  /** A record larger than this is damage, not data (a batch is at most a few MiB). */
  static final int MAX_RECORD_BYTES = 64 << 20;

  /** One journaled batch. */
  @SuppressWarnings("ArrayRecordComponent") // internal hand-over of bytes written once
  record Entry(String siteId, String sessionKey, int seq, byte[] frame, LiveBatch.Origin origin) {}

  static final int MAGIC = 0x574A0003;
  /** Segments written before records carried the consent (three origin strings instead of five). */
  static final int MAGIC_V2 = 0x574A0002;
  private static final int NULL_STRING = 0xFFFF;

  private final KeyCustody custody;
  /** The open segment's key. */
  private SecretKey segmentKey;
  /** Root key version of each segment this instance wrote and has not deleted. */
  private final java.util.Map<Long, Integer> segmentRoots = new java.util.concurrent.ConcurrentHashMap<>();

  private final Path dir;
  private final long segmentBytes;
  /** The first segment this instance writes: it never deletes an older one (see {@link #deleteBelow}). */
  private final long firstSegment;
  private FileChannel channel;
  /** Segments closed for writing and not yet synced by {@link #force} (which closes them). */
  private final List<FileChannel> unsynced = new ArrayList<>();
  private long segment;
  private long size;

  IngestJournal(Path dir, KeyCustody custody) throws IOException {
    this(dir, custody, SEGMENT_BYTES);
  }

  IngestJournal(Path dir, KeyCustody custody, long segmentBytes) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.custody = custody;
    this.segmentBytes = segmentBytes;
    List<Long> existing = segments(dir);
    this.segment = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
    this.firstSegment = segment;
  }

  /**
   * Writes the entries' records and returns the number of the segment that holds them. When this returns, the
   * records are in the file: a crash of the process after it loses none of them.
   */
  synchronized long append(List<Entry> entries) throws IOException {
    if (channel == null || size >= segmentBytes || segmentRoots.get(segment) != custody.currentVersion()) {
      roll();
    }
    ByteBuffer[] buffers = new ByteBuffer[entries.size() * 2];
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      byte[] site = e.siteId().getBytes(StandardCharsets.UTF_8);
      byte[] session = e.sessionKey().getBytes(StandardCharsets.UTF_8);
      byte[] sealed = Aead.seal(segmentKey, 1, inner(e), context(e.siteId(), e.sessionKey(), e.seq()));
      int payload = 2 + site.length + 2 + session.length + 4 + sealed.length;
      ByteBuffer head = ByteBuffer.allocate(8 + payload - sealed.length);
      head.putInt(payload).putInt(0)
          .putShort((short) site.length).put(site).putShort((short) session.length).put(session).putInt(e.seq());
      CRC32C crc = new CRC32C();
      crc.update(head.array(), 8, head.position() - 8);
      crc.update(sealed);
      head.putInt(4, (int) crc.getValue()).flip();
      buffers[i * 2] = head;
      buffers[i * 2 + 1] = ByteBuffer.wrap(sealed);
      total += 8 + payload;
    }
    long written = 0;
    while (written < total) {
      written += channel.write(buffers);
    }
    size += total;
    return segment;
  }

  /**
   * fsync of the open segment and of the segments closed since the last call (a roll does not sync: an fsync
   * there would hold up the appends, and the answers, for as long as it takes — tens of ms on this machine).
   */
  void force() throws IOException {
    FileChannel c;
    List<FileChannel> closed;
    synchronized (this) {
      c = channel;
      closed = new ArrayList<>(unsynced);
      unsynced.clear();
    }
    for (FileChannel old : closed) {
      try (old) {
        old.force(false);
      }
    }
    if (c != null && c.isOpen()) {
      c.force(false);
    }
  }

  /** The number of the segment being written (0 before the first append). */
  synchronized long currentSegment() {
    return channel == null ? 0 : segment;
  }

  /**
   * Deletes every segment this instance wrote that is numbered below {@code segment}, except the open one: their
   * batches are stored. Segments from before this start (kept because a batch could not be stored) stay.
   */
  void deleteBelow(long segment) throws IOException {
    long open = currentSegment();
    for (long n : segments(dir)) {
      if (n >= firstSegment && n < segment && n != open) {
        Files.deleteIfExists(dir.resolve(n + SUFFIX));
        segmentRoots.remove(n);
      }
    }
  }

  /** The root key versions that wrap the keys of segments not yet deleted: a rotation must keep them. */
  synchronized java.util.Set<Integer> rootVersionsInUse() {
    return java.util.Set.copyOf(segmentRoots.values());
  }

  /** Deletes the given segments of {@code dir} (replayed ones, once their batches are stored). */
  static void delete(Path dir, List<Long> segments) throws IOException {
    for (long n : segments) {
      Files.deleteIfExists(dir.resolve(n + SUFFIX));
    }
  }

  private void roll() throws IOException {
    if (channel != null) {
      unsynced.add(channel);
      segment++;
    }
    channel = FileChannel.open(dir.resolve(segment + SUFFIX), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    byte[] key = KeyWrap.newKeyBytes();
    KeyCustody.Wrapped wrapped = custody.wrap(key);
    segmentKey = KeyWrap.aes(key);
    java.util.Arrays.fill(key, (byte) 0);
    ByteBuffer header = ByteBuffer.allocate(4 + 4 + 2 + wrapped.bytes().length);
    header.putInt(MAGIC).putInt(wrapped.rootVersion()).putShort((short) wrapped.bytes().length)
        .put(wrapped.bytes()).flip();
    while (header.hasRemaining()) {
      channel.write(header);
    }
    segmentRoots.put(segment, wrapped.rootVersion());
    size = header.capacity();
  }

  /**
   * What a record seals: the sender's visitor id, address and user agent, the consent id and policy version, and the
   * events' frame.
   */
  private static byte[] inner(Entry e) {
    byte[][] strings = {utf8(e.origin().visitorId()), utf8(e.origin().clientIp()), utf8(e.origin().userAgent()),
        utf8(e.origin().consentId()),
        utf8(e.origin().policyVersion() == null ? null : e.origin().policyVersion().toString())};
    int n = e.frame().length;
    for (byte[] s : strings) {
      n += 2 + (s == null ? 0 : s.length);
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] s : strings) {
      if (s == null) {
        b.putShort((short) NULL_STRING);
      } else {
        b.putShort((short) s.length).put(s);
      }
    }
    return b.put(e.frame()).array();
  }

  private static byte[] utf8(String s) {
    if (s == null) {
      return null;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length < NULL_STRING ? b : java.util.Arrays.copyOf(b, 1024);
  }

  private static byte[] context(String site, String session, int seq) {
    return Aead.context("journal", site, session, Integer.toString(seq));
  }

  /**
   * Hands every record of every segment in {@code dir} to {@code sink}, oldest first, and returns the segment
   * numbers read (to delete once the batches are stored).
   */
  static List<Long> replay(Path dir, KeyCustody custody, Consumer<Entry> sink) throws IOException {
    List<Long> read = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return read;
    }
    for (long n : segments(dir)) {
      Path file = dir.resolve(n + SUFFIX);
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        long offset = 0;
        int[] length = new int[1];
        SecretKey key;
        boolean consentFields = false;
        try {
          in.mark(8);
          int magic = Files.size(file) >= 4 ? in.readInt() : 0;
          if (magic == MAGIC || magic == MAGIC_V2) {
            consentFields = magic == MAGIC;
            int rootVersion = in.readInt();
            byte[] wrapped = new byte[in.readUnsignedShort()];
            in.readFully(wrapped);
            byte[] raw = custody.unwrap(new KeyCustody.Wrapped(rootVersion, wrapped));
            key = KeyWrap.aes(raw);
            java.util.Arrays.fill(raw, (byte) 0);
            offset = 10 + wrapped.length;
          } else {
            in.reset();
            key = null; // written before encryption
          }
        } catch (EOFException | RuntimeException header) {
          LOG.severe("journal " + file.getFileName() + ": its header cannot be read (" + header.getClass()
              .getSimpleName() + "); the segment is kept and not replayed");
          continue;
        }
        while (true) {
          Entry e;
          try {
            e = readRecord(in, length, key, consentFields);
          } catch (EOFException end) {
            if (offset < Files.size(file)) {
              LOG.warning("journal " + file.getFileName() + ": a record at byte " + offset
                  + " is cut short (written when the machine stopped); it was never acknowledged");
            }
            break;
          } catch (DamagedRecordException damaged) {
            LOG.severe("journal " + file.getFileName() + ": the record at byte " + offset + " is damaged ("
                + damaged.getMessage() + "); the rest of this segment is not replayed");
            break;
          }
          offset += 8 + length[0];
          sink.accept(e);
        }
      }
      read.add(n);
    }
    return read;
  }

  /** The next record; its payload length goes to {@code length[0]}. */
  private static Entry readRecord(DataInputStream in, int[] lengthOut, SecretKey key, boolean consentFields)
      throws IOException {
    int length = in.readInt();
    int expected = in.readInt();
    if (length < 8 || length > MAX_RECORD_BYTES) {
      throw new DamagedRecordException("impossible length " + length);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    lengthOut[0] = length;
    CRC32C crc = new CRC32C();
    crc.update(payload);
    if ((int) crc.getValue() != expected) {
      throw new DamagedRecordException("checksum mismatch");
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    try {
      String site = string(b);
      String session = string(b);
      int seq = b.getInt();
      byte[] rest = new byte[b.remaining()];
      b.get(rest);
      if (key == null) {
        return new Entry(site, session, seq, rest, LiveBatch.Origin.UNKNOWN);
      }
      ByteBuffer inner = ByteBuffer.wrap(Aead.open(key, rest, context(site, session, seq)));
      String visitor = nullableString(inner);
      String ip = nullableString(inner);
      String agent = nullableString(inner);
      String consent = consentFields ? nullableString(inner) : null;
      String version = consentFields ? nullableString(inner) : null;
      LiveBatch.Origin origin = new LiveBatch.Origin(visitor, ip, agent, consent,
          version == null ? null : Integer.valueOf(version));
      byte[] frame = new byte[inner.remaining()];
      inner.get(frame);
      return new Entry(site, session, seq, frame, origin);
    } catch (IntegrityException e) {
      throw new DamagedRecordException("its content failed authentication");
    } catch (RuntimeException e) {
      throw new DamagedRecordException("malformed payload");
    }
  }

  private static String nullableString(ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    if (n == NULL_STRING) {
      return null;
    }
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getShort() & 0xffff];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static List<Long> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(SUFFIX) && f.length() > SUFFIX.length()
              && f.substring(0, f.length() - SUFFIX.length()).chars().allMatch(Character::isDigit))
          .map(f -> Long.parseLong(f.substring(0, f.length() - SUFFIX.length())))
          .sorted()
          .toList();
    }
  }

  @Override
  public void close() throws IOException {
    force();
    synchronized (this) {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }

  private static final class DamagedRecordException extends IOException {
    DamagedRecordException(String message) {
      super(message);
    }
  }
}
