package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.LazyBodies;
import io.witness.appliance.testing.RawHttp;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Bad input to the capture and import endpoints: each gets the documented problem+json status and {@code type}
 * (consent-gateway/docs/capture-protocol.md, docs/api.md), and nothing of it is stored: after every test the
 * row counts of the recording tables are what they were before it.
 */
@ExtendWith(ArquillianExtension.class)
class BadInputIT {
  static final long MIB = 1 << 20;
  static final String SESSION_ID = "badInputSession0001";

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  WitnessApi api;
  Map<String, Long> before;

  @BeforeEach
  void countRows() {
    api = WitnessApi.of(url);
    api.demoSiteKey();
    before = TableCounts.of(dataSource);
  }

  @AfterEach
  void nothingWasStored() {
    assertEquals(before, TableCounts.of(dataSource), "a rejected request leaves nothing behind");
  }

  private static String validEvent() {
    return "{\"type\":4,\"timestamp\":1795433480496,\"data\":{\"href\":\"https://shop.example/\",\"width\":1,"
        + "\"height\":1}}";
  }

  private static byte[] envelope(String events) {
    return ("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"sentAt\":1795433480497,\"events\":" + events
        + "}").getBytes(StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder ingestRequest() {
    return api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, api.demoSiteKey())
        .header(WitnessApi.CONSENT_HEADER, api.demoConsent()).header("Content-Type", "application/json");
  }

  @Test
  void malformedJson_answers400Malformed() {
    for (String body : List.of("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":[" + validEvent(),
        "not json", "{\"v\":1,,}", "{\"v\":1} trailing")) {
      api.ingest(body.getBytes(StandardCharsets.UTF_8), false).assertProblem(400, "malformed");
    }
    api.ingest(envelope("[" + validEvent() + "]]"), true).assertProblem(400, "malformed");
  }

  @Test
  void wrongTypes_answer400ValidationNamingTheField() {
    Map<String, String> cases = new LinkedHashMap<>();
    String ok = "[" + validEvent() + "]";
    cases.put("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":\"0\",\"events\":" + ok + "}", "seq");
    cases.put("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":1.5,\"events\":" + ok + "}", "seq");
    cases.put("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":-1,\"events\":" + ok + "}", "seq");
    cases.put("{\"v\":\"1\",\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":" + ok + "}", "v");
    cases.put("{\"v\":3,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":" + ok + "}", "v");
    cases.put("{\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":" + ok + ",\"v\":2}", "v");
    cases.put("{\"v\":2,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":[{\"type\":2,\"timestamp\":1,"
        + "\"data\":{\"n\":[\"p\",7]}}]}", "events[0].data.n");
    cases.put("{\"v\":1,\"sessionId\":\"short\",\"seq\":0,\"events\":" + ok + "}", "sessionId");
    cases.put("{\"v\":1,\"sessionId\":\"../../etc/passwd/xxxxxx\",\"seq\":0,\"events\":" + ok + "}", "sessionId");
    cases.put("{\"v\":1,\"sessionId\":12345678901234567,\"seq\":0,\"events\":" + ok + "}", "sessionId");
    cases.put(new String(envelope("[{\"type\":9,\"timestamp\":1795433480496,\"data\":{}}]")), "events[0].type");
    cases.put(new String(envelope("[{\"type\":\"4\",\"timestamp\":1795433480496,\"data\":{}}]")), "events[0].type");
    cases.put(new String(envelope("[{\"type\":4.5,\"timestamp\":1795433480496,\"data\":{}}]")), "events[0].type");
    cases.put(new String(envelope("[{\"type\":4,\"timestamp\":\"1795433480496\",\"data\":{}}]")),
        "events[0].timestamp");
    cases.put(new String(envelope("[{\"type\":4,\"timestamp\":1795433480496,\"data\":[]}]")), "events[0].data");
    cases.put(new String(envelope("[{\"type\":4,\"timestamp\":1795433480496,\"data\":null}]")), "events[0].data");
    cases.put(new String(envelope("[{\"type\":4,\"timestamp\":1795433480496}]")), "events[0].data");
    cases.put(new String(envelope("[" + validEvent() + "," + validEvent() + ",5]")), "events[2]");
    cases.put(new String(envelope("[" + validEvent() + "," + validEvent() + ",{\"type\":7,\"timestamp\":1,"
        + "\"data\":{}}]")), "events[2].type");
    cases.put(new String(envelope("{}")), "events");
    cases.put(new String(envelope("[]")), "events");
    cases.put("[" + validEvent() + "]", "body");
    cases.put("", "body");
    cases.forEach((body, field) -> {
      JsonNode problem = api.ingest(body.getBytes(StandardCharsets.UTF_8), false).assertProblem(400, "validation");
      assertEquals(field, problem.path("violations").path(0).path("field").asText(), () -> body + " -> " + problem);
    });
  }

  @Test
  void tooManyEvents_answers400() {
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i <= 20_000; i++) {
      events.append(i == 0 ? "" : ",").append("{\"type\":3,\"timestamp\":").append(1795433480496L + i)
          .append(",\"data\":{}}");
    }
    JsonNode problem = api.ingest(envelope(events.append(']').toString()), true).assertProblem(400, "validation");
    assertEquals("events", problem.path("violations").path(0).path("field").asText(), problem.toString());
  }

  @Test
  void bodyOf200MB_withContentLength_answers413BeforeReadingIt() {
    long size = 200 * MIB;
    LazyBodies.Meter meter = new LazyBodies.Meter();
    // With "Expect: 100-continue" the client waits for the server's go-ahead: the server refuses on the
    // declared length alone, so not a byte of the body is sent.
    Reply r = timed(() -> api.send(ingestRequest().expectContinue(true)
        .POST(LazyBodies.fixedLength(hugeEnvelope(size), size, meter)).build()));
    r.assertProblem(413, "too-large");
    assertEquals(0, meter.sent(), "body bytes sent");
    // (A client that does not wait sends everything before it reads the same 413: Helidon discards an unread
    // body after answering, to keep the connection.)
  }

  @Test
  void bodyOf200MB_chunkedWithoutLength_answers413AtTheLimit() {
    long size = 200 * MIB;
    timed(() -> api.send(ingestRequest().POST(LazyBodies.chunked(hugeEnvelope(size), new LazyBodies.Meter()))
        .build())).assertProblem(413, "too-large");
    // The answer comes once the 1 MiB limit is passed, not after the 200 MB: the server neither reads nor
    // buffers the rest first (what is in flight in the socket buffers is all the client got to send).
    RawHttp.EarlyAnswer early = RawHttp.postChunked(api.uri("/ingest/v1/batches"), Map.of(
        WitnessApi.SITE_KEY_HEADER, api.demoSiteKey(), WitnessApi.CONSENT_HEADER, api.demoConsent(),
        "Content-Type", "application/json"),
        hugeEnvelope(size), Duration.ofSeconds(60));
    assertEquals(413, early.status(), early.head());
    assertTrue(early.bytesSent() < 32 * MIB, "answered after " + early.bytesSent() + " of " + size + " bytes");
  }

  @Test
  void gzipBomb_ingest_answers413AtTheDecompressedLimit() {
    InputStream bomb = LazyBodies.gzipBomb(envelopeHead(), (byte) ' ', 256 * MIB);
    Reply r = timed(() -> api.send(ingestRequest().header("Content-Encoding", "gzip")
        .POST(LazyBodies.chunked(bomb, new LazyBodies.Meter())).build()));
    JsonNode problem = r.assertProblem(413, "too-large");
    assertTrue(problem.path("detail").asText().contains("decompressed"), problem.toString());
  }

  @Test
  void gzipBomb_importOf10GB_answers413Quickly() {
    InputStream bomb = LazyBodies.gzipBomb("[".getBytes(StandardCharsets.UTF_8), (byte) ' ', 10L << 30);
    Reply r = timed(() -> api.send(api.authorized("/api/v1/recordings").header("Content-Type", "application/json")
        .header(WitnessApi.CONSENT_HEADER, api.demoConsent()).header("Content-Encoding", "gzip").POST(LazyBodies.chunked(bomb, new LazyBodies.Meter())).build()));
    JsonNode problem = r.assertProblem(413, "too-large");
    assertTrue(problem.path("detail").asText().contains("decompressed"), problem.toString());

    // 32 GiB inflated (≈34 MB on the wire): answered at the 128 MiB decompressed limit, ≈130 KB into the body.
    RawHttp.EarlyAnswer early = RawHttp.postChunked(api.uri("/api/v1/recordings"), Map.of(
        "Authorization", "Bearer " + api.token(), WitnessApi.CONSENT_HEADER, api.demoConsent(),
        "Content-Type", "application/json", "Content-Encoding", "gzip"),
        LazyBodies.gzipBomb("[".getBytes(StandardCharsets.UTF_8), (byte) ' ', 32L << 30), Duration.ofSeconds(60));
    assertEquals(413, early.status(), early.head());
    assertTrue(early.bytesSent() < 16 * MIB, "answered after " + early.bytesSent() + " compressed bytes");
  }

  @Test
  void truncatedGzip_answers400Malformed() {
    byte[] gz = WitnessApi.gzip(Batches.split(SESSION_ID, Corpus.events("todomvc-react"), 50).get(0));
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    api.send(ingestRequest().header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(truncated)).build()).assertProblem(400, "malformed");
    byte[] noTrailer = Arrays.copyOf(gz, gz.length - 4);
    api.send(ingestRequest().header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(noTrailer)).build()).assertProblem(400, "malformed");
    byte[] notGzip = "this is not gzip at all".getBytes(StandardCharsets.UTF_8);
    api.send(ingestRequest().header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(notGzip)).build()).assertStatus(400);

    byte[] importGz = WitnessApi.gzip(Corpus.eventsJson("todomvc-vanillajs"));
    api.importRecording(Arrays.copyOf(importGz, importGz.length * 2 / 3), true).assertProblem(400, "malformed");
  }

  @Test
  void unknownOrMissingSiteKey_answers401() {
    byte[] body = envelope("[" + validEvent() + "]");
    for (String key : List.of("demo-000000000000000000000000", "x".repeat(65), "")) {
      api.send(api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, key)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build())
          .assertProblem(401, "unknown-site");
    }
    api.send(api.request("/ingest/v1/batches").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()).assertProblem(401, "unknown-site");
  }

  @Test
  void wrongContentType_answers415() {
    byte[] body = envelope("[" + validEvent() + "]");
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
      api.send(api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, api.demoSiteKey())
          .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build())
          .assertProblem(415, "unsupported-media-type");
    }
    api.send(api.request("/ingest/v1/batches").header(WitnessApi.SITE_KEY_HEADER, api.demoSiteKey())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()).assertProblem(415, "unsupported-media-type");
    api.send(api.authorized("/api/v1/recordings").header("Content-Type", "text/csv")
        .POST(HttpRequest.BodyPublishers.ofString("[]")).build()).assertProblem(415, "unsupported-media-type");
  }

  @Test
  void unknownContentEncoding_answers415() {
    byte[] body = envelope("[" + validEvent() + "]");
    for (String encoding : List.of("br", "compress", "deflate", "zstd")) {
      api.send(ingestRequest().header("Content-Encoding", encoding)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build())
          .assertProblem(415, "unsupported-media-type");
    }
  }

  @Test
  void importOfAnInvalidRecording_storesNothing() {
    byte[] events = Corpus.eventsJson("todomvc-vanillajs");
    // Cut in the middle: the first events were already validated and written when the JSON breaks.
    api.importRecording(Arrays.copyOf(events, events.length * 3 / 4), false).assertProblem(400, "malformed");

    ArrayNode late = (ArrayNode) Corpus.events("todomvc-vanillajs");
    ((ObjectNode) late.get(late.size() - 2)).put("type", 9);
    JsonNode problem = api.importRecording(late.toString().getBytes(StandardCharsets.UTF_8), false)
        .assertProblem(400, "validation");
    assertEquals("events[" + (late.size() - 2) + "].type", problem.path("violations").path(0).path("field").asText());

    api.importRecording("{\"events\":[]}".getBytes(StandardCharsets.UTF_8), false).assertProblem(400, "validation");
    api.importRecording("[]".getBytes(StandardCharsets.UTF_8), false).assertProblem(400, "validation");
  }

  private static byte[] envelopeHead() {
    return ("{\"v\":1,\"sessionId\":\"" + SESSION_ID + "\",\"seq\":0,\"events\":[").getBytes(StandardCharsets.UTF_8);
  }

  /** An envelope whose events array is padded with whitespace to {@code size} bytes (valid JSON so far). */
  private static InputStream hugeEnvelope(long size) {
    return LazyBodies.repeating(envelopeHead(), (byte) ' ', size);
  }

  /** Runs a request that the server must refuse quickly (it must not read or buffer the whole body). */
  private static Reply timed(java.util.function.Supplier<Reply> request) {
    long t0 = System.nanoTime();
    Reply r = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(took.toSeconds() < 30, "answered in " + took);
    return r;
  }

}
