package io.witness.appliance.recording;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Filters of the recordings list; every one optional. {@code cursor} comes from a previous page. {@code page} is
 * a page path (or URL: its path is taken) matched exactly through its blind index; {@code subjectRefs} the blind
 * indexes of the data subjects (and their visitors) whose recordings are wanted; {@code clientIp} an exact
 * (truncated) client address.
 */
public record RecordingQuery(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> page,
    Optional<Long> minDurationMs,
    Optional<Long> maxDurationMs,
    Optional<Boolean> hasError,
    Optional<String> siteId,
    Optional<Set<String>> subjectRefs,
    Optional<String> clientIp,
    int limit,
    Optional<String> cursor) {}
