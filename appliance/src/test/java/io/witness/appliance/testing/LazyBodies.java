package io.witness.appliance.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Request bodies far larger than memory, generated as they are sent: a body of {@code n} repeated bytes, and a
 * gzip bomb (a small compressed stream that inflates to gigabytes). {@link #sent} tells how many bytes the
 * client actually produced, so a test can show the server stopped early.
 */
public final class LazyBodies {
  private LazyBodies() {}

  /** Counts the bytes handed to the HTTP client. */
  public static final class Meter {
    private final AtomicLong bytes = new AtomicLong();

    public long sent() {
      return bytes.get();
    }
  }

  /** A publisher with a declared {@code Content-Length}. */
  public static BodyPublisher fixedLength(InputStream body, long length, Meter meter) {
    return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> metered(body, meter)), length);
  }

  /** A publisher without a length: sent with {@code Transfer-Encoding: chunked}. */
  public static BodyPublisher chunked(InputStream body, Meter meter) {
    return BodyPublishers.ofInputStream(() -> metered(body, meter));
  }

  /** {@code head}, then {@code fill} up to {@code total} bytes. */
  public static InputStream repeating(byte[] head, byte fill, long total) {
    return new Generated(total) {
      @Override
      int fillBuffer(byte[] b, int off, int len, long position) {
        int n = 0;
        while (n < len && position + n < head.length) {
          b[off + n] = head[(int) (position + n)];
          n++;
        }
        Arrays.fill(b, off + n, off + len, fill);
        return len;
      }
    };
  }

  /**
   * A gzip stream of {@code head} followed by {@code fill} repeated until {@code uncompressed} bytes (rounded up
   * to whole MiB). Each MiB is one deflate segment compressed once with a full flush, so the same ≈1 KB of
   * compressed bytes can be repeated: generating 10 GB costs almost nothing.
   */
  public static InputStream gzipBomb(byte[] head, byte fill, long uncompressed) {
    byte[] headDeflated = deflate(head, false);
    byte[] segmentRaw = new byte[1 << 20];
    Arrays.fill(segmentRaw, fill);
    byte[] segment = deflate(segmentRaw, false);
    byte[] finish = deflate(new byte[0], true);
    long segments = Math.max(1, (uncompressed - head.length + segmentRaw.length - 1) / segmentRaw.length);
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    return new InputStream() {
      private final CRC32 crc = new CRC32();
      private byte[] current = concat(header, headDeflated);
      private int pos;
      private long segmentsLeft = segments;
      private boolean done;

      {
        crc.update(head);
      }

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        while (pos == current.length) {
          if (!next()) {
            return -1;
          }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }

      private boolean next() {
        pos = 0;
        if (segmentsLeft > 0) {
          segmentsLeft--;
          crc.update(segmentRaw);
          current = segment;
          return true;
        }
        if (done) {
          return false;
        }
        done = true;
        long size = head.length + segments * segmentRaw.length;
        current = concat(finish, le32(crc.getValue()), le32(size));
        return true;
      }
    };
  }

  private static byte[] deflate(byte[] raw, boolean finish) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(raw);
      if (finish) {
        d.finish();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 << 10];
      while (true) {
        int n = d.deflate(buf, 0, buf.length, finish ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH);
        out.write(buf, 0, n);
        if (finish ? d.finished() : n < buf.length) {
          return out.toByteArray();
        }
      }
    } finally {
      d.end();
    }
  }

  private static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static InputStream metered(InputStream in, Meter meter) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          meter.bytes.addAndGet(n);
        }
        return n;
      }
    };
  }

  /** Bytes produced on demand up to a total. */
  private abstract static class Generated extends InputStream {
    private final long total;
    private long position;

    Generated(long total) {
      this.total = total;
    }

    abstract int fillBuffer(byte[] b, int off, int len, long position);

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= total) {
        return -1;
      }
      int n = fillBuffer(b, off, (int) Math.min(len, total - position), position);
      position += n;
      return n;
    }
  }
}
