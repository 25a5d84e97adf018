package io.witness.appliance.capture;

import io.witness.appliance.platform.DaemonThreads;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.recording.RetiredBlobs;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Seals live sessions that have gone quiet: their per-batch frames are recompressed as one session stream
 * (platform.md: ≈2× smaller than per-batch compression). Before that, while a session goes on, the frames it
 * stored more than {@code capture.compact-after-seconds} ago (60; 0: never) are compacted into a segment of its
 * stream ({@link RecordingStore#compact}), so a live session costs about what a sealed one does. Runs on one
 * background thread, {@link #PER_PASS} sessions of each kind per {@code capture.seal-interval-seconds}, paced so
 * that it takes a quarter of one core at most. Each pass then deletes the blobs those rewrites replaced once
 * {@code capture.retired-blob-grace-seconds} (300) have passed and no replay streams them ({@link RetiredBlobs}).
 */
@ApplicationScoped
class SessionSealer {
  private static final Logger LOG = Logger.getLogger(SessionSealer.class.getName());
  /**
   * Sessions sealed, and sessions compacted, per pass at most: background work stays bounded under heavy ingest
   * (what is left waits for the next pass; frames cost more bytes meanwhile, nothing else).
   */
  static final int PER_PASS = 100;
  /** After each compaction or sealing the sealer waits this many times as long as it took. */
  private static final int PAUSE_FACTOR = 3;

  @Inject RecordingStore store;
  @Inject RetiredBlobs retired;

  @Inject @ConfigProperty(name = "capture.retired-blob-grace-seconds", defaultValue = "300")
  long retiredGraceSeconds;

  @Inject @ConfigProperty(name = "capture.seal-after-idle-seconds", defaultValue = "1800")
  long idleSeconds;

  @Inject io.witness.appliance.audit.AuditTrail audit;

  @Inject @ConfigProperty(name = "capture.seal-interval-seconds", defaultValue = "30")
  long intervalSeconds;

  @Inject @ConfigProperty(name = "capture.compact-after-seconds", defaultValue = "60")
  long compactAfterSeconds;

  @Inject io.witness.appliance.recording.LiveBatchStore liveBatches;

  private ScheduledExecutorService executor;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
      @Initialized(ApplicationScoped.class) Object ignored) {
    executor = DaemonThreads.scheduler("witness-session-sealer");
    var unused =
        executor.scheduleWithFixedDelay(this::sealAndCompact, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  private void sealAndCompact() {
    sealIdle();
    compactAged();
    sweepRetired();
  }

  /** Deletes replaced blobs past their grace period that no replay streams; returns how many. */
  int sweepRetired() {
    int deleted = 0;
    try {
      for (int n = PER_PASS; n == PER_PASS; deleted += n) {
        n = retired.sweep(Duration.ofSeconds(retiredGraceSeconds), PER_PASS);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "deleting replaced blobs failed; will retry", e);
    }
    return deleted;
  }

  /** Compacts the frames of every live session that has had some for {@code capture.compact-after-seconds}. */
  int compactAged() {
    if (compactAfterSeconds <= 0) {
      return 0;
    }
    return paced(liveBatches.agedFrames(Duration.ofSeconds(compactAfterSeconds), PER_PASS), store::compact,
        "compacting a live session failed; it is sealed when idle");
  }

  /** Seals every idle session; returns how many. */
  int sealIdle() {
    List<String> idle;
    try {
      idle = store.idleLiveRecordings(Duration.ofSeconds(idleSeconds), PER_PASS);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "finding idle sessions failed; will retry", e);
      return 0;
    }
    return paced(idle, id -> {
      store.seal(id);
      manifest(id);
    }, "sealing an idle session failed; will retry");
  }

  /**
   * Rewrites the sessions one after another, pausing {@link #PAUSE_FACTOR} times as long as each took: a quarter
   * of one core at most, spread over the pass. A burst of compactions back to back on a busy 2-core machine queued
   * the ingest requests behind it (docs/benchmarks.md, "Session 13"). Returns how many succeeded.
   */
  private int paced(List<String> ids, Consumer<String> rewrite, String failure) {
    int done = 0;
    for (String id : ids) {
      long start = System.nanoTime();
      try {
        rewrite.accept(id);
        done++;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, failure, e);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(PAUSE_FACTOR * (System.nanoTime() - start));
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return done;
  }

  /** The complete recording's capture manifest goes into the audit log (replay checks against it). */
  private void manifest(String id) {
    store.manifestDigest(id).ifPresent(digest ->
        audit.recordManifest(id, store.summary(id).map(io.witness.appliance.recording.RecordingSummary::siteId)
            .orElse(null), digest));
  }

  @PreDestroy
  void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
