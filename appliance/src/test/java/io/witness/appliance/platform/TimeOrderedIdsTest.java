package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {
  @Test
  void next_isAVersion7VariantRfcUuidCarryingTheMillisecond() {
    long millis = 1_796_000_000_123L;
    UUID id = TimeOrderedIds.next(millis, new Random(1));
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(millis, id.getMostSignificantBits() >>> 16);
    // the text form sorts by time too: its first 12 hex digits are the milliseconds
    assertEquals(String.format("%012x", millis), id.toString().replace("-", "").substring(0, 12));
  }

  @Test
  void next_sortsIdsOfLaterMillisecondsAfterEarlierOnes() {
    Random random = new Random(7);
    String previous = TimeOrderedIds.next(1_000L, random).toString();
    for (long ms = 1_001L; ms < 3_000L; ms++) {
      String id = TimeOrderedIds.next(ms, random).toString();
      assertTrue(id.compareTo(previous) > 0, id + " sorts before " + previous);
      previous = id;
    }
  }

  @Test
  void next_givesDistinctIdsWithinOneMillisecond() {
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(TimeOrderedIds.next());
    }
    assertEquals(100_000, ids.size());
  }
}
