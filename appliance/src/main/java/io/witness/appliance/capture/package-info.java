/**
 * Capture: the ingest endpoint the recorder SDK posts batches to, and the import of existing rrweb recordings.
 * Input is checked before it costs memory (size limits on compressed and decompressed bytes, event schema,
 * per-site rate), interpreted into facts, and handed to {@code recording.RecordingStore}. The protocol is
 * written down once in consent-gateway/docs/capture-protocol.md.
 */
package io.witness.appliance.capture;
