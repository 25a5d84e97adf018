-- Issue 6: the PII detector's quarantine action. What it finds is redacted in the stored events, as under the
-- redact action; the matched values are kept sealed (AES-256-GCM under the data subject's field key, so erasing
-- the subject shreds them), never replayed, in an incident an admin reviews. Card numbers are never kept.
-- One incident per batch (site, session, seq): a retried batch raises none twice.
CREATE TABLE pii_incidents (
  id              VARCHAR(36)  PRIMARY KEY,
  site_id         VARCHAR(64)  NOT NULL REFERENCES sites(id),
  session_key     VARCHAR(64)  NOT NULL,
  seq             INT          NOT NULL,
  subject_ref     VARCHAR(64)  NOT NULL,
  kinds           VARCHAR(200) NOT NULL,
  value_count     INT          NOT NULL,
  values_sealed   BYTEA,
  policy_version  INT          NOT NULL,
  raised_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  resolved_at     TIMESTAMP WITH TIME ZONE,
  resolved_by     VARCHAR(256),
  note            VARCHAR(1000),
  UNIQUE (site_id, session_key, seq)
);
CREATE INDEX pii_incidents_site_status ON pii_incidents (site_id, status, raised_at);
CREATE INDEX pii_incidents_subject ON pii_incidents (site_id, subject_ref);
