package io.witness.appliance.recording;

import java.time.Instant;
import java.util.Optional;

/** Filters of the recordings list; every one optional. {@code cursor} comes from a previous page. */
public record RecordingQuery(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> urlContains,
    Optional<Long> minDurationMs,
    Optional<Long> maxDurationMs,
    Optional<Boolean> hasError,
    Optional<String> siteId,
    int limit,
    Optional<String> cursor) {}
