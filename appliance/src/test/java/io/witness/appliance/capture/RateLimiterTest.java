package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void acquire_allowsTheBurstAtOnceThenRefuses() {
    RateLimiter limiter = new RateLimiter(50, 200);
    for (int i = 0; i < 200; i++) {
      assertEquals(0, limiter.acquire("site", 0), "batch " + i);
    }
    assertEquals(1, limiter.acquire("site", 0), "Retry-After once the burst is spent");
  }

  @Test
  void acquire_refillsAtTheRate() {
    RateLimiter limiter = new RateLimiter(2, 2);
    assertEquals(0, limiter.acquire("site", 0));
    assertEquals(0, limiter.acquire("site", 0));
    assertEquals(1, limiter.acquire("site", 0));
    assertEquals(1, limiter.acquire("site", SECOND / 4), "half a token after 250 ms");
    assertEquals(0, limiter.acquire("site", SECOND / 2), "one token after 500 ms");
    assertEquals(1, limiter.acquire("site", SECOND / 2));
  }

  @Test
  void acquire_neverStoresMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(10, 3);
    assertEquals(0, limiter.acquire("site", 0));
    long later = 3600 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.acquire("site", later));
    }
    assertEquals(1, limiter.acquire("site", later), "an hour of idling still gives only the burst");
  }

  @Test
  void acquire_retryAfterIsWholeSecondsRoundedUp() {
    RateLimiter slow = new RateLimiter(0.5, 1);
    assertEquals(0, slow.acquire("site", 0));
    assertEquals(2, slow.acquire("site", 0), "a token every 2 s");
    assertEquals(1, slow.acquire("site", SECOND + SECOND / 2), "0.75 of a token: 0.5 s to go, rounded up to 1");
    RateLimiter verySlow = new RateLimiter(0.1, 1);
    assertEquals(0, verySlow.acquire("site", 0));
    assertEquals(10, verySlow.acquire("site", 0));
  }

  @Test
  void acquire_keepsOneBucketPerSite() {
    RateLimiter limiter = new RateLimiter(1, 1);
    assertEquals(0, limiter.acquire("a", 0));
    assertEquals(1, limiter.acquire("a", 0));
    assertEquals(0, limiter.acquire("b", 0), "another site has its own bucket");
  }
}
