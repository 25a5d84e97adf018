package io.witness.appliance.platform;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562 §5.7): 48 bits of Unix epoch milliseconds, then 74 random bits. Ids made later sort
 * after earlier ones, so rows keyed by them (recordings, their batches, chunks and facts, the chunk blobs) are
 * appended at the right edge of each B-tree instead of landing on a random page. Live ingest rewrites every index
 * page a commit touches (H2 copies each page on write; PostgreSQL writes each page into the WAL after a
 * checkpoint): with random ids a group of 20 batches touched about 20 leaf pages per table, with time-ordered ids
 * the live sessions' rows share a few pages (docs/benchmarks.md, ingest). The id shows when it was made, to the
 * millisecond; nothing else.
 */
public final class TimeOrderedIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TimeOrderedIds() {}

  /** A fresh version-7 UUID. */
  public static UUID next() {
    return next(System.currentTimeMillis(), RANDOM);
  }

  static UUID next(long epochMillis, java.util.Random random) {
    long randA = random.nextInt(1 << 12);
    long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long lsb = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
