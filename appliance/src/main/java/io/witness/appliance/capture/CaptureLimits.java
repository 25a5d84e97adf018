package io.witness.appliance.capture;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The capture and import limits of the protocol page, from configuration. Dependent scope: callers read the
 * fields directly, which a normal-scoped client proxy would not forward.
 */
@Dependent
class CaptureLimits {
  @Inject @ConfigProperty(name = "capture.max-compressed-bytes", defaultValue = "1048576")
  long maxCompressed;
  @Inject @ConfigProperty(name = "capture.max-decompressed-bytes", defaultValue = "16777216")
  long maxDecompressed;
  @Inject @ConfigProperty(name = "capture.max-events-per-batch", defaultValue = "20000")
  int maxEventsPerBatch;
  @Inject @ConfigProperty(name = "capture.site-batches-per-second", defaultValue = "50")
  double batchesPerSecond;
  @Inject @ConfigProperty(name = "capture.site-batch-burst", defaultValue = "200")
  double batchBurst;
  @Inject @ConfigProperty(name = "import.max-compressed-bytes", defaultValue = "67108864")
  long importMaxCompressed;
  @Inject @ConfigProperty(name = "import.max-decompressed-bytes", defaultValue = "134217728")
  long importMaxDecompressed;
}
