package io.witness.appliance.recording;

import static io.witness.appliance.testing.EventAssertions.assertSameEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
 * A replay of a recording too large to hold in memory reads its chunks while it streams (ADR 0001). Compaction
 * or sealing may replace those chunks meanwhile: their blobs are retired, not deleted, and stay while a stream
 * that began before still reads them (H2 and PostgreSQL). Here every recording counts as large
 * ({@code replay.opened-in-memory-bytes=1}), and the test sweeps the retired blobs itself.
 */
@ExtendWith(ArquillianExtension.class)
class LargeReplayIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance(Map.of(
        "replay.opened-in-memory-bytes", "1",
        // No background compaction; the background sweep waits an hour: the test does both itself.
        "capture.compact-after-seconds", "0",
        "capture.retired-blob-grace-seconds", "3600"));
  }

  @ArquillianResource URL url;
  @Inject RecordingStore store;
  @Inject RetiredBlobs retired;
  @Inject @Named("witness") DataSource dataSource;

  @Test
  void aStreamThatBeganBeforeACompaction_readsTheWholeRecording_andItsOldBlobsGoOnceItEnds() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String id = liveRecording(api);
    JsonNode expected = api.events(id);
    List<String> frames = blobKeys(id);
    assertTrue(frames.size() > 1, "the session is stored as frames: " + frames.size());

    RecordingStore.EventStream stream = store.events(id).orElseThrow();
    assertTrue(store.compact(id) > 0, "the frames were compacted into a segment");
    assertTrue(frames.stream().noneMatch(blobKeys(id)::contains), "the chunks were replaced");
    assertEquals(0, retired.sweep(Duration.ZERO, 1000), "blobs a stream still reads are not deleted");
    assertEquals(frames.size(), existing(frames), "all still stored");

    assertSameEvents(expected, read(stream), "the stream that began before the compaction");
    assertEquals(0, retired.sweep(Duration.ofHours(1), 1000), "nothing is deleted within the grace period");
    assertEquals(frames.size(), retired.sweep(Duration.ZERO, 1000), "once the stream ended, its old blobs go");
    assertEquals(0, existing(frames));
    assertEquals(0, count("select count(*) from retired_blobs where recording_id = ?", id));
    assertSameEvents(expected, api.events(id), "the compacted recording");
  }

  @Test
  void withoutItsHold_aStreamLosesTheChunksReplacedMeanwhile() throws Exception {
    // The control: what the hold prevents. A stream closed unread releases its blobs; read anyway after the sweep,
    // it fails part-way, as every large replay did before blobs were retired.
    WitnessApi api = WitnessApi.of(url);
    String id = liveRecording(api);
    JsonNode expected = api.events(id);
    List<String> frames = blobKeys(id);

    RecordingStore.EventStream stream = store.events(id).orElseThrow();
    stream.close();
    store.seal(id);
    assertEquals(frames.size(), retired.sweep(Duration.ZERO, 1000), "unheld, the sealed-away blobs go at once");
    assertThrows(Exception.class, () -> read(stream), "the chunks it listed are gone");
    assertSameEvents(expected, api.events(id), "a new replay reads the sealed stream");
  }

  /** A live session of the corpus, stored as one frame per batch; its recording id. */
  private String liveRecording(WitnessApi api) {
    String sessionId = Batches.newSessionId();
    for (byte[] batch : Batches.split(sessionId, Corpus.events("todomvc-react"), 50)) {
      api.ingest(batch, true).assertStatus(200);
    }
    String id = store.liveRecordingId("demo", sessionId).orElseThrow();
    api.getJson("/api/v1/recordings/" + id); // waits until the answered batches are stored
    return id;
  }

  private static JsonNode read(RecordingStore.EventStream stream) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stream.writeTo(out);
    return WitnessApi.JSON.readTree(out.toByteArray());
  }

  private List<String> blobKeys(String recordingId) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select blob_key from recording_chunks where recording_id = ?")) {
      s.setString(1, recordingId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  /** How many of {@code keys} the blob table still holds. */
  private long existing(List<String> keys) {
    long n = 0;
    for (String k : keys) {
      n += count("select count(*) from blobs where blob_key = ?", k);
    }
    return n;
  }

  private long count(String sql, String parameter) {
    return TableCounts.count(dataSource, sql, parameter);
  }
}
