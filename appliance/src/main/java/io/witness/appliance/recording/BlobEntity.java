package io.witness.appliance.recording;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

@Entity
@Table(name = "blobs")
class BlobEntity {
  @Id @Column(name = "blob_key") String key;
  @Column(nullable = false) byte[] data;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;

  static BlobEntity of(String key, byte[] data) {
    BlobEntity b = new BlobEntity();
    b.key = key;
    b.data = data;
    b.createdAt = OffsetDateTime.now(java.time.ZoneOffset.UTC);
    return b;
  }
}
