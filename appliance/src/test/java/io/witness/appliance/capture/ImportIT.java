package io.witness.appliance.capture;

import static io.witness.appliance.testing.EventAssertions.assertAdmittedEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Import of every real recording of the shared corpus: {@code POST /api/v1/recordings} answers 201 with the
 * new id and its Location, and the events come back exactly as imported. Sessions stored as
 * {@code events.json.gz} are sent as they are with {@code Content-Encoding: gzip}; every other plain session
 * is gzip-compressed by the test, so both paths run.
 */
@ExtendWith(ArquillianExtension.class)
class ImportIT {

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;

  static List<String> sessions() {
    List<String> sessions = Corpus.sessions();
    assertEquals(12, sessions.size(), "sessions in the shared corpus " + Corpus.dir());
    return sessions;
  }

  @ParameterizedTest
  @MethodSource("sessions")
  void corpusSession_importsAndRoundTrips(String session) throws IOException {
    WitnessApi api = WitnessApi.of(url);
    Path file = Corpus.eventsFile(session);
    byte[] stored = Files.readAllBytes(file);
    boolean storedGzip = file.toString().endsWith(".gz");
    boolean sendGzip = storedGzip || Math.floorMod(session.hashCode(), 2) == 0;
    byte[] body = storedGzip || !sendGzip ? stored : WitnessApi.gzip(stored);

    Reply created = api.importRecording(body, sendGzip).assertStatus(201);
    String id = created.json().path("id").asText();
    assertTrue(id.matches("[0-9a-f-]{36}"), "an id: " + created);
    String location = created.header("Location").orElseThrow(() -> new AssertionError("no Location header"));
    assertTrue(location.endsWith("/api/v1/recordings/" + id), "Location " + location);
    assertEquals(id, api.getJson(java.net.URI.create(location).getPath()).path("id").asText());

    JsonNode original = Corpus.events(session);
    JsonNode all = api.events(id);
    assertAdmittedEvents(original, all, session);

    // Pages by position, as the console asks for them: the first 64 events, then the rest.
    JsonNode head = api.getJson("/api/v1/recordings/" + id + "/events?limit=64");
    JsonNode rest = api.getJson("/api/v1/recordings/" + id + "/events?offset=64");
    assertEquals(Math.min(64, all.size()), head.size(), "first page");
    assertEquals(all.size() - head.size(), rest.size(), "the rest");
    for (int i = 0; i < all.size(); i++) {
      assertEquals(all.get(i), i < head.size() ? head.get(i) : rest.get(i - head.size()), "event " + i);
    }
    assertEquals(all.get(all.size() - 1),
        api.getJson("/api/v1/recordings/" + id + "/events?offset=" + (all.size() - 1) + "&limit=5").get(0));

    JsonNode meta = Corpus.meta(session);
    JsonNode detail = api.getJson("/api/v1/recordings/" + id);
    assertEquals("import", detail.path("source").asText());
    assertEquals(meta.path("eventCount").asLong(), detail.path("eventCount").asLong(), "events");
    assertEquals(meta.path("durationMs").asLong(), detail.path("durationMs").asLong(), "duration");
    assertEquals(meta.path("eventsByType").path("4").asInt(), detail.path("pageCount").asInt(), "pages");
    assertEquals(1, detail.path("errorCount").asInt(), "the one console error");
    assertTrue(detail.path("errors").get(0).path("message").asText().contains("boom"), "'boom'");
    assertTrue(detail.path("clickCount").asInt() > 0, "clicks");
    assertTrue(detail.path("storedBytes").asLong() < detail.path("rawBytes").asLong() / 4,
        "stored compressed: " + detail.path("storedBytes") + " of " + detail.path("rawBytes"));
  }
}
