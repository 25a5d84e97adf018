package io.witness.appliance.recording;

import java.util.List;

/**
 * A run of validated events as the store takes them: their JSON joined by commas (no brackets), with what the
 * capture side extracted from them. Produced by {@code capture}; the store never parses events itself.
 */
@SuppressWarnings("ArrayRecordComponent") // internal hand-over; copying would cost on the ingest hot path
public record EventSlice(byte[] json, int eventCount, long firstTs, long lastTs, long[] activityTs,
    List<Fact> facts, long rawBytes) {
  public EventSlice {
    facts = List.copyOf(facts);
  }
}
