-- Issue 6: the stylesheets the SDK sends once (capture protocol, "Stylesheets sent once"), kept across restarts.
-- The escaped stylesheet text, zstd-compressed and sealed (AES-256-GCM) under a key derived from the site's
-- retention bucket key of the month it was stored in: it expires with that month, as recordings do. A reference
-- to one that is gone is answered 409 and the SDK sends the stylesheet inline again.
CREATE TABLE site_stylesheets (
  site_id     VARCHAR(64)  NOT NULL REFERENCES sites(id),
  sha256      CHAR(64)     NOT NULL,
  bucket      CHAR(7)      NOT NULL,
  sealed      BYTEA        NOT NULL,
  stored_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (site_id, sha256)
);
CREATE INDEX site_stylesheets_recent ON site_stylesheets (site_id, stored_at);
