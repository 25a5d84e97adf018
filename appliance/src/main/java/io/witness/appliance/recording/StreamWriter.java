package io.witness.appliance.recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a whole session as one zstd stream, cut into blobs of about {@link #CHUNK_BYTES} compressed bytes. The
 * cut points are arbitrary: readers concatenate the blobs in chunk order before decompressing.
 */
final class StreamWriter implements AutoCloseable {
  static final int CHUNK_BYTES = 1 << 20;

  /** Receives each finished piece. */
  interface ChunkSink {
    void chunk(byte[] compressed, int eventCount, long rawBytes);
  }

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK_BYTES + (64 << 10));
  private final OutputStream zstd;
  private final ChunkSink sink;
  private boolean first = true;
  private int events;
  private long raw;
  private long storedTotal;

  /** A whole session's stream ({@link EventCodec#streamCompressor}). */
  StreamWriter(ChunkSink sink) throws IOException {
    this(sink, false);
  }

  /** With {@code segment}, a live session's segment ({@link EventCodec#segmentCompressor}). */
  StreamWriter(ChunkSink sink, boolean segment) throws IOException {
    this.sink = sink;
    this.zstd = segment ? EventCodec.segmentCompressor(buffer) : EventCodec.streamCompressor(buffer);
  }

  /** Appends events given as JSON joined by commas. */
  void write(byte[] joinedEvents, int eventCount) throws IOException {
    if (eventCount == 0) {
      return;
    }
    if (!first) {
      zstd.write(',');
    }
    zstd.write(joinedEvents);
    first = false;
    events += eventCount;
    raw += joinedEvents.length;
    if (buffer.size() >= CHUNK_BYTES) {
      emit();
    }
  }

  long storedBytes() {
    return storedTotal;
  }

  private void emit() {
    if (buffer.size() == 0) {
      return;
    }
    byte[] piece = buffer.toByteArray();
    buffer.reset();
    storedTotal += piece.length;
    sink.chunk(piece, events, raw);
    events = 0;
    raw = 0;
  }

  @Override
  public void close() throws IOException {
    zstd.close();
    emit();
  }
}
