package io.witness.appliance.recording;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * zstd framing of event bytes. Live batches get a fast frame each (level 3) so that a 2xx never waits for more
 * data. Whole sessions (import, sealing) are one stream at a higher level with a window large enough to reach
 * back to earlier snapshots and stylesheets, which is where most of the redundancy of rrweb data lies
 * (platform.md: per-session ≈11–14×, per 10-s batch ≈6.6×).
 */
final class EventCodec {
  static final int BATCH_LEVEL = 3;
  static final int STREAM_LEVEL = 12;
  static final int STREAM_WINDOW_LOG = 27;

  private EventCodec() {}

  static byte[] compressFrame(byte[] raw) {
    return Zstd.compress(raw, BATCH_LEVEL);
  }

  static InputStream decompressing(InputStream compressed) {
    try {
      return new ZstdInputStream(compressed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OutputStream streamCompressor(OutputStream sink) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(sink);
    z.setLevel(STREAM_LEVEL);
    z.setLong(STREAM_WINDOW_LOG);
    z.setChecksum(true);
    return z;
  }

  static byte[] decompressFrame(byte[] frame) {
    try (InputStream in = decompressing(new java.io.ByteArrayInputStream(frame))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length * 6);
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
