package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The appliance's HTTP API as the durability test and the benchmarks use it (docs/api.md): a bearer token for
 * the admin, the demo site's key, batches, imports, the recordings list and a recording's events. Not the load
 * generator: see {@link RawHttpConnection} for that.
 */
public final class ApplianceClient {
  /** Status and body of an answer. */
  public record Reply(int status, byte[] body) {
    public JsonNode json() {
      try {
        return CorpusBatches.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + text(), e);
      }
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final URI base;
  private final HttpClient http;
  private String token;
  private final java.util.Map<String, String> receipts = new java.util.HashMap<>();

  public ApplianceClient(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Signs in as admin (once) and returns the bearer token. */
  public String token() {
    if (token == null) {
      Reply r = send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/token"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
              + ApplianceProcess.ADMIN_PASSWORD + "\"}")));
      if (r.status() != 200) {
        throw new AssertionError("POST /api/v1/auth/token answered " + r.status() + ": " + r.text());
      }
      token = r.json().get("token").asText();
    }
    return token;
  }

  /** The demo site's key (GET /api/v1/sites). */
  public String demoSiteKey() {
    Reply r = get("/api/v1/sites");
    for (JsonNode s : r.json()) {
      if (s.path("id").asText().equals("demo")) {
        return s.get("siteKey").asText();
      }
    }
    throw new AssertionError("no demo site in GET /api/v1/sites: " + r.text());
  }

  /**
   * A consent receipt of the site for {@code visitorId}, granted through the public consent API as the recorder
   * SDK does: the site's policy fetched, its notice version and hash sent back (method "api").
   */
  public String grantConsent(String siteKey, String visitorId) {
    try {
      HttpResponse<byte[]> p = http.send(HttpRequest.newBuilder(base.resolve("/consent/v1/sites/" + siteKey + "/policy"))
          .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode policy = new Reply(p.statusCode(), p.body()).json();
      String body = CorpusBatches.JSON.createObjectNode().put("visitorId", visitorId)
          .put("method", "api").put("policyVersion", policy.path("version").asInt())
          .put("noticeVersion", policy.path("consent").path("notice").path("version").asText())
          .put("noticeSha256", policy.path("consent").path("notice").path("sha256").asText())
          .set("purposes", CorpusBatches.JSON.createArrayNode().add("replay")).toString();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/consent/v1/sites/" + siteKey
          + "/receipts")).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
      Reply reply = new Reply(r.statusCode(), r.body());
      if (r.statusCode() != 201) {
        throw new AssertionError("consent grant answered " + r.statusCode() + ": " + reply.text());
      }
      return reply.json().get("receipt").asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The receipt batches without a visitor id are sent under (one test visitor, granted once per site). */
  public synchronized String consentFor(String siteKey) {
    return receipts.computeIfAbsent(siteKey, k -> grantConsent(k, "bench-visitor-000000"));
  }

  /** POST /ingest/v1/batches with a gzip body, under {@link #consentFor}. */
  public Reply postBatch(String siteKey, byte[] gzipBody) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/ingest/v1/batches"))
        .timeout(Duration.ofSeconds(60))
        .header("Witness-Site-Key", siteKey)
        .header("Witness-Consent", consentFor(siteKey))
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody)).build();
    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.body());
  }

  /** POST /api/v1/recordings (import) with a gzip event array; returns the new id. */
  public String importRecording(byte[] gzipEventArray) {
    return importRecording(gzipEventArray, null);
  }

  /** An import whose data subject is {@code subject} (null: none). */
  public String importRecording(byte[] gzipEventArray, String subject) {
    String path = "/api/v1/recordings" + (subject == null ? ""
        : "?subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8));
    Reply r = send(authorized(path).timeout(Duration.ofMinutes(5))
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .header("Witness-Consent", consentFor(demoSiteKey()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipEventArray)));
    if (r.status() != 201) {
      throw new AssertionError("import answered " + r.status() + ": " + r.text());
    }
    return r.json().get("id").asText();
  }

  /** Every recording (all pages of GET /api/v1/recordings). */
  public List<JsonNode> recordings() {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      String q = "/api/v1/recordings?limit=200"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = get(q).json();
      page.get("items").forEach(all::add);
      cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    return all;
  }

  /** The recording's events (GET /api/v1/recordings/{id}/events) as raw JSON. */
  public byte[] events(String recordingId) {
    return get("/api/v1/recordings/" + recordingId + "/events").body();
  }

  /** POST of a JSON body, authorized; the reply whatever its status. */
  public Reply postJson(String path, String json) {
    return send(authorized(path).timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply get(String pathAndQuery) {
    Reply r = send(authorized(pathAndQuery).timeout(Duration.ofMinutes(2)).GET());
    if (r.status() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " answered " + r.status() + ": " + r.text());
    }
    return r;
  }

  private HttpRequest.Builder authorized(String pathAndQuery) {
    return HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Authorization", "Bearer " + token());
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError("request to " + base + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
