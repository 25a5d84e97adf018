package io.witness.appliance.platform;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Opens a request body under two limits: at most {@code maxCompressed} bytes read off the wire and at most
 * {@code maxDecompressed} bytes after gzip decoding (so a zip bomb stops at the limit, having cost a fixed
 * buffer). A declared {@code Content-Length} over the limit is refused before a byte is read. Exceeding a limit
 * raises a 413 problem.
 */
public final class LimitedInput {
  private LimitedInput() {}

  public static InputStream open(InputStream body, String contentEncoding, long contentLength,
      long maxCompressed, long maxDecompressed) throws IOException {
    if (contentLength > maxCompressed) {
      throw ProblemException.tooLarge("the body is " + contentLength + " bytes; the limit is " + maxCompressed);
    }
    String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    InputStream wire = new Counting(body, maxCompressed, "compressed body");
    return switch (encoding) {
      case "", "identity" -> new Counting(wire, maxDecompressed, "body");
      case "gzip", "x-gzip" -> new Counting(gunzip(wire), maxDecompressed, "decompressed body");
      default -> throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA, 415,
          "Content-Encoding must be gzip or identity");
    };
  }

  /**
   * Decodes gzip unless the server already did: Helidon's web server may decode a gzip body itself, in which
   * case the bytes no longer start with the gzip magic number.
   */
  private static InputStream gunzip(InputStream in) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, 2);
    int b1 = p.read();
    int b2 = b1 < 0 ? -1 : p.read();
    if (b2 >= 0) {
      p.unread(b2);
    }
    if (b1 >= 0) {
      p.unread(b1);
    }
    if (b1 == 0x1f && b2 == 0x8b) {
      try {
        return new GZIPInputStream(p, 8192);
      } catch (java.util.zip.ZipException e) {
        throw ProblemException.malformed("the body is not valid gzip");
      }
    }
    return p;
  }

  /** Counts bytes and fails with 413 past the limit. */
  private static final class Counting extends FilterInputStream {
    private final long limit;
    private final String what;
    private long count;

    Counting(InputStream in, long limit, String what) {
      super(in);
      this.limit = limit;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = wrap(() -> super.read());
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = wrap(() -> super.read(buf, off, len));
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private interface Read {
      int run() throws IOException;
    }

    private static int wrap(Read r) throws IOException {
      try {
        return r.run();
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw ProblemException.malformed("the body is not valid gzip or is truncated");
      }
    }

    private void add(int n) {
      count += n;
      if (count > limit) {
        throw ProblemException.tooLarge("the " + what + " exceeds the limit of " + limit + " bytes");
      }
    }
  }
}
