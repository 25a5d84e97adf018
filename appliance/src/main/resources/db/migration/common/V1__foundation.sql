-- Witness foundation schema. One SQL subset that H2 2.x and PostgreSQL 15+ both accept.

CREATE TABLE sites (
  id          VARCHAR(64)  PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  site_key    VARCHAR(64)  NOT NULL UNIQUE,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE users (
  username       VARCHAR(100) PRIMARY KEY,
  password_hash  VARCHAR(300) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Console sessions and API bearer tokens; only a SHA-256 of the secret is stored.
CREATE TABLE auth_sessions (
  token_hash  VARCHAR(64)  PRIMARY KEY,
  username    VARCHAR(100) NOT NULL REFERENCES users(username),
  kind        VARCHAR(16)  NOT NULL,
  csrf_token  VARCHAR(64),
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);

CREATE TABLE recordings (
  id               VARCHAR(36)  PRIMARY KEY,
  site_id          VARCHAR(64)  NOT NULL REFERENCES sites(id),
  session_key      VARCHAR(64),
  source           VARCHAR(10)  NOT NULL,
  state            VARCHAR(10)  NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  last_batch_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  first_event_ms   BIGINT       NOT NULL,
  last_event_ms    BIGINT       NOT NULL,
  active_ms        BIGINT       NOT NULL,
  last_activity_ms BIGINT       NOT NULL,
  event_count      BIGINT       NOT NULL,
  page_count       INTEGER      NOT NULL,
  click_count      INTEGER      NOT NULL,
  input_count      INTEGER      NOT NULL,
  error_count      INTEGER      NOT NULL,
  first_url        VARCHAR(2048),
  viewport_width   INTEGER      NOT NULL,
  viewport_height  INTEGER      NOT NULL,
  raw_bytes        BIGINT       NOT NULL,
  stored_bytes     BIGINT       NOT NULL,
  CONSTRAINT recordings_session UNIQUE (site_id, session_key)
);
CREATE INDEX recordings_started ON recordings (first_event_ms);
CREATE INDEX recordings_sealing ON recordings (state, last_batch_at);

-- Idempotency ledger of live batches: (recording, seq) is stored once.
CREATE TABLE recording_batches (
  recording_id  VARCHAR(36) NOT NULL REFERENCES recordings(id),
  seq           INTEGER     NOT NULL,
  received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  event_count   INTEGER     NOT NULL,
  raw_bytes     INTEGER     NOT NULL,
  PRIMARY KEY (recording_id, seq)
);

-- Compressed chunks of a recording's event stream. kind 'batch': one live batch, its own zstd frame;
-- kind 'stream': consecutive pieces of one zstd stream over the whole session (written by import and sealing).
CREATE TABLE recording_chunks (
  recording_id  VARCHAR(36) NOT NULL REFERENCES recordings(id),
  chunk_no      INTEGER     NOT NULL,
  kind          VARCHAR(8)  NOT NULL,
  stream_no     INTEGER     NOT NULL,
  event_count   INTEGER     NOT NULL,
  raw_bytes     BIGINT      NOT NULL,
  stored_bytes  INTEGER     NOT NULL,
  blob_key      VARCHAR(200) NOT NULL,
  PRIMARY KEY (recording_id, chunk_no)
);

-- The database implementation of the BlobStore SPI.
CREATE TABLE blobs (
  blob_key    VARCHAR(200) PRIMARY KEY,
  data        BYTEA        NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Per-event facts for analytics: kind = page | click | input | error | viewport.
-- ts_ms is the event's epoch ms; x/y are click coordinates or viewport width/height.
CREATE SEQUENCE recording_facts_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE recording_facts (
  id            BIGINT       PRIMARY KEY,
  recording_id  VARCHAR(36)  NOT NULL REFERENCES recordings(id),
  kind          VARCHAR(10)  NOT NULL,
  ts_ms         BIGINT       NOT NULL,
  x             INTEGER,
  y             INTEGER,
  node_id       INTEGER,
  selector      VARCHAR(512),
  text_value    VARCHAR(4096)
);
CREATE INDEX recording_facts_recording ON recording_facts (recording_id, kind, ts_ms);
CREATE INDEX recording_facts_kind ON recording_facts (kind, recording_id);
