package io.witness.appliance.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

@Entity
@Table(name = "users")
class UserEntity {
  @Id String username;
  @Column(name = "password_hash", nullable = false) String passwordHash;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;
}
