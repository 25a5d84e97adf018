package io.witness.appliance.recording;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

@Entity
@Table(name = "recordings")
class RecordingEntity {
  static final String LIVE = "live";
  static final String SEALED = "sealed";
  /** Its data subject was erased: keys destroyed, content and personal fields deleted; answers 410. */
  static final String ERASED = "erased";

  @Id String id;
  @Column(name = "site_id", nullable = false) String siteId;
  @Column(name = "session_key") String sessionKey;
  /** The consent it was captured under and the site policy's version then (null before issue 6). */
  @Column(name = "consent_id") String consentId;
  @Column(name = "policy_version") Integer policyVersion;
  @Column(nullable = false) String source;
  @Column(nullable = false) String state;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;
  @Column(name = "last_batch_at", nullable = false) OffsetDateTime lastBatchAt;
  @Column(name = "first_event_ms", nullable = false) long firstEventMs;
  @Column(name = "last_event_ms", nullable = false) long lastEventMs;
  @Column(name = "active_ms", nullable = false) long activeMs;
  @Column(name = "last_activity_ms", nullable = false) long lastActivityMs;
  @Column(name = "event_count", nullable = false) long eventCount;
  @Column(name = "page_count", nullable = false) int pageCount;
  @Column(name = "click_count", nullable = false) int clickCount;
  @Column(name = "input_count", nullable = false) int inputCount;
  @Column(name = "error_count", nullable = false) int errorCount;
  /** Only of recordings stored before encryption; see {@link #firstUrlSealed}. */
  @Column(name = "first_url") String firstUrl;
  /** Personal fields, sealed under the recording's data key (RecordingKeys#sealField). */
  @Column(name = "first_url_sealed") byte[] firstUrlSealed;
  @Column(name = "client_ip_sealed") byte[] clientIpSealed;
  /** Blind index of the (truncated) client IP address, for exact search. */
  @Column(name = "client_ip_index") String clientIpIndex;
  @Column(name = "user_agent_sealed") byte[] userAgentSealed;
  @Column(name = "viewport_width", nullable = false) int viewportWidth;
  @Column(name = "viewport_height", nullable = false) int viewportHeight;
  @Column(name = "raw_bytes", nullable = false) long rawBytes;
  @Column(name = "stored_bytes", nullable = false) long storedBytes;
  @Column(name = "next_chunk_no", nullable = false) int nextChunkNo;
  /** The blind index of the recording's data subject (crypto.KeyService); null: stored before encryption. */
  @Column(name = "subject_ref") String subjectRef;
  /** The retention bucket of its key ("2026-12"); null with {@link #subjectRef}. */
  @Column(name = "key_bucket") String keyBucket;

  /** Whether a first page URL is known (sealed or, before encryption, plain). */
  boolean hasFirstUrl() {
    return firstUrl != null || firstUrlSealed != null;
  }

  /** The summary, with the first URL as opened by the caller (the entity holds it sealed). */
  RecordingSummary toSummary(String openedFirstUrl) {
    return new RecordingSummary(id, siteId, source,
        Instant.ofEpochMilli(firstEventMs).atOffset(ZoneOffset.UTC),
        Instant.ofEpochMilli(lastEventMs).atOffset(ZoneOffset.UTC),
        Math.max(0, lastEventMs - firstEventMs), activeMs, eventCount, pageCount, clickCount, errorCount,
        openedFirstUrl == null ? "" : openedFirstUrl, viewportWidth, viewportHeight, rawBytes, storedBytes, consentId,
        policyVersion);
  }
}
