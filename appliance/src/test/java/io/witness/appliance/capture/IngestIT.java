package io.witness.appliance.capture;

import static io.witness.appliance.testing.EventAssertions.assertAdmittedEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The capture contract end to end: SDK-style batches of a real recorded session (shared corpus) go in through
 * {@code POST /ingest/v1/batches}, and the replay API gives back exactly the same events, in order, with facts
 * that match the session's ground truth ({@code meta.json}).
 */
@ExtendWith(ArquillianExtension.class)
class IngestIT {
  static final String SESSION = "todomvc-react";
  static final int PER_BATCH = 50;

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject RecordingStore store;
  @Inject io.witness.appliance.recording.LiveBatchStore liveBatches;
  @Inject @jakarta.inject.Named("witness") javax.sql.DataSource dataSource;

  @Test
  void batches_plainAndGzip_replayTheSameEventsWithGroundTruthFacts() {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    JsonNode meta = Corpus.meta(SESSION);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, events, PER_BATCH);
    for (int seq = 0; seq < batches.size(); seq++) {
      JsonNode answer = api.ingest(batches.get(seq), seq % 2 == 1).assertStatus(200).json();
      assertEquals(sessionId, answer.path("sessionId").asText());
      assertEquals(seq, answer.path("seq").asInt());
      assertFalse(answer.path("duplicate").asBoolean(true), "first delivery is not a duplicate");
    }
    String id = recordingOf(sessionId);

    assertAdmittedEvents(events, api.events(id), "replayed events");
    JsonNode detail = api.getJson("/api/v1/recordings/" + id);
    assertEquals("live", detail.path("source").asText());
    assertEquals(meta.path("eventCount").asLong(), detail.path("eventCount").asLong());
    assertEquals(meta.path("durationMs").asLong(), detail.path("durationMs").asLong());
    assertEquals(Instant.parse(meta.path("startedAt").asText()),
        Instant.parse(detail.path("startedAt").asText()));
    assertEquals(meta.path("startUrl").asText(), detail.path("firstUrl").asText());
    assertGroundTruthFacts(meta, events, detail);

    // The list shows it too, under a time range around its start. (Helidon 4.2.0 refuses an unencoded ':' in
    // a query with an empty 400, helidon-io/helidon#10084: clients must percent-encode the instants.)
    long first = meta.path("firstEventTs").asLong();
    String window = "from=" + WitnessApi.encode(Instant.ofEpochMilli(first).toString())
        + "&to=" + WitnessApi.encode(Instant.ofEpochMilli(first + 1).toString());
    assertTrue(api.listAll(window, 50).stream().anyMatch(r -> r.path("id").asText().equals(id)),
        "the recording is listed");
  }

  @Test
  void batches_arrivingOutOfOrder_replayInSeqOrder() throws java.io.IOException {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, events, PER_BATCH);
    int[] arrival = {2, 0, 5, 3, 1, 4};
    assertEquals(arrival.length, batches.size(), "batches of the session");
    for (int seq : arrival) {
      api.ingest(batches.get(seq), true).assertStatus(200);
    }
    String id = recordingOf(sessionId);
    List<JsonNode> bySeq = new java.util.ArrayList<>();
    for (byte[] b : batches) {
      bySeq.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(b).path("events"));
    }
    // Batch 2 arrives first: until batch 0's full snapshot the server cannot place nodes, so it masks more.
    JsonNode expected = io.witness.appliance.testing.EventAssertions.admittedInArrivalOrder(bySeq, arrival);
    assertFalse(expected.equals(io.witness.appliance.testing.EventAssertions.admitted(events)),
        "control: arriving out of order changes what is masked");
    io.witness.appliance.testing.EventAssertions.assertSameEvents(expected, api.events(id),
        "events of out-of-order batches");
    JsonNode detail = api.getJson("/api/v1/recordings/" + id);
    assertEquals(events.size(), detail.path("eventCount").asInt());
    assertEquals(Corpus.meta(SESSION).path("durationMs").asLong(), detail.path("durationMs").asLong());
  }

  @Test
  void seal_keepsTheEventsAndShrinksStorage() {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    String sessionId = Batches.newSessionId();
    for (byte[] batch : Batches.split(sessionId, events, PER_BATCH)) {
      api.ingest(batch, true).assertStatus(200);
    }
    String id = recordingOf(sessionId);
    long before = api.getJson("/api/v1/recordings/" + id).path("storedBytes").asLong();

    store.seal(id);
    store.seal(id); // idempotent

    JsonNode sealed = api.getJson("/api/v1/recordings/" + id);
    long after = sealed.path("storedBytes").asLong();
    assertTrue(after > 0 && after < before, "stored bytes shrink on sealing: " + before + " -> " + after);
    assertEquals(events.size(), sealed.path("eventCount").asInt());
    assertAdmittedEvents(events, api.events(id), "events after sealing");
  }

  /**
   * A live session's aged frames become segments of its stream while it goes on: two compactions and one frame
   * after them replay as the whole session, a retried batch is still a duplicate, the segments cost less than the
   * frames, and sealing makes one stream of it all.
   */
  @Test
  void compact_turnsALiveSessionsFramesIntoSegments_andSealingMakesOneStream() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, events, PER_BATCH);
    assertEquals(6, batches.size(), "batches of the session");
    for (int seq = 0; seq < 3; seq++) {
      api.ingest(batches.get(seq), true).assertStatus(200);
    }
    String id = recordingOf(sessionId);
    api.getJson("/api/v1/recordings/" + id); // waits until the answered batches are stored
    assertTrue(agedFrames().contains(id), "frames listed for compaction");
    assertFalse(agedFrames().contains(id), "taken off the list");
    long frames = api.getJson("/api/v1/recordings/" + id).path("storedBytes").asLong();
    RecordingStore.EventStream readBefore = store.storedLiveEvents("demo", sessionId).orElseThrow();
    long saved = store.compact(id);
    java.io.ByteArrayOutputStream afterCompaction = new java.io.ByteArrayOutputStream();
    readBefore.writeTo(afterCompaction); // its chunks were replaced meanwhile (the DOM index rebuild's read)
    assertEquals(api.events(id), WitnessApi.JSON.readTree(afterCompaction.toByteArray()),
        "a stored-events read taken before a compaction still reads the session");
    assertTrue(saved > 0, "the segment is smaller than its frames: saved " + saved + " of " + frames);
    assertEquals(frames - saved, api.getJson("/api/v1/recordings/" + id).path("storedBytes").asLong());
    assertEquals(0, store.compact(id), "nothing left to compact");

    api.ingest(batches.get(3), true).assertStatus(200);
    api.ingest(batches.get(4), true).assertStatus(200);
    api.getJson("/api/v1/recordings/" + id);
    assertTrue(agedFrames().contains(id), "a new frame lists it again");
    assertTrue(store.compact(id) > 0, "second segment");
    api.ingest(batches.get(5), true).assertStatus(200);
    assertTrue(api.ingest(batches.get(1), false).json().path("duplicate").asBoolean(),
        "a batch compacted into a segment is still recognised when retried");
    api.getJson("/api/v1/recordings/" + id);

    assertEquals(List.of("stream 0", "stream 1", "batch 5"), chunkKinds(id));
    assertAdmittedEvents(events, api.events(id), "events of two segments and a frame");
    JsonNode live = api.getJson("/api/v1/recordings/" + id);
    assertEquals(events.size(), live.path("eventCount").asInt());

    store.seal(id);
    assertEquals(List.of("stream 0"), chunkKinds(id), "sealed: one stream");
    assertAdmittedEvents(events, api.events(id), "events after sealing");
    assertEquals(0, store.compact(id), "a sealed recording is not compacted");
  }

  /** Every recording with frames to compact, whatever their age. */
  private List<String> agedFrames() {
    return liveBatches.agedFrames(java.time.Duration.ZERO, Integer.MAX_VALUE);
  }

  /** The recording's chunks in reading order, as "kind streamNo". */
  private List<String> chunkKinds(String id) throws java.sql.SQLException {
    List<String> kinds = new ArrayList<>();
    try (var c = dataSource.getConnection();
        var s = c.prepareStatement("select kind, stream_no from recording_chunks where recording_id = ?"
            + " order by case when kind = 'stream' then 0 else 1 end, stream_no, chunk_no")) {
      s.setString(1, id);
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          String k = rs.getString(1) + " " + rs.getInt(2);
          if (kinds.isEmpty() || !kinds.get(kinds.size() - 1).equals(k)) {
            kinds.add(k);
          }
        }
      }
    }
    return kinds;
  }

  @Test
  void duplicateBatch_isAcknowledgedAndStoredOnce() {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events(SESSION);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, events, PER_BATCH);
    api.ingest(batches.get(0), true).assertStatus(200);
    Reply again = api.ingest(batches.get(0), false).assertStatus(200);
    assertTrue(again.json().path("duplicate").asBoolean(), "a retried batch is reported as duplicate: " + again);
    api.ingest(batches.get(1), true).assertStatus(200);
    assertTrue(api.ingest(batches.get(1), true).json().path("duplicate").asBoolean());

    String id = recordingOf(sessionId);
    List<JsonNode> expected = new ArrayList<>();
    events.forEach(e -> {
      if (expected.size() < 2 * PER_BATCH) {
        expected.add(e);
      }
    });
    assertAdmittedEvents(WitnessApi.JSON.valueToTree(expected), api.events(id), "events of duplicated batches");
    assertEquals(2 * PER_BATCH, api.getJson("/api/v1/recordings/" + id).path("eventCount").asInt());
  }

  /**
   * Capture protocol v2: the shared fixture of packed nodes (as the SDK packs them) is stored exactly as the same
   * events sent unpacked in a v1 batch.
   */
  @Test
  void packedBatch_isStoredAsItsRrwebEvents() throws java.io.IOException {
    WitnessApi api = WitnessApi.of(url);
    var packed = (com.fasterxml.jackson.databind.node.ObjectNode) WitnessApi.JSON.readTree(
        ProtocolFixturesIT.fixtures().resolve("valid-packed-nodes.json").toFile());
    String packedSession = Batches.newSessionId();
    packed.put("sessionId", packedSession);
    api.ingest(WitnessApi.JSON.writeValueAsBytes(packed), true).assertStatus(200);
    String plainSession = Batches.newSessionId();
    JsonNode rrweb = WitnessApi.JSON.readTree(
        ProtocolFixturesIT.fixtures().resolve("packing/rrweb-events.json").toFile());
    api.ingest(Batches.envelope(plainSession, 0, rrweb), true).assertStatus(200);
    JsonNode fromPacked = api.events(recordingOf(packedSession));
    assertEquals(rrweb.size(), fromPacked.size());
    assertEquals(api.events(recordingOf(plainSession)), fromPacked);
    assertEquals("Hello, ünïcode 😀",
        fromPacked.get(1).at("/data/node/childNodes/1/childNodes/1/childNodes/3/childNodes/0/textContent").asText());
  }

  @Test
  void batch_withContentEncodingIdentity_isAccepted() {
    WitnessApi api = WitnessApi.of(url);
    String sessionId = Batches.newSessionId();
    byte[] batch = Batches.split(sessionId, Corpus.events(SESSION), PER_BATCH).get(0);
    api.send(api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, api.demoSiteKey())
        .header(WitnessApi.CONSENT_HEADER, api.demoConsent()).header("Content-Type", "application/json; charset=utf-8").header("Content-Encoding", "identity")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(batch)).build()).assertStatus(200);
    assertEquals(PER_BATCH, api.getJson("/api/v1/recordings/" + recordingOf(sessionId)).path("eventCount").asInt());
  }

  @Test
  void batch_withTheMaximumOf20000Events_isAccepted() {
    WitnessApi api = WitnessApi.of(url);
    String sessionId = Batches.newSessionId();
    com.fasterxml.jackson.databind.node.ArrayNode events = WitnessApi.JSON.createArrayNode();
    for (int i = 0; i < 20_000; i++) {
      events.addObject().put("type", 3).put("timestamp", 1795433480496L + i).putObject("data").put("source", 1);
    }
    api.ingest(Batches.envelope(sessionId, 0, events), true).assertStatus(200);
    assertEquals(20_000, api.getJson("/api/v1/recordings/" + recordingOf(sessionId)).path("eventCount").asInt());
  }

  @Test
  void batchesInQuickSuccession_leaveTheSealersIndexedTimestampAlone() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String sessionId = Batches.newSessionId();
    List<byte[]> batches = Batches.split(sessionId, Corpus.events(SESSION), PER_BATCH);
    api.ingest(batches.get(0), false).assertStatus(200);
    String id = recordingOf(sessionId);
    java.time.OffsetDateTime first = lastBatchAt(id);
    Thread.sleep(20);
    api.ingest(batches.get(1), false).assertStatus(200);
    api.ingest(batches.get(2), true).assertStatus(200);
    // Default idle time 1800 s: the timestamp moves only once it is 60 s old, so the index entry stays put.
    assertEquals(first, lastBatchAt(id));
    assertEquals(3L * PER_BATCH, api.getJson("/api/v1/recordings/" + id).path("eventCount").asLong());
    assertFalse(store.idleLiveRecordings(java.time.Duration.ofMinutes(30), 10_000).contains(id));
    assertTrue(store.idleLiveRecordings(java.time.Duration.ZERO, 10_000).contains(id));
  }

  private java.time.OffsetDateTime lastBatchAt(String id) throws java.sql.SQLException {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.PreparedStatement s = c.prepareStatement("select last_batch_at from recordings where id = ?")) {
      s.setString(1, id);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next());
        return rs.getObject(1, java.time.OffsetDateTime.class);
      }
    }
  }

  @Test
  void stylesheets_sentOnceThenByReference_areStoredInFull_andUnknownReferencesAre409() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    JsonNode events = Corpus.events("sb-admin-tables-charts");
    String first = Batches.newSessionId();
    byte[] inline = Batches.split(first, events, PER_BATCH).get(0);
    JsonNode answer = api.ingest(inline, true).assertStatus(200).json();
    List<String> held = new ArrayList<>();
    answer.path("stylesheets").forEach(h -> held.add(h.asText()));
    assertFalse(held.isEmpty(), "the answer names the stylesheets the appliance now holds: " + answer);
    JsonNode policy = api.getJson("/consent/v1/sites/" + api.demoSiteKey() + "/policy");
    for (String h : held) {
      assertTrue(policy.path("stylesheets").toString().contains(h), "the browser's policy names them: " + policy);
    }

    // Another visitor's first batch of the same page, its stylesheets sent as references.
    String second = Batches.newSessionId();
    String json = new String(Batches.split(second, events, PER_BATCH).get(0), java.nio.charset.StandardCharsets.UTF_8);
    String referenced = json;
    Matcher m = Pattern.compile("\"_cssText\":(\"(?:[^\"\\\\]++|\\\\.)*+\")").matcher(json);
    while (m.find()) {
      String text = WitnessApi.JSON.readValue(m.group(1), String.class);
      String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      if (held.contains(hash)) {
        referenced = referenced.replace(m.group(), "\"_cssText\":\"\",\"rr_css\":\"" + hash + "\"");
      }
    }
    assertTrue(referenced.length() < json.length() * 0.7, "the stylesheets are a large part of the first batch: "
        + json.length() + " -> " + referenced.length());
    api.ingest(referenced.getBytes(java.nio.charset.StandardCharsets.UTF_8), true).assertStatus(200);
    assertEquals(api.events(recordingOf(first)).toString(), api.events(recordingOf(second)).toString(),
        "stored and replayed as if sent inline");

    // A reference the appliance does not hold: 409, nothing stored; the SDK then sends the batch inline.
    String third = Batches.newSessionId();
    String unknown = new String(Batches.split(third, events, PER_BATCH).get(0), java.nio.charset.StandardCharsets.UTF_8)
        .replaceFirst("\"_cssText\":\"(?:[^\"\\\\]++|\\\\.)*+\"",
            "\"_cssText\":\"\",\"rr_css\":\"" + "0".repeat(64) + "\"");
    api.ingest(unknown.getBytes(java.nio.charset.StandardCharsets.UTF_8), true).assertProblem(409, "stylesheet-unknown");
    assertTrue(store.liveRecordingId("demo", third).isEmpty(), "nothing stored for the refused batch");
  }

  private String recordingOf(String sessionId) {
    return store.liveRecordingId("demo", sessionId)
        .orElseThrow(() -> new AssertionError("no recording for session " + sessionId));
  }

  /**
   * Facts against what the corpus says happened: one page per Meta event (a navigation), the single console
   * error 'boom', one click per rrweb click event, and clicks on elements with an id named by that id.
   */
  static void assertGroundTruthFacts(JsonNode meta, JsonNode events, JsonNode detail) {
    long metaEvents = count(events, e -> e.path("type").asInt() == 4);
    long clickEvents = count(events, e -> e.path("type").asInt() == 3 && e.path("data").path("source").asInt() == 2
        && e.path("data").path("type").asInt() == 2);
    long navigations = count(meta.path("actions"), a -> a.path("type").asText().equals("navigate"));
    assertEquals(metaEvents, detail.path("pageCount").asInt(), "pages = Meta events");
    assertEquals(navigations, detail.path("pages").size(), "pages = navigations of the script");
    assertEquals(meta.path("urls").get(0).asText(), detail.path("pages").get(0).path("url").asText());
    assertEquals(1, detail.path("errorCount").asInt(), "one console error");
    assertTrue(detail.path("errors").get(0).path("message").asText().contains("boom"),
        "the error is 'boom': " + detail.path("errors"));
    assertEquals(clickEvents, detail.path("clickCount").asInt(), "clicks = rrweb click events");
    assertEquals(clickEvents, detail.path("clicks").size());
    long scriptedClicks = count(meta.path("actions"), a -> a.path("type").asText().endsWith("click"));
    assertTrue(clickEvents >= scriptedClicks, "at least one click per scripted click action");

    Pattern idSelector = Pattern.compile("^#([A-Za-z][\\w-]*)");
    int checked = 0;
    for (JsonNode action : meta.path("actions")) {
      Matcher m = idSelector.matcher(action.path("selector").asText());
      if (!action.path("type").asText().equals("click") || !m.find()) {
        continue;
      }
      JsonNode nearest = nearestClick(detail.path("clicks"), action.path("offsetMs").asLong());
      assertTrue(nearest.path("selector").asText().contains("#" + m.group(1)),
          "the click at " + action.path("offsetMs") + " ms on " + action.path("selector") + " is named by its id: "
              + nearest);
      checked++;
    }
    assertTrue(checked >= 3, "clicks on elements with an id checked: " + checked);
    JsonNode last = detail.path("viewports").get(detail.path("viewports").size() - 1);
    JsonNode lastTruth = meta.path("viewports").get(meta.path("viewports").size() - 1);
    assertEquals(lastTruth.path("width").asInt(), last.path("width").asInt(), "the resize is a viewport fact");
  }

  private static JsonNode nearestClick(JsonNode clicks, long t) {
    JsonNode best = null;
    for (JsonNode c : clicks) {
      if (best == null || Math.abs(c.path("t").asLong() - t) < Math.abs(best.path("t").asLong() - t)) {
        best = c;
      }
    }
    if (best == null || Math.abs(best.path("t").asLong() - t) > 2_000) {
      throw new AssertionError("no click near " + t + " ms: " + clicks);
    }
    return best;
  }

  private static long count(JsonNode array, java.util.function.Predicate<JsonNode> p) {
    long n = 0;
    for (JsonNode e : array) {
      if (p.test(e)) {
        n++;
      }
    }
    return n;
  }
}
