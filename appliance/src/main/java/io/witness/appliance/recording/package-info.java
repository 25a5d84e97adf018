/**
 * Where recordings live: metadata, the idempotency ledger of live batches, compressed event chunks behind the
 * {@link BlobStore} SPI, and per-event facts (pages, clicks, inputs, errors, viewports). {@code capture} writes
 * through {@link RecordingStore}; {@code replay} reads through it. Nothing else touches these tables.
 */
package io.witness.appliance.recording;
