package io.witness.appliance.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A console session or an API token; the row holds only the SHA-256 of the secret. */
@Entity
@Table(name = "auth_sessions")
class AuthSessionEntity {
  static final String SESSION = "session";
  static final String BEARER = "bearer";

  @Id @Column(name = "token_hash") String tokenHash;
  @Column(nullable = false) String username;
  @Column(nullable = false) String kind;
  @Column(name = "csrf_token") String csrfToken;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;
  @Column(name = "expires_at", nullable = false) OffsetDateTime expiresAt;
}
