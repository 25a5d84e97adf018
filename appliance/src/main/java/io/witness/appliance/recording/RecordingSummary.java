package io.witness.appliance.recording;

import java.time.OffsetDateTime;

/**
 * One row of the recordings list. {@code durationMs} is last event minus first event. {@code consentId} and
 * {@code policyVersion}: the consent it was captured (or imported) under and the site policy's version then; null
 * for recordings made before consent existed.
 */
public record RecordingSummary(
    String id,
    String siteId,
    String source,
    OffsetDateTime startedAt,
    OffsetDateTime endedAt,
    long durationMs,
    long activeMs,
    long eventCount,
    int pageCount,
    int clickCount,
    int errorCount,
    String firstUrl,
    int viewportWidth,
    int viewportHeight,
    long rawBytes,
    long storedBytes,
    String consentId,
    Integer policyVersion) {}
