-- Data subjects, personal fields and erasure (issue 4; shared/design/compliance.md §3). Personal values are
-- stored sealed (AES-256-GCM, BYTEA) under a key that erasure or retention destroys, and found by blind indexes:
-- HMAC-SHA-256 under the site's index key over the normalised value (hex), never by decrypting a table.

-- A visitor (the recorder's anonymous id, the key subject of live recordings) identified as a data subject by the
-- SDK's identify(): erasing the subject erases the visitors linked to it.
CREATE TABLE subject_links (
  site_id      VARCHAR(64) NOT NULL REFERENCES sites(id),
  visitor_ref  VARCHAR(64) NOT NULL,
  subject_ref  VARCHAR(64) NOT NULL,
  linked_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (site_id, visitor_ref, subject_ref)
);
CREATE INDEX subject_links_subject ON subject_links (site_id, subject_ref);

-- identify() traits (email, name, ...): one row per trait, sealed under the subject's key.
CREATE TABLE subject_traits (
  site_id      VARCHAR(64)  NOT NULL REFERENCES sites(id),
  subject_ref  VARCHAR(64)  NOT NULL,
  name         VARCHAR(64)  NOT NULL,
  value_sealed BYTEA        NOT NULL,
  value_index  VARCHAR(64)  NOT NULL,
  updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (site_id, subject_ref, name)
);
CREATE INDEX subject_traits_value ON subject_traits (site_id, name, value_index);

-- A recording's personal fields, sealed under its data key. first_url stays for recordings stored before
-- encryption (subject_ref null); new recordings leave it null.
ALTER TABLE recordings ADD COLUMN first_url_sealed BYTEA;
ALTER TABLE recordings ADD COLUMN client_ip_sealed BYTEA;
ALTER TABLE recordings ADD COLUMN client_ip_index VARCHAR(64);
ALTER TABLE recordings ADD COLUMN user_agent_sealed BYTEA;
CREATE INDEX recordings_client_ip ON recordings (site_id, client_ip_index);

-- Page URLs and error messages of facts, sealed; url_index is the blind index of a page's origin and path (query
-- and fragment dropped), for exact page matches.
ALTER TABLE recording_facts ADD COLUMN text_sealed BYTEA;
ALTER TABLE recording_facts ADD COLUMN url_index VARCHAR(64);
CREATE INDEX recording_facts_url ON recording_facts (url_index);

-- Erasure certificates (GDPR Art. 17, 5(2)): what was erased, signed with the appliance's signing key. They name
-- the subject by its blind index only.
CREATE TABLE erasures (
  id           VARCHAR(36)   PRIMARY KEY,
  site_id      VARCHAR(64),
  requested_by VARCHAR(100)  NOT NULL,
  erased_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  certificate  VARCHAR(200000) NOT NULL
);

-- The appliance's signing keys (Ed25519): the private key wrapped by the root custody, re-wrapped on rotation.
CREATE TABLE signing_keys (
  id           VARCHAR(64)  PRIMARY KEY,
  algorithm    VARCHAR(16)  NOT NULL,
  public_key   BYTEA        NOT NULL,
  wrapped      BYTEA        NOT NULL,
  wrapped_by   INTEGER      NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
