package io.witness.appliance.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The appliance's HTTP API as an API client uses it (bearer token, docs/api.md): import, list, metadata, events.
 * Every unexpected status fails with the answer's body, which is problem+json.
 */
final class WitnessClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String token;
  private String receipt;

  private WitnessClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Signs in with {@code POST /api/v1/auth/token}. */
  static WitnessClient signIn(URI base, String username, String password) {
    HttpClient http = HttpClient.newHttpClient();
    String body = JSON.createObjectNode().put("username", username).put("password", password).toString();
    JsonNode answer = send(http, HttpRequest.newBuilder(base.resolve("api/v1/auth/token"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 200);
    return new WitnessClient(base, answer.get("token").asText());
  }

  URI base() {
    return base;
  }

  /** A consent receipt of the demo site for one import visitor, granted through the public consent API once. */
  private synchronized String consent() {
    if (receipt == null) {
      String siteKey = null;
      for (JsonNode site : send(http, authorized("api/v1/sites").GET().build(), 200)) {
        if (site.path("id").asText().equals("demo")) {
          siteKey = site.path("siteKey").asText();
        }
      }
      JsonNode policy = send(http, HttpRequest.newBuilder(base.resolve("consent/v1/sites/" + siteKey + "/policy"))
          .GET().build(), 200);
      String body = JSON.createObjectNode().put("visitorId", "e2e-import-visitor-01").put("method", "import")
          .put("policyVersion", policy.path("version").asInt())
          .put("noticeVersion", policy.path("consent").path("notice").path("version").asText())
          .put("noticeSha256", policy.path("consent").path("notice").path("sha256").asText())
          .set("purposes", JSON.createArrayNode().add("replay")).toString();
      receipt = send(http, HttpRequest.newBuilder(base.resolve("consent/v1/sites/" + siteKey + "/receipts"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), 201)
          .path("receipt").asText();
    }
    return receipt;
  }

  /** {@code PUT /api/v1/sites/demo/policy} with a YAML document; the new version. */
  int putDemoPolicy(String yaml) {
    return send(http, authorized("api/v1/sites/demo/policy").header("Content-Type", "application/yaml")
        .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build(), 200).path("version").asInt();
  }

  /** {@code POST /api/v1/recordings}; {@code gzip} says the body is gzip-compressed. Returns the new id. */
  String importRecording(byte[] body, boolean gzip) {
    HttpRequest.Builder req = authorized("api/v1/recordings").header("Content-Type", "application/json")
        .header("Witness-Consent", consent())
        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (gzip) {
      req.header("Content-Encoding", "gzip");
    }
    return send(http, req.build(), 201).get("id").asText();
  }

  /** {@code GET /api/v1/recordings} with the given query parameters; the items array. */
  JsonNode list(Map<String, String> query) {
    StringBuilder q = new StringBuilder("api/v1/recordings?limit=200");
    query.forEach((k, v) -> q.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send(http, authorized(q.toString()).GET().build(), 200).get("items");
  }

  /** Any {@code GET} of the API answering 200 with JSON, e.g. {@code api/v1/audit/entries?action=replay.watched}. */
  JsonNode get(String pathAndQuery) {
    return send(http, authorized(pathAndQuery).GET().build(), 200);
  }

  /** {@code GET /api/v1/recordings/{id}}: summary plus pages, clicks, errors, inputs, viewports. */
  JsonNode recording(String id) {
    return send(http, authorized("api/v1/recordings/" + id).GET().build(), 200);
  }

  /** {@code GET /api/v1/recordings/{id}/events} as the raw JSON text. */
  String eventsText(String id) {
    HttpResponse<String> res = exchange(http, authorized("api/v1/recordings/" + id + "/events").GET().build());
    expect(res, 200);
    return res.body();
  }

  /** Polls the list until an item matches, or fails after {@code timeout}. */
  JsonNode awaitListed(Map<String, String> query, Predicate<JsonNode> match, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode items = list(query);
      for (JsonNode item : items) {
        if (match.test(item)) {
          return item;
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no matching recording listed within " + timeout + "; the list " + query
            + " holds " + items.size() + ": " + items);
      }
      sleep(250);
    }
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(60));
  }

  private static JsonNode send(HttpClient http, HttpRequest req, int expected) {
    HttpResponse<String> res = exchange(http, req);
    expect(res, expected);
    try {
      return JSON.readTree(res.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void expect(HttpResponse<String> res, int expected) {
    if (res.statusCode() != expected) {
      throw new AssertionError(res.request().method() + " " + res.uri() + " answered " + res.statusCode()
          + " (expected " + expected + "): " + res.body());
    }
  }

  private static HttpResponse<String> exchange(HttpClient http, HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
