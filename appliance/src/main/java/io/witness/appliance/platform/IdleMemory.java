package io.witness.appliance.platform;

import com.sun.management.HotSpotDiagnosticMXBean;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives heap the appliance no longer uses back to the operating system once it is idle (issue 3: resident memory at
 * idle ≤ 300 MB, with the JVM's default flags too).
 *
 * <p>Why: with default flags the JVM starts with a heap of 1/64 of the machine's memory (384 MB on 24 GiB), fills
 * it while starting, and G1 keeps most of it committed afterwards: it shrinks only to 3.3 times the live data
 * ({@code MaxHeapFreeRatio} 70), and only after a concurrent cycle, which an idle JVM never starts
 * (docs/benchmarks.md, "Session 14"). After start-up and after each burst of work, once no collection has run for
 * {@code memory.idle-trim-seconds} (5; 0 turns this off), this runs one full collection with {@code
 * MaxHeapFreeRatio} lowered to {@link #TRIM_FREE_PERCENT} %, then puts the ratio back. Both ratios are
 * "manageable" JVM flags, changed at run time through the HotSpot diagnostic bean; the collector grows the heap
 * again as soon as work needs it. At most once per {@link #MIN_SPACING_NANOS}: under light but steady traffic a
 * collection may never be 5 s apart from the next, and then no trim runs at all.
 *
 * <p>Not under load: a busy appliance collects every few hundred ms, so the trim never fires there, and its
 * pause (a full collection of ≈ 40 MB of live data, 70–100 ms on 2 cores) falls only on an otherwise idle process.
 * Not when it would give back under {@link #MIN_GAIN_BYTES}, nor above {@link #MAX_USED_BYTES} of used heap (the
 * pause would grow with it). With {@code -XX:+DisableExplicitGC} it does nothing.
 */
@ApplicationScoped
public class IdleMemory {
  private static final Logger LOG = Logger.getLogger(IdleMemory.class.getName());
  /** Free heap allowed after the trim's collection, in percent of the committed heap. */
  static final int TRIM_FREE_PERCENT = 20;
  /** One trim a minute at most. */
  static final long MIN_SPACING_NANOS = 60_000_000_000L;
  /** Not worth a full collection for less than this to give back. */
  static final long MIN_GAIN_BYTES = 32L << 20;
  /**
   * No trim above this much used heap: a full collection of it would pause the appliance for long (≈ 1 s per
   * 500 MB on 2 cores), e.g. while many live sessions keep their admission DOMs.
   */
  static final long MAX_USED_BYTES = 256L << 20;

  @Inject @ConfigProperty(name = "memory.idle-trim-seconds", defaultValue = "5")
  int idleSeconds;

  private ScheduledExecutorService executor;
  /** Collections counted at the last check, when they last changed, and right after the last trim. */
  private long lastCount = -1;
  private long lastChange = System.nanoTime();
  private long countAfterTrim = -1;
  private long lastTrim = System.nanoTime() - MIN_SPACING_NANOS;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 900)
      @Initialized(ApplicationScoped.class) Object ignored) {
    if (idleSeconds <= 0) {
      return;
    }
    executor = DaemonThreads.scheduler("witness-idle-memory");
    var unused = executor.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** Once a second: trim when {@link #due} says so. */
  void check() {
    try {
      if (!due(System.nanoTime(), collections())) {
        return;
      }
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      if (worthIt(heap.getUsed(), heap.getCommitted())) {
        trim();
        trimmed(System.nanoTime(), collections());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "returning idle heap to the operating system failed; will not try again", e);
      executor.shutdown();
    }
  }

  /**
   * Whether to trim now, given the number of collections so far: none ran for {@code idleSeconds}, at least one
   * ran since the last trim (an idle heap is trimmed once), and the last trim is a minute ago.
   */
  boolean due(long now, long count) {
    if (count != lastCount) {
      lastCount = count;
      lastChange = now;
      return false;
    }
    return count != countAfterTrim && now - lastChange >= TimeUnit.SECONDS.toNanos(idleSeconds)
        && now - lastTrim >= MIN_SPACING_NANOS;
  }

  /** Whether a trim would give back enough heap, at a pause short enough, to be worth it. */
  static boolean worthIt(long used, long committed) {
    long keep = used * 100 / (100 - TRIM_FREE_PERCENT);
    return used <= MAX_USED_BYTES && committed - keep >= MIN_GAIN_BYTES;
  }

  /** Notes a trim that ended at {@code now} with {@code count} collections so far (its own included). */
  void trimmed(long now, long count) {
    lastTrim = now;
    countAfterTrim = count;
    lastCount = count;
    lastChange = now;
  }

  /** One full collection that may shrink the heap to {@link #TRIM_FREE_PERCENT} % free, the ratios restored. */
  static void trim() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = hotspot.getVMOption("MinHeapFreeRatio").getValue();
    String max = hotspot.getVMOption("MaxHeapFreeRatio").getValue();
    int trimmedMin = Math.min(Integer.parseInt(min), TRIM_FREE_PERCENT);
    // Min <= Max is checked on every change: lower Min first, raise it last.
    hotspot.setVMOption("MinHeapFreeRatio", Integer.toString(trimmedMin));
    hotspot.setVMOption("MaxHeapFreeRatio", Integer.toString(TRIM_FREE_PERCENT));
    try {
      System.gc();
    } finally {
      hotspot.setVMOption("MaxHeapFreeRatio", max);
      hotspot.setVMOption("MinHeapFreeRatio", min);
    }
  }

  private static long collections() {
    long n = 0;
    List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
    for (GarbageCollectorMXBean gc : beans) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
