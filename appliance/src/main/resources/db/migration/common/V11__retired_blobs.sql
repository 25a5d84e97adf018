-- Issue 3 (ADR 0001): the blobs of chunks that compaction or sealing replaced. They are deleted a grace period
-- later, and not while a replay that began before the replacement still streams them (recording.RetiredBlobs), so a
-- replay of a large recording never loses chunks part-way.
CREATE TABLE retired_blobs (
  blob_key      VARCHAR(200) PRIMARY KEY,
  recording_id  VARCHAR(36)  NOT NULL,
  retired_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX retired_blobs_by_age ON retired_blobs (retired_at);
CREATE INDEX retired_blobs_by_recording ON retired_blobs (recording_id);
