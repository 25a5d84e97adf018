package io.witness.appliance.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.subject.ErasureService;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PII detector's quarantine action (issue 6), on the real appliance and database: what it finds is redacted in
 * the stored events, the values are sealed in an incident (one per batch, never a card number), an admin lists
 * (no values) and purges it (audited), and erasing the visitor deletes it.
 */
@ExtendWith(ArquillianExtension.class)
class IncidentIT {
  static final String SECRET_MAIL = "jane.quarantine@example.com";
  static final String CARD = "4111 1111 1111 1111";

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  @Inject RecordingStore store;
  @Inject PiiIncidents incidents;
  @Inject ErasureService erasure;
  WitnessApi api;

  @BeforeEach
  void quarantinePolicy() {
    api = WitnessApi.of(url);
    putPolicy("pii: { action: quarantine }").assertStatus(200);
  }

  @AfterEach
  void defaultPolicy() {
    // Back to the defaults, as a new version: other tests expect them.
    putPolicy("{}").assertStatus(200);
  }

  @Test
  void liveBatch_redactedAndSealedInOneIncident_listedWithoutValues_purgedOnce() throws Exception {
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    String session = Batches.newSessionId();
    byte[] batch = Batches.withVisitor(Batches.envelope(session, 0, page("Write to " + SECRET_MAIL + " or pay with " + CARD)),
        visitor);
    api.ingest(batch, true, receipt).assertStatus(200);
    api.ingest(batch, true, receipt).assertStatus(200); // a retry raises no second incident

    String recording = store.liveRecordingId("demo", session).orElseThrow();
    String events = api.events(recording).toString();
    assertFalse(events.contains(SECRET_MAIL) || events.contains("4111"), events);
    assertTrue(events.contains("[email]") && events.contains("[card]"), events);

    JsonNode open = api.getJson("/api/v1/incidents?site=demo&status=open");
    List<JsonNode> mine = items(open, session);
    assertEquals(1, mine.size(), open.toString());
    JsonNode incident = mine.get(0);
    assertEquals(Map.of("email", 1), WitnessApi.JSON.convertValue(incident.path("kinds"), Map.class));
    assertEquals(1, incident.path("valueCount").asInt());
    assertTrue(incident.path("valuesSealed").asBoolean());
    assertFalse(open.toString().contains(SECRET_MAIL), "the list never shows a value");
    String id = incident.path("id").asText();

    assertEquals(List.of(Map.of("kind", "email", "value", SECRET_MAIL)), incidents.openValues("demo", id),
        "the value is kept, sealed under the visitor's key; the card number is not kept at all");
    byte[] sealed = sealedValues(id).orElseThrow();
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(SECRET_MAIL), "stored encrypted");

    Reply purged = post("/api/v1/incidents/" + id + "/purge?site=demo", "{\"note\":\"reviewed: a test address\"}")
        .assertStatus(200);
    assertEquals("purged", purged.json().path("status").asText());
    assertFalse(purged.json().path("valuesSealed").asBoolean());
    assertEquals(Optional.empty(), sealedValues(id), "the sealed values are deleted");
    post("/api/v1/incidents/" + id + "/purge?site=demo", "{}").assertProblem(409, "conflict");
    post("/api/v1/incidents/no-such-id/purge?site=demo", "{}").assertProblem(404, "not-found");
    post("/api/v1/incidents/" + id + "/purge?site=demo", "{\"note\":\"" + "x".repeat(1001) + "\"}")
        .assertProblem(400, "validation");
    JsonNode audited = api.getJson("/api/v1/audit/entries?action=incident.purge&resource="
        + WitnessApi.encode("pii-incident:" + id));
    assertEquals(1, audited.path("items").size(), audited.toString());
  }

  @Test
  void erasingTheVisitor_deletesItsIncidents() {
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    String session = Batches.newSessionId();
    api.ingest(Batches.withVisitor(Batches.envelope(session, 0, page("Call me at +1 415 555 0100")), visitor), true,
        receipt).assertStatus(200);
    assertEquals(1, items(api.getJson("/api/v1/incidents?site=demo&status=all"), session).size());
    erasure.eraseVisitor("demo", visitor, "IncidentIT");
    assertEquals(0, items(api.getJson("/api/v1/incidents?site=demo&status=all"), session).size());
  }

  @Test
  void importUnderQuarantine_raisesTheRecordingsIncident() throws Exception {
    byte[] body = WitnessApi.JSON.writeValueAsBytes(page("Fax the form to " + SECRET_MAIL));
    String recording = api.importRecording(body, false).assertStatus(201).json().path("id").asText();
    assertFalse(api.events(recording).toString().contains(SECRET_MAIL));
    List<JsonNode> mine = items(api.getJson("/api/v1/incidents?site=demo"), recording);
    assertEquals(1, mine.size(), "one incident, named by the recording id");
    assertEquals(List.of(Map.of("kind", "email", "value", SECRET_MAIL)),
        incidents.openValues("demo", mine.get(0).path("id").asText()));
  }

  @Test
  void defaultPolicy_redactsWithoutAnIncident() {
    putPolicy("{}").assertStatus(200);
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    String session = Batches.newSessionId();
    api.ingest(Batches.withVisitor(Batches.envelope(session, 0, page("Write to " + SECRET_MAIL)), visitor), true, receipt)
        .assertStatus(200);
    assertEquals(0, items(api.getJson("/api/v1/incidents?site=demo&status=all"), session).size());
  }

  /** A page (Meta + full snapshot) whose only text is {@code text}. */
  private static JsonNode page(String text) {
    try {
      return WitnessApi.JSON.readTree("""
          [{"type":4,"timestamp":1700000000000,"data":{"href":"https://bank.example/contact","width":800,"height":600}},
           {"type":2,"timestamp":1700000000100,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,
             "tagName":"html","attributes":{},"childNodes":[{"type":2,"id":3,"tagName":"body","attributes":{},
             "childNodes":[{"type":2,"id":4,"tagName":"p","attributes":{},"childNodes":[{"type":3,"id":5,
             "textContent":%s}]}]}]}]},"initialOffset":{"left":0,"top":0}}},
           {"type":3,"timestamp":1700000001000,"data":{"source":2,"type":2,"id":4,"x":10,"y":10}}]"""
          .formatted(WitnessApi.quote(text)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonNode> items(JsonNode list, String session) {
    List<JsonNode> out = new java.util.ArrayList<>();
    list.path("items").forEach(i -> {
      if (i.path("sessionId").asText().equals(session)) {
        out.add(i);
      }
    });
    return out;
  }

  private Optional<byte[]> sealedValues(String id) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select values_sealed from pii_incidents where id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next(), "incident " + id + " is stored");
        return Optional.ofNullable(r.getBytes(1));
      }
    }
  }

  private Reply post(String path, String json) {
    return api.send(api.authorized(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private Reply putPolicy(String yaml) {
    return api.send(api.authorized("/api/v1/sites/demo/policy").header("Content-Type", "application/yaml")
        .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build());
  }
}
