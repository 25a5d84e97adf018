package io.witness.appliance.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A small client of the appliance's HTTP API for integration tests (java.net.http, HTTP/1.1): signs in as the
 * bootstrap admin with the password the test container configured, and knows the demo site's key.
 */
public final class WitnessApi {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String SITE_KEY_HEADER = "Witness-Site-Key";
  public static final String CONSENT_HEADER = "Witness-Consent";

  private final URI base;
  private final HttpClient http;
  private String token;
  private String siteKey;
  private String demoReceipt;

  private WitnessApi(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  public static WitnessApi of(URL base) {
    try {
      return new WitnessApi(base.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The password of {@code admin}, as the running appliance is configured. */
  public static String adminPassword() {
    return ConfigProvider.getConfig().getValue("auth.admin-password", String.class);
  }

  public URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
  }

  public HttpClient http() {
    return http;
  }

  public HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(120));
  }

  /** A request with the admin's bearer token. */
  public HttpRequest.Builder authorized(String pathAndQuery) {
    return request(pathAndQuery).header("Authorization", "Bearer " + token());
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A bearer token for {@code admin} (cached). */
  public synchronized String token() {
    if (token == null) {
      Reply r = postJson("/api/v1/auth/token", credentials());
      r.assertStatus(200);
      token = r.json().path("token").asText();
      assertTrue(!token.isEmpty(), "token in " + r);
    }
    return token;
  }

  public static String credentials() {
    return "{\"username\":\"admin\",\"password\":" + quote(adminPassword()) + "}";
  }

  /** The key of the demo site, from {@code GET /api/v1/sites}. */
  public synchronized String demoSiteKey() {
    if (siteKey == null) {
      for (JsonNode site : getJson("/api/v1/sites")) {
        if (site.path("id").asText().equals("demo")) {
          siteKey = site.path("siteKey").asText();
        }
      }
      assertTrue(siteKey != null && !siteKey.isEmpty(), "the demo site is listed with a key");
    }
    return siteKey;
  }

  public Reply get(String pathAndQuery) {
    return send(authorized(pathAndQuery).GET().build());
  }

  /** GET with the bearer token, asserting 200. */
  public JsonNode getJson(String pathAndQuery) {
    return get(pathAndQuery).assertStatus(200).json();
  }

  /** An unauthenticated JSON POST. */
  public Reply postJson(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /**
   * A consent receipt of the demo site for {@code visitorId}: the site's current policy fetched and its notice
   * granted through the public consent API, as the recorder SDK does (method "api").
   */
  public String grantConsent(String visitorId) {
    return grantConsent(demoSiteKey(), visitorId);
  }

  /** {@link #grantConsent(String)} at the site whose key is {@code siteKey}. */
  public String grantConsent(String siteKey, String visitorId) {
    JsonNode policy = send(request("/consent/v1/sites/" + siteKey + "/policy").GET().build())
        .assertStatus(200).json();
    String body = "{\"visitorId\":" + quote(visitorId) + ",\"purposes\":[\"replay\"],\"method\":\"api\","
        + "\"policyVersion\":" + policy.path("version").asInt() + ",\"noticeVersion\":"
        + quote(policy.path("consent").path("notice").path("version").asText()) + ",\"noticeSha256\":"
        + quote(policy.path("consent").path("notice").path("sha256").asText())
        + ",\"signals\":{\"gpc\":false,\"dnt\":false}}";
    return postJson("/consent/v1/sites/" + siteKey + "/receipts", body).assertStatus(201).json()
        .path("receipt").asText();
  }

  /** A receipt of the demo site for one test visitor, made once: for batches that name no visitor, and imports. */
  public synchronized String demoConsent() {
    if (demoReceipt == null) {
      demoReceipt = grantConsent("witness-test-visitor-0001");
    }
    return demoReceipt;
  }

  /** Sends one capture batch with the demo site's key and {@link #demoConsent()}, gzip-compressed or not. */
  public Reply ingest(byte[] envelope, boolean gzip) {
    return ingest(envelope, gzip, demoConsent());
  }

  /** Sends one capture batch with the demo site's key under the consent {@code receipt}. */
  public Reply ingest(byte[] envelope, boolean gzip, String receipt) {
    HttpRequest.Builder b = request("/ingest/v1/batches").header(SITE_KEY_HEADER, demoSiteKey())
        .header(CONSENT_HEADER, receipt).header("Content-Type", "application/json");
    if (gzip) {
      b.header("Content-Encoding", "gzip");
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(gzip ? gzip(envelope) : envelope)).build());
  }

  /** Imports an rrweb event array ({@code gzipped}: the bytes are already gzip and are sent as such). */
  public Reply importRecording(byte[] body, boolean gzipped) {
    HttpRequest.Builder b = authorized("/api/v1/recordings").header("Content-Type", "application/json")
        .header(CONSENT_HEADER, demoConsent());
    if (gzipped) {
      b.header("Content-Encoding", "gzip");
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** The raw event array of a recording, parsed. */
  public JsonNode events(String recordingId) {
    return getJson("/api/v1/recordings/" + recordingId + "/events");
  }

  /**
   * Walks every page of {@code GET /api/v1/recordings?<query>} with {@code limit}; asserts that no recording
   * appears twice and that the pages are full until the last.
   */
  public List<JsonNode> listAll(String query, int limit) {
    List<JsonNode> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String cursor = null;
    for (int page = 0; page < 10_000; page++) {
      String q = (query.isEmpty() ? "" : query + "&") + "limit=" + limit
          + (cursor == null ? "" : "&cursor=" + encode(cursor));
      JsonNode body = getJson("/api/v1/recordings?" + q);
      for (JsonNode item : body.path("items")) {
        assertTrue(seen.add(item.path("id").asText()), "recording listed twice: " + item.path("id"));
        all.add(item);
      }
      JsonNode next = body.path("nextCursor");
      if (next.isNull() || next.isMissingNode()) {
        return all;
      }
      assertEquals(limit, body.path("items").size(), "a page before the last is full");
      cursor = next.asText();
    }
    throw new AssertionError("the cursor walk does not end");
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
