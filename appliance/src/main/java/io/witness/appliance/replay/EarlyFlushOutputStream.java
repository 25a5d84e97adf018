package io.witness.appliance.replay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Flushes the events answer after its first bytes, so the console can paint the first frame (which needs only the
 * first full snapshot, in the first tens of KB) while the rest is still being read and compressed. Without it the
 * first byte waited for the gzip and response buffers to fill (≈400 KB of JSON). Two early flushes cost nothing
 * measurable in size; after them, writes go through unflushed.
 */
final class EarlyFlushOutputStream extends FilterOutputStream {
  private static final long[] FLUSH_AT = {16 << 10, 128 << 10};

  private long written;
  private int next;

  EarlyFlushOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    advance(1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    advance(len);
  }

  private void advance(int n) throws IOException {
    written += n;
    if (next < FLUSH_AT.length && written >= FLUSH_AT[next]) {
      while (next < FLUSH_AT.length && written >= FLUSH_AT[next]) {
        next++;
      }
      out.flush();
    }
  }
}
