package io.witness.appliance.crypto;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One wrapped key (migration V4): never its plain bytes. */
@Entity
@Table(name = "crypto_keys")
class CryptoKeyEntity {
  @Id String id;
  @Column(nullable = false) String kind;
  @Column(name = "site_id", nullable = false) String siteId;
  @Column(nullable = false) String scope;
  @Column(nullable = false) int version;
  @Column(name = "wrapped_by", nullable = false) int wrappedBy;
  @Column(nullable = false) byte[] wrapped;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;
}
