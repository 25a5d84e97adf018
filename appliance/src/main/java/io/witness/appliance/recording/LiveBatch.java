package io.witness.appliance.recording;

/**
 * A validated live batch ready to store: its events and their zstd frame, compressed by the caller's thread so
 * that the single writer (see {@code capture.BatchWriter}) spends its time on the database only.
 */
public record LiveBatch(String siteId, String sessionKey, int seq, EventSlice slice, byte[] frame) {
  public static LiveBatch of(String siteId, String sessionKey, int seq, EventSlice slice) {
    return new LiveBatch(siteId, sessionKey, seq, slice, EventCodec.compressFrame(slice.json()));
  }

  /** The events of a frame made by {@link #of}: their JSON joined by commas, as in {@link EventSlice#json()}. */
  public static byte[] eventsOf(byte[] frame) {
    return EventCodec.decompressFrame(frame);
  }
}
