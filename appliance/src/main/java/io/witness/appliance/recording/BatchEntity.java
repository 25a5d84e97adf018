package io.witness.appliance.recording;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;

/** A row of the idempotency ledger: live batch {@code seq} of a recording has been stored. */
@Entity
@Table(name = "recording_batches")
@IdClass(BatchEntity.Key.class)
class BatchEntity {
  record Key(String recordingId, int seq) implements Serializable {
    Key() {
      this("", 0);
    }
  }

  @Id @Column(name = "recording_id") String recordingId;
  @Id int seq;
  @Column(name = "received_at", nullable = false) OffsetDateTime receivedAt;
  @Column(name = "event_count", nullable = false) int eventCount;
  @Column(name = "raw_bytes", nullable = false) int rawBytes;
}
