package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.witness.appliance.crypto.PassphraseCustody;
import io.witness.appliance.recording.LiveBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJournalTest {
  @TempDir Path dir;
  @TempDir static Path keys;
  /** A real root custody (Bouncy Castle keystore; cheap Argon2id for the test). */
  static PassphraseCustody custody;

  @BeforeAll
  static void custody() {
    custody = PassphraseCustody.create(keys, "journal-test-passphrase".toCharArray(),
        new io.witness.appliance.crypto.PassphraseKdf.Argon2id(1024, 1, 1));
  }

  @AfterAll
  static void close() {
    custody.close();
  }

  IngestJournal journal(long segmentBytes) throws IOException {
    return new IngestJournal(dir, custody, segmentBytes);
  }

  static IngestJournal.Entry entry(int seq, int size) {
    byte[] frame = new byte[size];
    for (int i = 0; i < size; i++) {
      frame[i] = (byte) (seq * 31 + i);
    }
    LiveBatch.Origin origin = seq % 2 == 0 ? LiveBatch.Origin.UNKNOWN
        : new LiveBatch.Origin("visitor_" + seq + "_abcdefghij", "203.0.113.0", "Mozilla/5.0 ä", "consent-" + seq, seq);
    return new IngestJournal.Entry("site-ä", "session_" + seq, seq, frame, origin);
  }

  static List<IngestJournal.Entry> replay(Path dir) throws IOException {
    List<IngestJournal.Entry> read = new ArrayList<>();
    IngestJournal.replay(dir, custody, read::add);
    return read;
  }

  static void assertSameEntry(IngestJournal.Entry expected, IngestJournal.Entry actual) {
    assertEquals(expected.siteId(), actual.siteId());
    assertEquals(expected.sessionKey(), actual.sessionKey());
    assertEquals(expected.seq(), actual.seq());
    assertArrayEquals(expected.frame(), actual.frame());
    assertEquals(expected.origin(), actual.origin());
  }

  @Test
  void records_areSealed_noPlainBytesOfTheBatchOrItsSenderOnDisk() throws IOException {
    byte[] marker = "MARKER-typed-by-the-visitor".getBytes(StandardCharsets.UTF_8);
    IngestJournal.Entry e = new IngestJournal.Entry("demo", "session_0123456789ab", 0, marker,
        new LiveBatch.Origin("visitor_0123456789abcdef", "198.51.100.0", "UA-MARKER", null, null));
    try (IngestJournal journal = journal(IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(e));
    }
    String disk = new String(Files.readAllBytes(dir.resolve("1" + IngestJournal.SUFFIX)),
        StandardCharsets.ISO_8859_1);
    for (String plain : List.of("MARKER-typed", "visitor_0123", "198.51.100", "UA-MARKER")) {
      assertFalse(disk.contains(plain), plain + " is on disk in the clear");
    }
    assertSameEntry(e, replay(dir).get(0));
  }

  @Test
  void aRecordMovedToAnotherSeq_failsAuthentication() throws IOException {
    try (IngestJournal journal = journal(IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(entry(1, 100)));
    }
    Path file = dir.resolve("1" + IngestJournal.SUFFIX);
    byte[] bytes = Files.readAllBytes(file);
    // The seq sits in the clear before the sealed part: change it and fix the checksum, as an attacker could.
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    int header = 10 + (b.getShort(8) & 0xffff);
    int length = b.getInt(header);
    int seqAt = header + 8 + 2 + "site-ä".getBytes(StandardCharsets.UTF_8).length + 2 + "session_1".length();
    b.putInt(seqAt, 2);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, header + 8, length);
    b.putInt(header + 4, (int) crc.getValue());
    Files.write(file, bytes);
    assertEquals(List.of(), replay(dir), "a moved record is damage, not a batch");
  }

  @Test
  void aRootRotation_startsANewSegment_andKeepsTheOldVersionInUseUntilItsSegmentIsDeleted() throws IOException {
    PassphraseCustody own = PassphraseCustody.create(dir.resolve("keys"), "rotation-test-passphrase".toCharArray(),
        new io.witness.appliance.crypto.PassphraseKdf.Argon2id(1024, 1, 1));
    try (own; IngestJournal journal = new IngestJournal(dir.resolve("j"), own, IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(entry(1, 10)));
      assertEquals(java.util.Set.of(1), journal.rootVersionsInUse());
      own.rotate();
      journal.append(List.of(entry(2, 10)));
      assertEquals(2, journal.currentSegment(), "a segment's key is wrapped under one root version");
      assertEquals(java.util.Set.of(1, 2), journal.rootVersionsInUse());
      journal.deleteBelow(2);
      assertEquals(java.util.Set.of(2), journal.rootVersionsInUse());
    }
  }

  long segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(IngestJournal.SUFFIX)).count();
    }
  }

  @Test
  void append_thenReplay_givesEveryEntryInOrderAcrossSegments() throws IOException {
    List<IngestJournal.Entry> written = new ArrayList<>();
    try (IngestJournal journal = journal(10_000)) {
      for (int group = 0; group < 20; group++) {
        List<IngestJournal.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          entries.add(entry(group * 3 + i, 500 + group * 10));
        }
        journal.append(entries);
        written.addAll(entries);
      }
    }
    assertTrue(segmentFiles() > 1, "small segments roll over");
    List<IngestJournal.Entry> read = replay(dir);
    assertEquals(written.size(), read.size());
    for (int i = 0; i < written.size(); i++) {
      assertSameEntry(written.get(i), read.get(i));
    }
  }

  @Test
  void replay_ofARecordCutShort_keepsEverythingBeforeIt() throws IOException {
    try (IngestJournal journal = journal(IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(entry(1, 100), entry(2, 100)));
    }
    Path file = dir.resolve("1" + IngestJournal.SUFFIX);
    long size = Files.size(file);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(size - 30);
    }
    List<IngestJournal.Entry> read = replay(dir);
    assertEquals(1, read.size());
    assertSameEntry(entry(1, 100), read.get(0));
  }

  @Test
  void replay_ofADamagedRecord_stopsThatSegmentButReadsTheNext() throws IOException {
    try (IngestJournal journal = journal(1)) {
      journal.append(List.of(entry(1, 100), entry(2, 100)));
      journal.append(List.of(entry(3, 100)));
    }
    Path first = dir.resolve("1" + IngestJournal.SUFFIX);
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length - 5] ^= 0x40; // inside the second record's frame
    Files.write(first, bytes);
    List<IngestJournal.Entry> read = replay(dir);
    assertEquals(List.of(1, 3), read.stream().map(IngestJournal.Entry::seq).toList());
  }

  @Test
  void replay_ofAnImpossibleLength_isDamageNotAnAllocation() throws IOException {
    Files.write(dir.resolve("7" + IngestJournal.SUFFIX), new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        0, 0, 0, 0, 1, 2, 3});
    assertEquals(List.of(), replay(dir));
  }

  @Test
  void deleteBelow_keepsTheOpenSegmentAndLaterOnes() throws IOException {
    try (IngestJournal journal = journal(1)) {
      for (int i = 0; i < 4; i++) {
        journal.append(List.of(entry(i, 10)));
      }
      assertEquals(4, journal.currentSegment());
      journal.deleteBelow(3);
      assertEquals(2, segmentFiles());
      journal.deleteBelow(Long.MAX_VALUE);
      assertEquals(1, segmentFiles(), "the open segment stays");
      journal.append(List.of(entry(9, 10)));
    }
    assertEquals(List.of(3, 9), replay(dir).stream().map(IngestJournal.Entry::seq).toList());
  }

  @Test
  void deleteBelow_neverDeletesASegmentFromBeforeThisStart() throws IOException {
    try (IngestJournal earlier = journal(IngestJournal.SEGMENT_BYTES)) {
      earlier.append(List.of(entry(1, 10)));
    }
    try (IngestJournal journal = journal(1)) {
      journal.append(List.of(entry(2, 10)));
      journal.append(List.of(entry(3, 10)));
      journal.deleteBelow(Long.MAX_VALUE);
    }
    assertEquals(List.of(1, 3), replay(dir).stream().map(IngestJournal.Entry::seq).toList());
    IngestJournal.delete(dir, List.of(1L, 3L));
    assertEquals(0, segmentFiles());
  }

  @Test
  void aNewJournal_startsAfterTheSegmentsItFinds() throws IOException {
    try (IngestJournal journal = journal(IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(entry(1, 10)));
    }
    try (IngestJournal journal = journal(IngestJournal.SEGMENT_BYTES)) {
      journal.append(List.of(entry(2, 10)));
      assertEquals(2, journal.currentSegment());
    }
    assertEquals(List.of(1, 2), replay(dir).stream().map(IngestJournal.Entry::seq).toList());
  }

  @Test
  void replay_ofNoDirectory_isEmpty() throws IOException {
    assertEquals(List.of(), replay(dir.resolve("absent")));
    Files.writeString(dir.resolve("notes.txt"), "not a segment", StandardCharsets.UTF_8);
    assertEquals(List.of(), replay(dir));
  }
}
