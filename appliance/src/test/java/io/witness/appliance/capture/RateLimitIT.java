package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-site batch rate: past the burst the capture endpoint answers 429 with {@code Retry-After} and stores
 * nothing; after that many seconds batches are accepted again. Runs on an appliance configured with a low rate
 * (0.5 batches/s, burst 3), so the numbers are exact.
 */
@ExtendWith(ArquillianExtension.class)
class RateLimitIT {

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance(Map.of("capture.site-batches-per-second", "0.5", "capture.site-batch-burst", "3"));
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  @Inject RecordingStore store;

  @Test
  void batchesPastTheBurst_answer429WithRetryAfterAndAreNotStored() throws InterruptedException {
    WitnessApi api = WitnessApi.of(url);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, Corpus.events("todomvc-vanillajs"), 20);
    for (int seq = 0; seq < 3; seq++) {
      api.ingest(batches.get(seq), true).assertStatus(200);
    }
    Map<String, Long> before = TableCounts.of(dataSource);
    Reply limited = api.ingest(batches.get(3), true);
    limited.assertProblem(429, "rate-limited");
    long retryAfter = Long.parseLong(limited.header("Retry-After")
        .orElseThrow(() -> new AssertionError("429 without Retry-After: " + limited.headers())));
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After at 0.5 batches/s: " + retryAfter);
    // Refused before the body is read: even a bad body or an unknown session counts as refused, not stored.
    api.ingest("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8), false).assertProblem(429, "rate-limited");
    assertEquals(before, TableCounts.of(dataSource), "a refused batch stores nothing");

    Thread.sleep(retryAfter * 1000 + 100);
    api.ingest(batches.get(3), true).assertStatus(200);
    String id = store.liveRecordingId("demo", sessionId).orElseThrow();
    assertEquals(4 * 20, api.getJson("/api/v1/recordings/" + id).path("eventCount").asInt());
  }
}
