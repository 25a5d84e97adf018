package io.witness.appliance.capture;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token bucket per site: {@code rate} batches per second on average, up to {@code burst} at once. A refusal
 * says how many seconds until a token is free (for {@code Retry-After}).
 */
final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double rate;
  private final double burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(double rate, double burst) {
    this.rate = rate;
    this.burst = burst;
  }

  /** 0 when allowed, else the seconds to wait. */
  long acquire(String key, long nowNanos) {
    Bucket b = buckets.computeIfAbsent(key, k -> {
      Bucket n = new Bucket();
      n.tokens = burst;
      n.lastNanos = nowNanos;
      return n;
    });
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (nowNanos - b.lastNanos) / 1e9 * rate);
      b.lastNanos = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / rate));
    }
  }
}
