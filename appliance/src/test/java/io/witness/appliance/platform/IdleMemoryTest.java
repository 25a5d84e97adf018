package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleMemoryTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void due_onlyAfterTheSetQuietTime_onceUntilTheNextCollection_andAtMostOncePerMinute() {
    IdleMemory idle = new IdleMemory();
    idle.idleSeconds = 5;
    long t0 = System.nanoTime() + 120 * SECOND;
    assertFalse(idle.due(t0, 10), "the first look only notes the count");
    assertFalse(idle.due(t0 + 4 * SECOND, 10), "4 s without a collection is not idle yet");
    assertFalse(idle.due(t0 + 4 * SECOND, 11), "a collection starts the quiet time again");
    assertFalse(idle.due(t0 + 8 * SECOND, 11));
    assertTrue(idle.due(t0 + 9 * SECOND, 11), "5 s without a collection");
    idle.trimmed(t0 + 9 * SECOND, 12);
    assertFalse(idle.due(t0 + 30 * SECOND, 12), "nothing collected since the trim: nothing to give back");
    assertFalse(idle.due(t0 + 31 * SECOND, 13));
    assertFalse(idle.due(t0 + 40 * SECOND, 13), "quiet again, but the last trim is under a minute ago");
    assertTrue(idle.due(t0 + 69 * SECOND, 13), "quiet and a minute after the last trim");
  }

  @Test
  void worthIt_whenEnoughWouldGoBack_andTheHeapInUseIsSmall() {
    long mb = 1L << 20;
    assertTrue(IdleMemory.worthIt(40 * mb, 180 * mb), "the idle appliance: 40 MB used of 180 committed");
    assertFalse(IdleMemory.worthIt(40 * mb, 70 * mb), "at most 20 MB would go back");
    assertFalse(IdleMemory.worthIt(300 * mb, 2048 * mb), "a full collection of 300 MB would pause too long");
  }

  @Test
  void trim_collectsAndGivesBackHeap_thenRestoresTheHeapRatios() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = hotspot.getVMOption("MinHeapFreeRatio").getValue();
    String max = hotspot.getVMOption("MaxHeapFreeRatio").getValue();
    List<byte[]> garbage = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      garbage.add(new byte[1 << 20]); // 64 MB the heap must grow to hold
    }
    long committedWithGarbage = heap().getCommitted();
    garbage.clear();
    long collections = collections();

    IdleMemory.trim();

    assertTrue(collections() > collections, "the trim ran a collection");
    MemoryUsage after = heap();
    assertTrue(after.getCommitted() < committedWithGarbage,
        "committed heap " + after.getCommitted() + " is not below " + committedWithGarbage + " after the trim");
    assertEquals(min, hotspot.getVMOption("MinHeapFreeRatio").getValue());
    assertEquals(max, hotspot.getVMOption("MaxHeapFreeRatio").getValue());
  }

  private static MemoryUsage heap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
  }

  private static long collections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }
}
