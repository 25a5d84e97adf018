-- Issue 6: versioned site policies, consent records and withdrawals (consent-gateway/docs/consent-protocol.md).
-- A policy version is never changed once saved; every recording keeps the version and the consent it was
-- captured under. A consent record is never changed either: its withdrawal is a row of its own.
CREATE TABLE site_policies (
  site_id     VARCHAR(64)  NOT NULL REFERENCES sites(id),
  version     INT          NOT NULL,
  document    VARCHAR(70000) NOT NULL,
  sha256      VARCHAR(64)  NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by  VARCHAR(256) NOT NULL,
  PRIMARY KEY (site_id, version)
);

CREATE TABLE consent_records (
  id              VARCHAR(36)  PRIMARY KEY,
  site_id         VARCHAR(64)  NOT NULL REFERENCES sites(id),
  visitor_hash    VARCHAR(64)  NOT NULL,
  granted_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  policy_version  INT          NOT NULL,
  notice_version  VARCHAR(32)  NOT NULL,
  notice_sha256   VARCHAR(64)  NOT NULL,
  purposes        VARCHAR(400) NOT NULL,
  method          VARCHAR(32)  NOT NULL,
  gpc             BOOLEAN      NOT NULL,
  dnt             BOOLEAN      NOT NULL,
  region          VARCHAR(8),
  ip_truncated    VARCHAR(64),
  user_agent      VARCHAR(512)
);
CREATE INDEX consent_records_site_time ON consent_records (site_id, granted_at);
CREATE INDEX consent_records_visitor ON consent_records (site_id, visitor_hash);

CREATE TABLE consent_withdrawals (
  consent_id    VARCHAR(36)  PRIMARY KEY REFERENCES consent_records(id),
  withdrawn_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  method        VARCHAR(32)  NOT NULL
);

ALTER TABLE recordings ADD COLUMN consent_id VARCHAR(36);
ALTER TABLE recordings ADD COLUMN policy_version INT;
CREATE INDEX recordings_consent ON recordings (consent_id);
