package io.witness.appliance.replay;

import io.witness.appliance.recording.RecordingSummary;
import java.time.OffsetDateTime;
import java.util.List;

/** JSON shape of {@code GET /api/v1/recordings/{id}}: the summary's fields flattened, plus the timeline. */
public record RecordingView(
    String id, String siteId, String source, OffsetDateTime startedAt, OffsetDateTime endedAt, long durationMs,
    long activeMs, long eventCount, int pageCount, int clickCount, int errorCount, String firstUrl,
    int viewportWidth, int viewportHeight, long rawBytes, long storedBytes, String consentId, Integer policyVersion,
    List<RecordingDetail.Page> pages, List<RecordingDetail.Click> clicks,
    List<RecordingDetail.ConsoleError> errors, List<RecordingDetail.Input> inputs,
    List<RecordingDetail.Viewport> viewports) {

  static RecordingView of(RecordingDetail d) {
    RecordingSummary s = d.summary();
    return new RecordingView(s.id(), s.siteId(), s.source(), s.startedAt(), s.endedAt(), s.durationMs(),
        s.activeMs(), s.eventCount(), s.pageCount(), s.clickCount(), s.errorCount(), s.firstUrl(),
        s.viewportWidth(), s.viewportHeight(), s.rawBytes(), s.storedBytes(), s.consentId(), s.policyVersion(), d.pages(), d.clicks(), d.errors(),
        d.inputs(), d.viewports());
  }
}
