-- The tamper-evident audit log (issue 5; audit/ module, shared/design/compliance.md §2). entries.canonical is the
-- RFC 8785 JSON that is hashed (leaf_hash = SHA-256(0x00 || canonical)); the other columns repeat its fields for
-- searching only. Tiles are complete Merkle subtrees of 2^8, 2^16, ... leaves, for O(log n) proofs.
CREATE TABLE audit_entries (
  seq           BIGINT       NOT NULL PRIMARY KEY,
  recorded_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  actor_type    VARCHAR(32)  NOT NULL,
  actor         VARCHAR(256) NOT NULL,
  action        VARCHAR(64)  NOT NULL,
  outcome       VARCHAR(16)  NOT NULL,
  resource_type VARCHAR(64),
  resource_id   VARCHAR(256),
  site_id       VARCHAR(64),
  canonical     BYTEA        NOT NULL,
  leaf_hash     BYTEA        NOT NULL
);
CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX audit_entries_resource ON audit_entries (resource_type, resource_id, seq);
CREATE INDEX audit_entries_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_time ON audit_entries (recorded_at);

CREATE TABLE audit_tiles (
  level INT     NOT NULL,
  idx   BIGINT  NOT NULL,
  hash  BYTEA   NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE audit_checkpoints (
  tree_size  BIGINT NOT NULL PRIMARY KEY,
  note       VARCHAR(4096) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
