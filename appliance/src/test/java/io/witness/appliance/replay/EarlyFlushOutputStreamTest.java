package io.witness.appliance.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class EarlyFlushOutputStreamTest {
  /** Counts the flushes that reach the stream below. */
  static final class RecordingFlushes extends ByteArrayOutputStream {
    int flushes;

    @Override
    public void flush() {
      flushes++;
    }
  }

  @Test
  void write_flushesTwiceEarlyThenNoMore() throws IOException {
    RecordingFlushes below = new RecordingFlushes();
    EarlyFlushOutputStream out = new EarlyFlushOutputStream(below);
    byte[] piece = new byte[10 << 10];
    out.write(piece, 0, piece.length);
    assertEquals(0, below.flushes, "nothing before 16 KB");
    out.write(piece, 0, piece.length);
    assertEquals(1, below.flushes, "once past 16 KB");
    for (int i = 0; i < 100; i++) {
      out.write(piece, 0, piece.length);
    }
    assertEquals(2, below.flushes, "once more past 128 KB, then never");
    assertEquals(102 * piece.length, below.size(), "every byte passed through");
  }

  @Test
  void write_singleBytes_passThroughInOrder() throws IOException {
    RecordingFlushes below = new RecordingFlushes();
    EarlyFlushOutputStream out = new EarlyFlushOutputStream(below);
    out.write('[');
    out.write(']');
    assertArrayEquals(new byte[] {'[', ']'}, below.toByteArray());
  }
}
