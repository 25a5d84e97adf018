package io.witness.appliance.recording;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/**
 * A compressed piece of a recording's event stream. {@code kind} "batch": one live batch in its own zstd frame,
 * {@code streamNo} = the batch's seq. {@code kind} "stream": consecutive pieces of one zstd stream;
 * {@code streamNo} numbers the streams in event order: 0 only for a sealed or imported recording (one stream over
 * the whole session), 0, 1, 2, … for a live one whose batches were compacted as they aged (a segment each).
 */
@Entity
@Table(name = "recording_chunks")
@IdClass(ChunkEntity.Key.class)
class ChunkEntity {
  static final String BATCH = "batch";
  static final String STREAM = "stream";

  record Key(String recordingId, int chunkNo) implements Serializable {
    Key() {
      this("", 0);
    }
  }

  @Id @Column(name = "recording_id") String recordingId;
  @Id @Column(name = "chunk_no") int chunkNo;
  @Column(nullable = false) String kind;
  @Column(name = "stream_no", nullable = false) int streamNo;
  @Column(name = "event_count", nullable = false) int eventCount;
  @Column(name = "raw_bytes", nullable = false) long rawBytes;
  @Column(name = "stored_bytes", nullable = false) int storedBytes;
  @Column(name = "blob_key", nullable = false) String blobKey;
}
