package io.witness.appliance.recording;

/**
 * A validated live batch ready to store: its events and their zstd frame, compressed by the caller's thread so
 * that the single writer (see {@code capture.BatchWriter}) spends its time on the database only.
 */
public record LiveBatch(String siteId, String sessionKey, int seq, EventSlice slice, byte[] frame, Origin origin) {
  /**
   * Who sent it: the SDK's visitor id (null from an SDK that sends none: the session is then its own subject),
   * the client's IP address (truncated) and user agent, null when unknown. Personal data: stored sealed. The
   * consent the batch was admitted under and the site policy's version then (null for batches journaled before
   * consent existed).
   */
  public record Origin(String visitorId, String clientIp, String userAgent, String consentId, Integer policyVersion) {
    public static final Origin UNKNOWN = new Origin(null, null, null, null, null);
  }

  public static LiveBatch of(String siteId, String sessionKey, int seq, EventSlice slice, Origin origin) {
    return new LiveBatch(siteId, sessionKey, seq, slice, EventCodec.compressFrame(slice.json()), origin);
  }

  /** The events of a frame made by {@link #of}: their JSON joined by commas, as in {@link EventSlice#json()}. */
  public static byte[] eventsOf(byte[] frame) {
    return EventCodec.decompressFrame(frame);
  }
}
