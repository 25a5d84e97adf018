package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyTest {
  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void of_readsTheWholeBodyAcrossGrowth() throws IOException {
    byte[] sent = random(CaptureService.Body.INITIAL * 3 + 17, 1);
    CaptureService.Body body = CaptureService.Body.of(new ByteArrayInputStream(sent));
    assertEquals(sent.length, body.length());
    assertArrayEquals(sent, Arrays.copyOf(body.bytes(), body.length()));
  }

  @Test
  void release_handsTheArrayToTheNextBody_whichReadsOnlyItsOwnBytes() throws IOException {
    CaptureService.Body first = CaptureService.Body.of(new ByteArrayInputStream(random(70_000, 2)));
    first.release();
    byte[] shorter = random(100, 3);
    CaptureService.Body second = CaptureService.Body.of(new ByteArrayInputStream(shorter));
    assertSame(first.bytes(), second.bytes(), "the released array is reused");
    assertEquals(100, second.length());
    assertArrayEquals(shorter, Arrays.copyOf(second.bytes(), second.length()));
    second.release();
  }

  @Test
  void release_doesNotKeepAnArrayLargerThanTheLimit() throws IOException {
    CaptureService.Body big = CaptureService.Body.of(
        new ByteArrayInputStream(new byte[CaptureService.Body.LARGEST_KEPT + 1]));
    big.release();
    // the pool holds at most POOLED arrays: one take more would meet the big one if it had been kept
    java.util.List<CaptureService.Body> taken = new java.util.ArrayList<>();
    for (int i = 0; i <= CaptureService.Body.POOLED; i++) {
      CaptureService.Body next = CaptureService.Body.of(new ByteArrayInputStream(new byte[10]));
      assertNotSame(big.bytes(), next.bytes());
      taken.add(next);
    }
    taken.forEach(CaptureService.Body::release);
  }
}
