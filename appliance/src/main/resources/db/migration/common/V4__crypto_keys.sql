-- Wrapped keys below the root (issue 4; shared/design/compliance.md §3.1). A site's key-encryption key is wrapped
-- under a root key version (held by the KeyCustody, never here); subject, bucket and index keys under a version
-- of their site's KEK. Destroying a key deletes its row: what it protected can then never be decrypted again,
-- in this database or any backup made after the row's backups expire.
CREATE TABLE crypto_keys (
  id          VARCHAR(36)  PRIMARY KEY,
  kind        VARCHAR(16)  NOT NULL,
  site_id     VARCHAR(64)  NOT NULL REFERENCES sites(id),
  scope       VARCHAR(128) NOT NULL,
  version     INTEGER      NOT NULL,
  wrapped_by  INTEGER      NOT NULL,
  wrapped     BYTEA        NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_keys_version UNIQUE (kind, site_id, scope, version)
);
CREATE INDEX crypto_keys_wrapped_by ON crypto_keys (kind, wrapped_by);
