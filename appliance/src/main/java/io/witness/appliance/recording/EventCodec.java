package io.witness.appliance.recording;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * zstd framing of event bytes. Live batches get a fast frame each (level 1) so that a 2xx never waits for more
 * data: on the corpus's batches level 1 takes a quarter less time than level 3 for frames 1 % larger, and frames
 * live only until compaction (docs/benchmarks.md, "Session 18"). Whole sessions (import, sealing) are one stream
 * at a higher level with a window large enough to reach back to earlier snapshots and stylesheets, which is where
 * most of the redundancy of rrweb data lies (platform.md: per-session ≈11–14×, per 10-s batch ≈6.6×).
 */
final class EventCodec {
  static final int BATCH_LEVEL = 1;
  static final int STREAM_LEVEL = 12;
  static final int STREAM_WINDOW_LOG = 27;
  /**
   * A live session's segment (its batches of the last minute or so, recompressed as one stream while the session
   * goes on; {@link RecordingStore#compact}): level 6 is about four times as fast as {@link #STREAM_LEVEL} and
   * within 10 % of its size on a minute of events (docs/benchmarks.md, "Session 13").
   */
  static final int SEGMENT_LEVEL = 6;

  private EventCodec() {}

  /**
   * Compression contexts for live frames, reused, each with an output buffer. {@code Zstd.compress} makes a
   * context per call, and setting up a fresh context's tables cost more than compressing a 36-KB batch: 14 % of
   * all CPU samples under ingest (docs/benchmarks.md, "Ingest, 2026-12-03 (later)"); and
   * {@code ZstdCompressCtx.compress} allocates a worst-case output array per call, a tenth of the ingest path's
   * garbage. A context serves one caller at a time.
   */
  private static final BlockingQueue<BatchCompressor> BATCH_CONTEXTS = new ArrayBlockingQueue<>(16);
  /** Output buffers above this (a rare large batch) are not kept. */
  private static final int LARGEST_KEPT_BUFFER = 1 << 20;

  private static final class BatchCompressor {
    final ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(BATCH_LEVEL);
    byte[] out = new byte[64 << 10];

    byte[] compress(byte[] raw) {
      int bound = Math.toIntExact(Zstd.compressBound(raw.length));
      byte[] buffer = out.length >= bound ? out : new byte[bound];
      int n = ctx.compressByteArray(buffer, 0, buffer.length, raw, 0, raw.length);
      if (buffer.length <= LARGEST_KEPT_BUFFER) {
        out = buffer;
      }
      return Arrays.copyOf(buffer, n);
    }
  }

  static byte[] compressFrame(byte[] raw) {
    BatchCompressor c = BATCH_CONTEXTS.poll();
    if (c == null) {
      c = new BatchCompressor();
    }
    try {
      return c.compress(raw);
    } finally {
      if (!BATCH_CONTEXTS.offer(c)) {
        c.ctx.close();
      }
    }
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

  /** A segment's stream: {@link #SEGMENT_LEVEL}, the level's own window (a minute of events fits it). */
  static OutputStream segmentCompressor(OutputStream sink) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(sink);
    z.setLevel(SEGMENT_LEVEL);
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
