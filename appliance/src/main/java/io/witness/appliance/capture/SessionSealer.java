package io.witness.appliance.capture;

import io.witness.appliance.platform.DaemonThreads;
import io.witness.appliance.recording.RecordingStore;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Seals live sessions that have gone quiet: their per-batch frames are recompressed as one session stream
 * (platform.md: ≈2× smaller than per-batch compression). Runs on one background thread.
 */
@ApplicationScoped
class SessionSealer {
  private static final Logger LOG = Logger.getLogger(SessionSealer.class.getName());

  @Inject RecordingStore store;

  @Inject @ConfigProperty(name = "capture.seal-after-idle-seconds", defaultValue = "1800")
  long idleSeconds;

  @Inject io.witness.appliance.audit.AuditTrail audit;

  @Inject @ConfigProperty(name = "capture.seal-interval-seconds", defaultValue = "30")
  long intervalSeconds;

  private ScheduledExecutorService executor;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
      @Initialized(ApplicationScoped.class) Object ignored) {
    executor = DaemonThreads.scheduler("witness-session-sealer");
    var unused =
        executor.scheduleWithFixedDelay(this::sealIdle, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  /** Seals every idle session; returns how many. */
  int sealIdle() {
    int sealed = 0;
    try {
      for (String id : store.idleLiveRecordings(Duration.ofSeconds(idleSeconds), 100)) {
        store.seal(id);
        manifest(id);
        sealed++;
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "sealing idle sessions failed; will retry", e);
    }
    return sealed;
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
