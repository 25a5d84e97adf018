-- The next free chunk number of each recording, so appending a chunk needs no max() query.
ALTER TABLE recordings ADD COLUMN next_chunk_no INTEGER DEFAULT 0 NOT NULL;
UPDATE recordings SET next_chunk_no =
  (SELECT COALESCE(MAX(c.chunk_no) + 1, 0) FROM recording_chunks c WHERE c.recording_id = recordings.id);
