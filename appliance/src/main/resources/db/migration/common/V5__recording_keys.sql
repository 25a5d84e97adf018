-- Each recording's content is sealed under a data key derived from its subject's key and its retention bucket's
-- key (crypto.KeyService). subject_ref is the subject's blind index (never the subject id), key_bucket the month
-- ('2026-12'). Both null: a recording stored before encryption existed (read as it was written).
ALTER TABLE recordings ADD COLUMN subject_ref VARCHAR(64);
ALTER TABLE recordings ADD COLUMN key_bucket VARCHAR(7);
CREATE INDEX recordings_subject ON recordings (site_id, subject_ref);
