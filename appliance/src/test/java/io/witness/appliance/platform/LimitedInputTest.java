package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.testing.LazyBodies;
import io.witness.appliance.testing.WitnessApi;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LimitedInputTest {
  static final long KIB = 1024;
  static final long MIB = KIB * KIB;
  static final byte[] JSON = "{\"v\":1,\"events\":[]}".getBytes(StandardCharsets.UTF_8);

  /** Counts the bytes taken from {@code in}. */
  static final class Counting extends FilterInputStream {
    long read;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      read += Math.max(0, n);
      return n;
    }
  }

  static ProblemException problem(int status, String kind, Executable e) {
    ProblemException p = assertThrows(ProblemException.class, e);
    assertEquals(status, p.problem().status(), p.getMessage());
    assertEquals(kind, p.problem().type().uri().substring(p.problem().type().uri().lastIndexOf('/') + 1));
    return p;
  }

  @Test
  void open_declaredLengthOverTheLimit_refusesBeforeReading() {
    InputStream untouchable = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body was read");
      }
    };
    problem(413, "too-large", () -> LimitedInput.open(untouchable, null, 1025, 1024, 4096));
  }

  @Test
  void open_identityWithinTheLimit_readsEverything() throws IOException {
    for (String encoding : new String[] {null, "", "identity", " Identity "}) {
      assertArrayEquals(JSON, LimitedInput.open(new ByteArrayInputStream(JSON), encoding, JSON.length, 1024, 4096)
          .readAllBytes());
    }
  }

  @Test
  void open_identityPastTheLimitWithoutLength_failsOnceTheLimitIsPassed() throws IOException {
    Counting wire = new Counting(LazyBodies.repeating(new byte[0], (byte) ' ', 200 * MIB));
    InputStream in = LimitedInput.open(wire, null, -1, MIB, 16 * MIB);
    problem(413, "too-large", in::readAllBytes);
    assertTrue(wire.read <= MIB + 64 * KIB, "read " + wire.read + " bytes for a 1 MiB limit");
  }

  @Test
  void open_gzip_decodesUnderBothLimits() throws IOException {
    byte[] raw = "[1,2,3]".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    for (String encoding : new String[] {"gzip", "x-gzip", "GZIP"}) {
      assertArrayEquals(raw, LimitedInput.open(new ByteArrayInputStream(WitnessApi.gzip(raw)), encoding, -1, MIB,
          MIB).readAllBytes());
    }
  }

  @Test
  void open_gzipBomb_stopsAtTheDecompressedLimitHavingReadLittle() throws IOException {
    Counting wire = new Counting(LazyBodies.gzipBomb("[".getBytes(StandardCharsets.UTF_8), (byte) ' ', 10L << 30));
    InputStream in = LimitedInput.open(wire, "gzip", -1, MIB, 16 * MIB);
    ProblemException p = problem(413, "too-large", () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
    assertTrue(p.getMessage().contains("decompressed"), p.getMessage());
    assertTrue(wire.read < 64 * KIB, "compressed bytes read to inflate 16 MiB: " + wire.read);
  }

  @Test
  void open_gzipWhoseWireSizeIsOverTheLimit_fails() {
    byte[] random = new byte[(int) (2 * MIB)];
    new java.util.Random(7).nextBytes(random);
    byte[] gz = WitnessApi.gzip(random);
    ProblemException p = problem(413, "too-large",
        () -> LimitedInput.open(new ByteArrayInputStream(gz), "gzip", -1, MIB, 16 * MIB).readAllBytes());
    assertTrue(p.getMessage().contains("compressed body"), p.getMessage());
  }

  @Test
  void open_truncatedGzip_isMalformed() {
    byte[] gz = WitnessApi.gzip("[1,2,3]".repeat(10_000).getBytes(StandardCharsets.UTF_8));
    for (int cut : new int[] {gz.length / 2, gz.length - 4, 12}) {
      byte[] truncated = Arrays.copyOf(gz, cut);
      problem(400, "malformed",
          () -> LimitedInput.open(new ByteArrayInputStream(truncated), "gzip", -1, MIB, MIB).readAllBytes());
    }
  }

  @Test
  void open_gzipHeaderThenGarbage_isMalformed() {
    byte[] bad = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8};
    problem(400, "malformed", () -> LimitedInput.open(new ByteArrayInputStream(bad), "gzip", -1, MIB, MIB)
        .readAllBytes());
  }

  @Test
  void open_gzipLabelOnPlainBytes_passesThemThrough() throws IOException {
    // The web server may have decoded the body already: without the gzip magic number the bytes are taken as
    // they are (still under the limits).
    assertArrayEquals(JSON, LimitedInput.open(new ByteArrayInputStream(JSON), "gzip", -1, 1024, 1024)
        .readAllBytes());
  }

  @Test
  void open_otherEncodings_areUnsupportedMediaTypes() {
    for (String encoding : new String[] {"br", "deflate", "compress", "zstd", "gzip, br"}) {
      problem(415, "unsupported-media-type",
          () -> LimitedInput.open(new ByteArrayInputStream(JSON), encoding, -1, 1024, 1024));
    }
  }
}
