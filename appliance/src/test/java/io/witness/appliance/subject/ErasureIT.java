package io.witness.appliance.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.testing.Batches;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A data subject end to end, on H2 and PostgreSQL: a live session whose SDK sends a visitor id and identify() with
 * an email, and an import named by {@code ?subject=}; the subject's recordings are found by its id and by its email
 * (blind indexes), none of its personal values is stored in the clear (the H2 file; a pg_dump of PostgreSQL); erasure answers a certificate whose Ed25519 signature verifies with the published key, after which the
 * recordings answer 410, no search finds them, and another subject's recording is untouched.
 */
@ExtendWith(ArquillianExtension.class)
class ErasureIT {
  static Path dataDir;

  @Deployment(testable = false)
  static JavaArchive deployment() throws IOException {
    dataDir = Files.createTempDirectory(Path.of("target"), "erasure-it-");
    return Deployments.appliance(Map.of("witness.data-dir", dataDir.toString()));
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;

  /** A small recording: a page view of {@code href}, a snapshot holding {@code text}, some activity. */
  static ArrayNode events(long t0, String href, String text) {
    ArrayNode events = WitnessApi.JSON.createArrayNode();
    events.addObject().put("type", 4).put("timestamp", t0).putObject("data").put("href", href)
        .put("width", 1280).put("height", 720);
    ObjectNode full = events.addObject().put("type", 2).put("timestamp", t0 + 1);
    ObjectNode doc = full.putObject("data").putObject("node").put("type", 0).put("id", 1);
    ObjectNode html = doc.putArray("childNodes").addObject().put("type", 2).put("id", 2).put("tagName", "p");
    html.putObject("attributes");
    html.putArray("childNodes").addObject().put("type", 3).put("id", 3).put("textContent", text);
    full.with("data").putObject("initialOffset").put("left", 0).put("top", 0);
    events.addObject().put("type", 3).put("timestamp", t0 + 500).putObject("data").put("source", 1)
        .putArray("positions").addObject().put("x", 1).put("y", 1).put("id", 1).put("timeOffset", 0);
    return events;
  }

  @Test
  void aSubjectIsFoundStoredSealedErasedWithASignedCertificateAndGoneEverywhere() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String tag = UUID.randomUUID().toString().replace("-", "");
    String subject = "customer-" + tag;
    String email = "ada." + tag + "@example.com";
    String queryMarker = "QUERYMARKER" + tag;
    String textMarker = "TEXTMARKER" + tag;
    String visitorId = Batches.newSessionId();
    String receipt = api.grantConsent(visitorId);
    String sessionId = Batches.newSessionId();
    long t0 = System.currentTimeMillis() - 60_000;

    // Live: the SDK's visitor id on every batch, identify() on the first.
    ObjectNode first = (ObjectNode) WitnessApi.JSON.readTree(Batches.envelope(sessionId, 0,
        events(t0, "https://shop.example/account?token=" + queryMarker, textMarker)));
    first.put("visitorId", visitorId);
    first.putObject("identity").put("subject", subject).putObject("traits").put("email", email).put("plan", "gold");
    api.ingest(WitnessApi.JSON.writeValueAsBytes(first), true, receipt).assertStatus(200);
    ObjectNode second = (ObjectNode) WitnessApi.JSON.readTree(Batches.envelope(sessionId, 1,
        events(t0 + 1000, "https://shop.example/cart", "more")));
    second.put("visitorId", visitorId);
    api.ingest(WitnessApi.JSON.writeValueAsBytes(second), true, receipt).assertStatus(200);

    // Import named by ?subject=; and a control recording of someone else.
    byte[] imported = events(t0, "https://shop.example/import?q=" + queryMarker, textMarker).toString()
        .getBytes(StandardCharsets.UTF_8);
    String importId = api.send(api.authorized("/api/v1/recordings?subject=" + WitnessApi.encode(subject))
            .header("Content-Type", "application/json").header(WitnessApi.CONSENT_HEADER, api.demoConsent())
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(imported)).build())
        .assertStatus(201).json().path("id").asText();
    String otherId = api.importRecording(events(t0, "https://shop.example/other", "someone else").toString()
        .getBytes(StandardCharsets.UTF_8), false).assertStatus(201).json().path("id").asText();

    // Found by subject id and by email (any case), never by someone else's.
    Set<String> bySubject = ids(api, "subject=" + WitnessApi.encode(subject));
    assertEquals(2, bySubject.size(), "the live and the imported recording: " + bySubject);
    assertTrue(bySubject.contains(importId));
    String liveId = bySubject.stream().filter(id -> !id.equals(importId)).findFirst().orElseThrow();
    assertEquals(bySubject, ids(api, "trait=" + WitnessApi.encode("email:" + email.toUpperCase())),
        "a subject is found by an identify() trait (exact match, an email in any case): all its recordings");
    assertEquals(Set.of(), ids(api, "subject=" + WitnessApi.encode("customer-" + tag + "x")));
    assertEquals(Set.of(liveId), ids(api, "clientIp=127.0.0.0&subject=" + WitnessApi.encode(subject)),
        "the client address is kept truncated and found by exact match");
    JsonNode live = api.getJson("/api/v1/recordings/" + liveId);
    assertEquals("https://shop.example/account", live.path("firstUrl").asText(),
        "the API opens the sealed first URL (its query string dropped by the default policy)");

    // Nothing personal in the clear: not in the embedded database's file, not in any table of PostgreSQL.
    List<String> markers = List.of(subject, email, queryMarker, textMarker, visitorId);
    byte[] stored = storedBytes();
    assertTrue(contains(stored, "shop.example") || contains(stored, liveId),
        "control: the scan reads the stored rows (a recording id is stored in the clear)");
    for (String marker : markers) {
      assertFalse(contains(stored, marker), marker + " is stored in the clear");
    }

    // Erasure.
    Reply erased = erase(api, "{\"subject\":" + WitnessApi.quote(subject) + "}")
        .assertStatus(201);
    JsonNode cert = erased.json();
    JsonNode body = cert.path("certificate");
    assertEquals("witness-erasure-certificate", body.path("type").asText());
    assertEquals(2, body.path("counts").path("recordings").asInt(), cert.toString());
    assertTrue(body.path("counts").path("keys").asInt() >= 2, "the subject's and the visitor's key: " + cert);
    assertEquals(body.path("keysDestroyed").size(), body.path("counts").path("keys").asInt());
    assertFalse(cert.toString().contains(subject), "the certificate names the subject by blind index only");
    JsonNode published = api.getJson("/api/v1/signing-key");
    assertEquals(published.path("keyId").asText(), cert.path("signature").path("keyId").asText());
    // The offline verifier (bin/witness erasure verify) with the published key, as an auditor would run it.
    Path certFile = Files.createTempFile("erasure", ".json");
    Path keyFile = Files.createTempFile("signing-key", ".pem");
    Files.write(certFile, WitnessApi.JSON.writeValueAsBytes(cert));
    Files.writeString(keyFile, published.path("pem").asText());
    java.io.ByteArrayOutputStream verifierOut = new java.io.ByteArrayOutputStream();
    assertEquals(0, CertificateVerifier.run(new String[] {"verify", certFile.toString(), "--key", keyFile.toString()},
        new java.io.PrintStream(verifierOut, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(verifierOut, true, StandardCharsets.UTF_8)), "the certificate verifies");
    assertTrue(verifierOut.toString(StandardCharsets.UTF_8).startsWith("OK erasure certificate "), verifierOut::toString);
    ObjectNode altered = cert.deepCopy();
    ((ObjectNode) altered.path("certificate").path("counts")).put("recordings", 1);
    Files.write(certFile, WitnessApi.JSON.writeValueAsBytes(altered));
    assertEquals(1, CertificateVerifier.run(new String[] {"verify", certFile.toString(), "--key", keyFile.toString()},
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream())), "and only as signed");
    Files.delete(certFile);
    Files.delete(keyFile);
    String certId = body.path("id").asText();
    assertEquals(body, api.getJson("/api/v1/erasures/" + certId).path("certificate"), "stored as issued");

    // Gone: 410 for metadata and events, no search finds them; the other subject's recording is untouched.
    for (String id : List.of(liveId, importId)) {
      api.get("/api/v1/recordings/" + id).assertProblem(410, "gone");
      api.get("/api/v1/recordings/" + id + "/events").assertProblem(410, "gone");
    }
    assertEquals(Set.of(), ids(api, "subject=" + WitnessApi.encode(subject)));
    assertEquals(Set.of(), ids(api, "trait=" + WitnessApi.encode("email:" + email)));
    assertFalse(ids(api, "").contains(liveId));
    assertTrue(ids(api, "").contains(otherId));
    api.get("/api/v1/recordings/" + otherId + "/events").assertStatus(200);
    // A batch of the erased session after the erasure is dropped, not stored under a new key.
    ObjectNode late = (ObjectNode) WitnessApi.JSON.readTree(Batches.envelope(sessionId, 2,
        events(t0 + 2000, "https://shop.example/late", textMarker)));
    late.put("visitorId", visitorId);
    api.ingest(WitnessApi.JSON.writeValueAsBytes(late), true, receipt).assertStatus(200);
    api.get("/api/v1/recordings/" + liveId + "/events").assertProblem(410, "gone");
    assertEquals(0, count("select count(*) from recording_facts where recording_id in ('" + liveId + "', '"
        + importId + "')"));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    String chunks = "select count(*) from recording_chunks where recording_id in ('" + liveId + "', '" + importId
        + "')";
    while (count(chunks) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, count(chunks), "the erased recordings' chunks are purged right after the erasure");
    // Erasing again is harmless and says so.
    JsonNode again = erase(api, "{\"subject\":" + WitnessApi.quote(subject) + "}")
        .assertStatus(201).json();
    assertEquals(0, again.path("certificate").path("counts").path("recordings").asInt());
    erase(api, "{}").assertProblem(400, "validation");
    erase(api, "{\"subject\":\"x\",\"site\":\"no-such-site\"}").assertProblem(400, "validation");
  }

  private static Reply erase(WitnessApi api, String json) {
    return api.send(api.authorized("/api/v1/erasures").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private static Set<String> ids(WitnessApi api, String query) {
    return api.listAll(query, 200).stream().map(i -> i.path("id").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private long count(String sql) {
    return io.witness.appliance.testing.TableCounts.count(dataSource, sql);
  }

  /** pg_dump of the test server's major version (PostgreSQL 15: the embedded test server and Debian 12's). */
  static final Path PG_DUMP = Path.of("/usr/lib/postgresql/15/bin/pg_dump");

  /**
   * What the store holds: on H2 the database file itself; on PostgreSQL a {@code pg_dump} of the deployment's
   * database (plain SQL, data and schema), as a backup would hold it.
   */
  private byte[] storedBytes() throws Exception {
    java.util.Optional<Path> h2 = io.witness.appliance.testing.StoredFiles.h2File(dataSource);
    if (h2.isPresent()) {
      return Files.readAllBytes(h2.get());
    }
    if (!Files.isExecutable(PG_DUMP)) {
      fail("pg_dump 15 is missing at " + PG_DUMP + ": install postgresql-client-15 (apt-get install"
          + " postgresql-client-15; bin/witness test does it when run as root)");
    }
    String url;
    try (Connection c = dataSource.getConnection()) {
      url = c.getMetaData().getURL(); // jdbc:postgresql://localhost:PORT/DB?...
    }
    java.net.URI u = java.net.URI.create(url.substring("jdbc:".length()));
    Path dump = dataDir.resolve("pg_dump.sql");
    ProcessBuilder pb = new ProcessBuilder(PG_DUMP.toString(), "--host", u.getHost(), "--port",
        Integer.toString(u.getPort()), "--username", "postgres", "--no-password", "--file", dump.toString(),
        u.getPath().substring(1)).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", "postgres");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "pg_dump failed: " + output);
    byte[] bytes = Files.readAllBytes(dump);
    assertTrue(contains(bytes, "COPY public.recordings") && contains(bytes, "COPY public.subject_traits"),
        "the dump holds the tables' data");
    return bytes;
  }

  static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }
}
