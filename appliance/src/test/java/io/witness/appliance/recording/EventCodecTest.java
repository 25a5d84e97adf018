package io.witness.appliance.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  static byte[] events(int n, int seed) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"type\":3,\"timestamp\":").append(seed * 1000L + i)
          .append(",\"data\":{\"source\":1,\"positions\":[{\"x\":").append(i % 997).append(",\"y\":").append(seed)
          .append("}]}}");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void compressFrame_withReusedContexts_roundTripsEveryFrameFromManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int seed = t;
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 20; i++) {
            byte[] raw = events(1 + (seed * 37 + i * 101) % 3000, seed * 100 + i);
            assertArrayEquals(raw, EventCodec.decompressFrame(EventCodec.compressFrame(raw)));
          }
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void compressFrame_ofALargeIncompressibleBatch_roundTripsAndLeavesLaterFramesIntact() {
    byte[] noise = new byte[3 << 19];
    new java.util.Random(7).nextBytes(noise);
    assertArrayEquals(noise, EventCodec.decompressFrame(EventCodec.compressFrame(noise)));
    byte[] small = events(10, 1);
    assertArrayEquals(small, EventCodec.decompressFrame(EventCodec.compressFrame(small)));
  }
}
