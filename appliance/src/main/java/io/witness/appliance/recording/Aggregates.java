package io.witness.appliance.recording;

import java.util.List;

/**
 * Folds events into a recording's running totals (counts, first/last event, active time). Active time: the sum
 * of gaps between consecutive user-activity events that are at most {@link #IDLE_GAP_MS} apart.
 */
final class Aggregates {
  static final long IDLE_GAP_MS = 5_000;

  private Aggregates() {}

  static void apply(RecordingEntity r, EventSlice slice) {
    if (slice.eventCount() == 0) {
      return;
    }
    if (r.eventCount == 0 || slice.firstTs() < r.firstEventMs) {
      r.firstEventMs = slice.firstTs();
    }
    r.lastEventMs = Math.max(r.lastEventMs, slice.lastTs());
    r.eventCount += slice.eventCount();
    r.rawBytes += slice.rawBytes();
    for (long t : slice.activityTs()) {
      if (r.lastActivityMs > 0 && t > r.lastActivityMs && t - r.lastActivityMs <= IDLE_GAP_MS) {
        r.activeMs += t - r.lastActivityMs;
      }
      r.lastActivityMs = Math.max(r.lastActivityMs, t);
    }
    countFacts(r, slice.facts());
  }

  private static void countFacts(RecordingEntity r, List<Fact> facts) {
    for (Fact f : facts) {
      switch (f.kind()) {
        case PAGE -> {
          r.pageCount++;
          if (!r.hasFirstUrl()) {
            r.firstUrl = truncate(f.text().orElse(""), 2048);
          }
        }
        case CLICK -> r.clickCount++;
        case INPUT -> r.inputCount++;
        case ERROR -> r.errorCount++;
        case VIEWPORT -> {
          if (r.viewportWidth == 0) {
            r.viewportWidth = f.x().orElse(0);
            r.viewportHeight = f.y().orElse(0);
          }
        }
      }
    }
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
