package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.site.SiteService;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Root and site key rotations while sessions are being recorded lose nothing: every session replays whole. */
@ExtendWith(ArquillianExtension.class)
class RotationUnderIngestIT {
  static final String SESSION = "todomvc-vanillajs";
  static final int SESSIONS = 8;

  @Deployment(testable = false)
  static JavaArchive deployment() {
    // No rate limit: the senders are as fast as the appliance.
    return Deployments.appliance(java.util.Map.of("capture.site-batches-per-second", "1000000",
        "capture.site-batch-burst", "1000000"));
  }

  @ArquillianResource URL url;
  @Inject KeyService keys;
  @Inject io.witness.appliance.recording.RecordingStore store;

  @Test
  void rotations_duringIngest_loseNoBatchAndNoKey() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    List<String> sessions = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> senders = new ArrayList<>();
    try {
      for (int i = 0; i < SESSIONS; i++) {
        String sessionId = Batches.newSessionId();
        sessions.add(sessionId);
        senders.add(pool.submit(() -> {
          List<byte[]> batches = Batches.split(sessionId, events, 10);
          for (int seq = 0; seq < batches.size(); seq++) {
            api.ingest(batches.get(seq), true).assertStatus(200);
          }
          return null;
        }));
      }
      int rotations = 0;
      while (senders.stream().anyMatch(f -> !f.isDone()) || rotations < 4) {
        KeyService.Rotation r = rotations % 2 == 0 ? keys.rotateSite(SiteService.DEMO_SITE_ID) : keys.rotateRoot();
        assertTrue(r.destroyedVersions().size() >= 1, r.toString());
        rotations++;
      }
      for (Future<?> f : senders) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (String sessionId : sessions) {
      String id = recordingOf(sessionId);
      assertEquals(events.size(), api.events(id).size(), "session " + sessionId + " replays whole");
    }
    // Once more after ingest: every key still unwraps under the newest versions.
    keys.rotateSite(SiteService.DEMO_SITE_ID);
    keys.rotateRoot();
    assertEquals(events.size(), api.events(recordingOf(sessions.get(0))).size());
  }

  private String recordingOf(String sessionId) {
    return store.liveRecordingId(SiteService.DEMO_SITE_ID, sessionId)
        .orElseThrow(() -> new AssertionError("no recording for session " + sessionId));
  }

}
