package io.witness.appliance.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consent gating on the server (consent-gateway/docs/consent-protocol.md): the public policy, grants and their
 * receipts, admission of batches and imports (403 and nothing stored without a valid receipt), withdrawal, and
 * the admin's policy API (validation naming the line, versions, audited changes).
 */
@ExtendWith(ArquillianExtension.class)
class ConsentIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  @Inject RecordingStore store;
  @Inject io.witness.appliance.crypto.SigningKeys signing;
  WitnessApi api;

  @BeforeEach
  void client() {
    api = WitnessApi.of(url);
  }

  @Test
  void policy_isPublicForTheBrowser_withoutServerRules() {
    Reply r = get("/consent/v1/sites/" + api.demoSiteKey() + "/policy");
    r.reply.assertStatus(200);
    assertEquals("*", r.reply.header("Access-Control-Allow-Origin").orElse(""));
    JsonNode p = r.reply.json();
    assertEquals("opt-in", p.path("consent").path("mode").asText());
    assertEquals("do-not-record", p.path("consent").path("gpc").asText());
    assertEquals(64, p.path("consent").path("notice").path("sha256").asText().length());
    assertEquals("all", p.path("masking").path("inputs").asText());
    assertTrue(p.path("pii").isMissingNode(), "the PII action is the server's business");
    get("/consent/v1/sites/no-such-key/policy").reply.assertProblem(404, "not-found");
  }

  @Test
  void grantedVisitor_recordsUnderItsConsent() {
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    String session = Batches.newSessionId();
    api.ingest(Batches.withVisitor(Batches.envelope(session, 0, Corpus.events("todomvc-react")), visitor), true, receipt)
        .assertStatus(200);
    JsonNode rec = recordingOf(session);
    String consentId = payload(receipt).path("id").asText();
    assertEquals(consentId, rec.path("consentId").asText());
    assertEquals(payload(receipt).path("pv").asInt(), rec.path("policyVersion").asInt());
    JsonNode audited = api.getJson("/api/v1/audit/entries?action=consent.grant&resource="
        + WitnessApi.encode("consent:" + consentId));
    assertEquals(1, audited.path("items").size(), audited.toString());

    // The ledger shows it, by notice version, and names no visitor.
    JsonNode summary = api.getJson("/api/v1/consents/summary?site=demo");
    assertTrue(summary.path("versions").get(0).path("grants").asLong() >= 1, summary.toString());
    JsonNode records = api.getJson("/api/v1/consents?site=demo&limit=500");
    assertTrue(records.toString().contains(consentId), "the record is listed");
    assertFalse(records.toString().contains(visitor), "no visitor id in the ledger");
  }

  @Test
  void batchOrImport_withoutValidReceipt_is403AndStoresNothing() {
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    byte[] batch = Batches.withVisitor(Batches.envelope(Batches.newSessionId(), 0, Corpus.events("todomvc-react")), visitor);
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
        payload(receipt).toString().replace("\"pv\":", "\"pv\":9").getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + receipt.substring(receipt.indexOf('.'));
    Map<String, Long> before = TableCounts.of(dataSource);
    assertEquals("https://witness.local/problems/consent-required", send(batch, null).assertProblem(403,
        "consent-required").path("type").asText());
    for (String bad : List.of("", "garbage", "a.b", forged, receipt + "x")) {
      send(batch, bad).assertProblem(403, "consent-required");
    }
    // Another visitor's receipt.
    api.ingest(batch, false, api.grantConsent(Batches.newSessionId())).assertProblem(403, "consent-required");
    // The same visitor's receipt, validly signed, but from another site.
    assertEquals(before, TableCounts.of(dataSource), "refused batches store nothing");
    String otherReceipt = api.grantConsent(io.witness.appliance.testing.TestSites.insert(dataSource, "other") + "-key", visitor);
    before = TableCounts.of(dataSource); // the other site's grant stored its policy and consent record
    api.ingest(batch, false, otherReceipt).assertProblem(403, "consent-required");
    api.send(api.authorized("/api/v1/recordings").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Corpus.eventsJson("todomvc-react"))).build())
        .assertProblem(403, "consent-required");
    assertEquals(before, TableCounts.of(dataSource), "refused batches and imports store nothing");
  }

  @Test
  void expiredReceipt_validlySigned_is403AndStoresNothing() {
    String visitor = Batches.newSessionId();
    com.fasterxml.jackson.databind.node.ObjectNode p = (com.fasterxml.jackson.databind.node.ObjectNode)
        payload(api.grantConsent(visitor));
    long now = java.time.Instant.now().getEpochSecond();
    p.put("iat", now - 200 * 86_400L).put("exp", now - 20 * 86_400L); // granted 200 days ago, ran out 20 days ago
    byte[] signed = p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String expired = Receipt.token(signed, signing.sign(signed).signature());
    byte[] batch = Batches.withVisitor(Batches.envelope(Batches.newSessionId(), 0, Corpus.events("todomvc-react")), visitor);
    Map<String, Long> before = TableCounts.of(dataSource);
    JsonNode problem = send(batch, expired).assertProblem(403, "consent-required");
    assertTrue(problem.path("detail").asText().contains("expired"), problem.toString());
    assertEquals(before, TableCounts.of(dataSource), "a batch under an expired receipt stores nothing");
  }

  @Test
  void withdrawal_revokesTheReceiptAtOnce_andIsIdempotent() {
    String visitor = Batches.newSessionId();
    String receipt = api.grantConsent(visitor);
    String session = Batches.newSessionId();
    List<byte[]> batches = Batches.split(session, Corpus.events("todomvc-react"), 40);
    api.ingest(Batches.withVisitor(batches.get(0), visitor), true, receipt).assertStatus(200);
    String recordingId = recordingOf(session).path("id").asText();
    api.get("/api/v1/recordings/" + recordingId + "/events").assertStatus(200);
    String body = "{\"receipt\":" + WitnessApi.quote(receipt) + ",\"visitorId\":" + WitnessApi.quote(visitor)
        + ",\"method\":\"banner:withdraw\"}";
    JsonNode first = api.postJson("/consent/v1/sites/" + api.demoSiteKey() + "/withdrawals", body)
        .assertStatus(200).json();
    assertEquals(payload(receipt).path("id").asText(), first.path("consentId").asText());
    // The default policy erases on withdrawal: the visitor's recording is gone, with a signed certificate.
    assertEquals("done", first.path("erasure").asText(), first.toString());
    api.get("/api/v1/recordings/" + recordingId + "/events").assertProblem(410, "gone");
    api.get("/api/v1/erasures/" + first.path("certificateId").asText()).assertStatus(200);
    api.ingest(Batches.withVisitor(batches.get(1), visitor), true, receipt).assertProblem(403, "consent-required");
    JsonNode again = api.postJson("/consent/v1/sites/" + api.demoSiteKey() + "/withdrawals", body)
        .assertStatus(200).json();
    assertEquals(first.path("withdrawnAt").asText(), again.path("withdrawnAt").asText());
    assertEquals(1, api.getJson("/api/v1/audit/entries?action=consent.withdraw&resource="
        + WitnessApi.encode("consent:" + first.path("consentId").asText())).path("items").size());
  }

  @Test
  void grant_refusedBySignalsOrAStaleNotice() {
    JsonNode policy = get("/consent/v1/sites/" + api.demoSiteKey() + "/policy").reply.json();
    String notice = policy.path("consent").path("notice").path("sha256").asText();
    int version = policy.path("version").asInt();
    grant(version, notice, true, false).assertProblem(403, "consent-required");
    grant(version, notice, false, true).assertProblem(403, "consent-required");
    grant(version, "0".repeat(64), false, false).assertProblem(409, "conflict");
    grant(version + 1, notice, false, false).assertProblem(409, "conflict");
    JsonNode invalid = api.postJson("/consent/v1/sites/" + api.demoSiteKey() + "/receipts",
        "{\"visitorId\":\"short\",\"purposes\":[],\"method\":\"x\"}").assertProblem(400, "validation");
    assertTrue(invalid.toString().contains("visitorId"), invalid.toString());
    grant(version, notice, false, false).assertStatus(201);
  }

  @Test
  void policyApi_validatesNamesTheLine_versionsAndAuditsChanges() {
    JsonNode current = api.getJson("/api/v1/sites/demo/policy");
    int version = current.path("version").asInt();
    JsonNode problem = put("consent:\n  gpc: ignore\nmasking:\n  maskTxt: [\".a\"]\n").assertProblem(400, "validation");
    String violations = problem.path("violations").toString();
    assertTrue(violations.contains("masking.maskTxt") && violations.contains("line 4, column 3")
        && violations.contains("did you mean"), violations);
    api.send(api.authorized("/api/v1/policies/validations").header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString("capture:\n  sampling: 3\n")).build())
        .assertProblem(400, "validation");
    assertTrue(api.send(api.authorized("/api/v1/policies/validations").header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString("capture:\n  deny: [\"/checkout/payment/**\"]\n")).build())
        .assertStatus(200).json().path("valid").asBoolean());

    JsonNode saved = put("consent:\n  gpc: ignore\n").assertStatus(200).json();
    assertEquals(version + 1, saved.path("version").asInt());
    assertEquals(version + 1, api.getJson("/api/v1/sites/demo/policy/versions").get(0).path("version").asInt());
    assertEquals(version, api.getJson("/api/v1/sites/demo/policy/versions/" + version).path("version").asInt());
    JsonNode browser = get("/consent/v1/sites/" + api.demoSiteKey() + "/policy").reply.json();
    assertEquals(version + 1, browser.path("version").asInt());
    assertEquals("ignore", browser.path("consent").path("gpc").asText());
    grant(version + 1, browser.path("consent").path("notice").path("sha256").asText(), true, false).assertStatus(201);
    JsonNode audited = api.getJson("/api/v1/audit/entries?action=policy.change&resource=" + WitnessApi.encode("site:demo"));
    assertFalse(audited.path("items").isEmpty(), audited.toString());
    // Back to the defaults, as a new version: other tests expect them.
    assertEquals(version + 2, put("{}").assertStatus(200).json().path("version").asInt());
  }

  @Test
  void optOutGrant_acceptedOnlyWhereThePolicyMakesTheVisitorsRegionOptOut() {
    JsonNode saved = put("consent:\n  regions:\n    US-CA: opt-out\n").assertStatus(200).json();
    int version = saved.path("version").asInt();
    try {
      JsonNode browser = get("/consent/v1/sites/" + api.demoSiteKey() + "/policy").reply.json();
      assertEquals("opt-out", browser.path("consent").path("regions").path("US-CA").asText(), browser.toString());
      assertEquals("opt-in", browser.path("consent").path("mode").asText());
      String notice = browser.path("consent").path("notice").path("sha256").asText();

      Map<String, Long> before = TableCounts.of(dataSource);
      for (String region : new String[] {"DE", null}) {
        JsonNode refused = grant(version, notice, "opt-out", region).assertProblem(403, "consent-required");
        assertTrue(refused.path("detail").asText().contains("opt-in"), refused.toString());
      }
      assertEquals(before, TableCounts.of(dataSource), "a refused opt-out stores no consent record");

      String consentId = grant(version, notice, "opt-out", "US-CA").assertStatus(201).json().path("consentId").asText();
      JsonNode record = null;
      for (JsonNode r : api.getJson("/api/v1/consents?site=demo&limit=500").path("items")) {
        record = r.path("consentId").asText().equals(consentId) ? r : record;
      }
      assertTrue(record != null, "the ledger lists consent " + consentId);
      assertEquals("opt-out", record.path("method").asText(), record.toString());
      assertEquals("US-CA", record.path("region").asText(), record.toString());
      grant(version, notice, "banner:accept", "DE").assertStatus(201);
    } finally {
      put("{}").assertStatus(200); // back to the defaults, as a new version: other tests expect them
    }
  }

  /** Regression (session 7): the console's first requests for a new site raced to save its default policy (500). */
  @Test
  void policy_firstRequestsOfANewSite_allSucceed() throws Exception {
    String site = io.witness.appliance.testing.TestSites.insert(dataSource, "race");
    List<String> paths = List.of("/api/v1/sites/" + site + "/policy", "/api/v1/sites/" + site + "/policy/versions",
        "/api/v1/sites/" + site + "/policy", "/api/v1/sites/" + site + "/policy/versions");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(paths.size());
    try {
      List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
      for (String path : paths) {
        answers.add(pool.submit(() -> api.get(path).status()));
      }
      for (java.util.concurrent.Future<Integer> a : answers) {
        assertEquals(200, a.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, api.getJson("/api/v1/sites/" + site + "/policy/versions").size(), "one default version");
  }

  private io.witness.appliance.testing.Reply put(String document) {
    return api.send(api.authorized("/api/v1/sites/demo/policy").header("Content-Type", "application/yaml")
        .PUT(HttpRequest.BodyPublishers.ofString(document)).build());
  }

  private io.witness.appliance.testing.Reply grant(int version, String noticeSha, boolean gpc, boolean dnt) {
    return grant(version, noticeSha, "banner:accept", null, gpc, dnt);
  }

  private io.witness.appliance.testing.Reply grant(int version, String noticeSha, String method, String region) {
    return grant(version, noticeSha, method, region, false, false);
  }

  private io.witness.appliance.testing.Reply grant(int version, String noticeSha, String method, String region,
      boolean gpc, boolean dnt) {
    JsonNode policy = get("/consent/v1/sites/" + api.demoSiteKey() + "/policy").reply.json();
    String body = "{\"visitorId\":" + WitnessApi.quote(Batches.newSessionId()) + ",\"purposes\":[\"replay\"],"
        + "\"method\":" + WitnessApi.quote(method) + ",\"policyVersion\":" + version + ",\"noticeVersion\":"
        + WitnessApi.quote(policy.path("consent").path("notice").path("version").asText()) + ",\"noticeSha256\":"
        + WitnessApi.quote(noticeSha) + ",\"signals\":{\"gpc\":" + gpc + ",\"dnt\":" + dnt + "}"
        + (region == null ? "" : ",\"region\":" + WitnessApi.quote(region)) + "}";
    return api.postJson("/consent/v1/sites/" + api.demoSiteKey() + "/receipts", body);
  }

  private io.witness.appliance.testing.Reply send(byte[] batch, String receipt) {
    HttpRequest.Builder b = api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, api.demoSiteKey())
        .header("Content-Type", "application/json");
    if (receipt != null) {
      b.header(WitnessApi.CONSENT_HEADER, receipt);
    }
    return api.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(batch)).build());
  }

  private record Reply(io.witness.appliance.testing.Reply reply) {}

  private Reply get(String path) {
    return new Reply(api.send(api.request(path).GET().build()));
  }

  private JsonNode recordingOf(String sessionId) {
    String id = store.liveRecordingId("demo", sessionId)
        .orElseThrow(() -> new AssertionError("no recording for session " + sessionId));
    return api.getJson("/api/v1/recordings/" + id);
  }

  private static JsonNode payload(String receipt) {
    try {
      return WitnessApi.JSON.readTree(Base64.getUrlDecoder().decode(receipt.substring(0, receipt.indexOf('.'))));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
