package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import io.witness.appliance.site.SiteService;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recorded content is encrypted at rest: text typed into a recorded page (a marker) is found nowhere in the
 * embedded database's file (H2) or in any stored blob (PostgreSQL), although it is there in the clear in a zstd
 * frame of the same events (the scan would find plaintext); a chunk altered in the database is refused with an
 * integrity problem, never replayed in part; after its subject's key is destroyed the recording answers 410.
 */
@ExtendWith(ArquillianExtension.class)
class EncryptionAtRestIT {
  static final String SESSION = "todomvc-vanillajs";
  static Path dataDir;

  @Deployment(testable = false)
  static JavaArchive deployment() throws IOException {
    dataDir = Files.createTempDirectory(Path.of("target"), "encryption-at-rest-it-");
    return Deployments.appliance(Map.of("witness.data-dir", dataDir.toString()));
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  @Inject KeyService keys;
  @Inject io.witness.appliance.recording.RecordingStore store;

  /** The corpus session with one mutation appended that adds a text node holding {@code marker}. */
  static JsonNode eventsWithMarker(String marker) {
    ArrayNode events = ((ArrayNode) Corpus.events(SESSION)).deepCopy();
    JsonNode last = events.get(events.size() - 1);
    ObjectNode mutation = WitnessApi.JSON.createObjectNode().put("type", 3)
        .put("timestamp", last.path("timestamp").asLong() + 10);
    ObjectNode data = mutation.putObject("data").put("source", 0);
    data.putArray("texts");
    data.putArray("attributes");
    data.putArray("removes");
    ObjectNode add = data.putArray("adds").addObject().put("parentId", 1).putNull("nextId");
    add.putObject("node").put("type", 3).put("id", 987_654).put("textContent", "typed: " + marker);
    events.add(mutation);
    return events;
  }

  @Test
  void content_isNowhereInTheClear_tamperingIsRefused_andErasureAnswersGone() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String liveMarker = "LIVEMARKER" + UUID.randomUUID().toString().replace("-", "");
    String importMarker = "IMPORTMARKER" + UUID.randomUUID().toString().replace("-", "");

    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, eventsWithMarker(liveMarker), 40);
    for (int seq = 0; seq < batches.size(); seq++) {
      api.ingest(batches.get(seq), true).assertStatus(200);
    }
    byte[] imported = eventsWithMarker(importMarker).toString().getBytes(StandardCharsets.UTF_8);
    String importId = api.importRecording(imported, false).assertStatus(201).json().path("id").asText();
    // Both replay whole (this read also waits until the live batches are stored).
    assertTrue(api.get("/api/v1/recordings/" + importId + "/events").assertStatus(200).text().contains(importMarker));
    String liveId = recordingOfSession(sessionId);
    assertTrue(api.get("/api/v1/recordings/" + liveId + "/events").assertStatus(200).text().contains(liveMarker));

    // The scan reads text in the clear and inside every zstd frame it finds (compressed text is not greppable).
    byte[] control = ("xx" + new String(Zstd.compress(imported, 3), StandardCharsets.ISO_8859_1))
        .getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(holds(control, importMarker), "control: the scan finds the marker in a zstd frame");

    List<byte[]> stored = blobs();
    assertFalse(stored.isEmpty());
    for (byte[] blob : stored) {
      assertFalse(holds(blob, liveMarker) || holds(blob, importMarker), "a stored blob holds a marker");
    }
    java.util.Optional<Path> h2 = io.witness.appliance.testing.StoredFiles.h2File(dataSource);
    if (h2.isPresent()) {
      byte[] file = Files.readAllBytes(h2.get());
      assertFalse(holds(file, liveMarker), "the H2 file holds the live marker");
      assertFalse(holds(file, importMarker), "the H2 file holds the import marker");
    }

    // A chunk changed in the database: an integrity problem, and no event of the recording is sent.
    flipAByteOfAChunk(importId);
    Reply tampered = api.get("/api/v1/recordings/" + importId + "/events");
    assertEquals(500, tampered.status(), tampered.text());
    assertTrue(tampered.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertTrue(tampered.json().path("type").asText().endsWith("/integrity"), tampered.text());
    assertFalse(tampered.text().contains(importMarker));

    // Erasure by key destruction: a session from an SDK that sends no visitor id is its own subject.
    List<String> destroyed = keys.destroySubjects(SiteService.DEMO_SITE_ID,
        java.util.Set.of(keys.blindIndex(SiteService.DEMO_SITE_ID, KeyService.SESSION, sessionId)));
    assertEquals(1, destroyed.size());
    Reply gone = api.get("/api/v1/recordings/" + liveId + "/events");
    assertEquals(410, gone.status(), gone.text());
    assertTrue(gone.json().path("type").asText().endsWith("/gone"), gone.text());
  }

  private String recordingOfSession(String sessionId) {
    return store.liveRecordingId(SiteService.DEMO_SITE_ID, sessionId)
        .orElseThrow(() -> new AssertionError("no recording for session " + sessionId));
  }


  private List<byte[]> blobs() throws Exception {
    List<byte[]> all = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("select data from blobs");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.add(rs.getBytes(1));
      }
    }
    return all;
  }

  private void flipAByteOfAChunk(String recordingId) throws Exception {
    try (Connection c = dataSource.getConnection();
         PreparedStatement read = c.prepareStatement("select b.blob_key, b.data from blobs b join recording_chunks k"
             + " on k.blob_key = b.blob_key where k.recording_id = ? order by k.chunk_no")) {
      read.setString(1, recordingId);
      try (ResultSet rs = read.executeQuery()) {
        assertTrue(rs.next(), "the recording has a chunk");
        byte[] data = rs.getBytes(2);
        data[data.length / 2] ^= 0x01;
        try (PreparedStatement write = c.prepareStatement("update blobs set data = ? where blob_key = ?")) {
          write.setBytes(1, data);
          write.setString(2, rs.getString(1));
          assertEquals(1, write.executeUpdate());
        }
      }
    }
  }

  /** True if {@code needle} is in {@code bytes} in the clear, or in what any zstd frame inside them decompresses to. */
  static boolean holds(byte[] bytes, String needle) throws IOException {
    if (contains(bytes, needle)) {
      return true;
    }
    for (int i = 0; i + 4 <= bytes.length; i++) {
      if ((bytes[i] & 0xff) == 0x28 && (bytes[i + 1] & 0xff) == 0xb5 && (bytes[i + 2] & 0xff) == 0x2f
          && (bytes[i + 3] & 0xff) == 0xfd) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var in = new com.github.luben.zstd.ZstdInputStream(
            new java.io.ByteArrayInputStream(bytes, i, bytes.length - i))) {
          byte[] buffer = new byte[64 << 10];
          for (int n; out.size() < (64 << 20) && (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
          }
        } catch (IOException notAWholeFrame) {
          // What was decoded before the frame broke off is still searched.
        }
        if (contains(out.toByteArray(), needle)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
