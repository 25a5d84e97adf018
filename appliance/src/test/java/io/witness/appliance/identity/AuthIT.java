package io.witness.appliance.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in and the authentication of {@code /api/}: the console's session cookie (HttpOnly, Secure,
 * SameSite=Strict) with the double-submit CSRF token, logout, bearer tokens, and 401 problem+json for every API
 * endpoint without valid credentials.
 */
@ExtendWith(ArquillianExtension.class)
class AuthIT {
  static final String TINY_RECORDING = "[{\"type\":4,\"timestamp\":1700000000000,\"data\":{\"href\":"
      + "\"https://auth.example/\",\"width\":800,\"height\":600}}]";

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  WitnessApi api;

  @BeforeEach
  void client() {
    api = WitnessApi.of(url);
  }

  /** A console sign-in: the cookies it set, by name, and the CSRF token of its answer. */
  record Login(Map<String, SetCookie> cookies, String csrfToken) {
    String session() {
      return cookies.get(AuthFilter.SESSION_COOKIE).value();
    }

    String cookieHeader() {
      return AuthFilter.SESSION_COOKIE + "=" + session() + "; " + AuthFilter.CSRF_COOKIE + "=" + csrfToken;
    }
  }

  /** One Set-Cookie header: name, value and attributes (names lower-cased). */
  record SetCookie(String name, String value, Map<String, String> attributes) {
    static SetCookie parse(String header) {
      String[] parts = header.split(";");
      String[] nv = parts[0].split("=", 2);
      Map<String, String> attributes = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        attributes.put(kv[0].toLowerCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
      }
      return new SetCookie(nv[0].trim(), nv.length > 1 ? nv[1].trim() : "", attributes);
    }

    Optional<String> attribute(String name) {
      return Optional.ofNullable(attributes.get(name));
    }
  }

  private Login login() {
    Reply r = api.postJson("/api/v1/auth/login", WitnessApi.credentials()).assertStatus(200);
    Map<String, SetCookie> cookies = new HashMap<>();
    r.headerValues("Set-Cookie").stream().map(SetCookie::parse).forEach(c -> cookies.put(c.name(), c));
    JsonNode body = r.json();
    assertEquals("admin", body.path("username").asText());
    return new Login(cookies, body.path("csrfToken").asText());
  }

  private HttpRequest.Builder withCookie(String path, Login login) {
    return api.request(path).header("Cookie", login.cookieHeader());
  }

  @Test
  void login_setsHttpOnlySecureSameSiteStrictSessionCookie() {
    Login login = login();
    SetCookie session = login.cookies().get(AuthFilter.SESSION_COOKIE);
    assertTrue(session != null && session.value().length() >= 32, "a session cookie: " + login.cookies());
    assertTrue(session.attribute("httponly").isPresent(), "HttpOnly: " + session);
    assertTrue(session.attribute("secure").isPresent(), "Secure: " + session);
    assertEquals("strict", session.attribute("samesite").orElse("").toLowerCase(Locale.ROOT), "SameSite");
    assertEquals("/", session.attribute("path").orElse(""), "Path");

    SetCookie csrf = login.cookies().get(AuthFilter.CSRF_COOKIE);
    assertEquals(login.csrfToken(), csrf.value(), "the CSRF cookie carries the token of the answer");
    assertFalse(csrf.attribute("httponly").isPresent(), "the console's script reads the CSRF cookie");
    assertTrue(csrf.attribute("secure").isPresent());
    assertTrue(login.csrfToken().length() >= 32, "a CSRF token");

    JsonNode me = api.send(withCookie("/api/v1/auth/me", login).GET().build()).assertStatus(200).json();
    assertEquals("admin", me.path("username").asText());
    api.send(withCookie("/api/v1/sites", login).GET().build()).assertStatus(200);
  }

  @Test
  void cookiePost_withoutCsrfToken_isForbiddenAndStoresNothing() {
    Login login = login();
    Map<String, Long> before = TableCounts.of(dataSource);
    for (Optional<String> token : List.of(Optional.<String>empty(), Optional.of("wrong-token"),
        Optional.of(login.session()))) {
      HttpRequest.Builder b = withCookie("/api/v1/recordings", login).header("Content-Type", "application/json");
      token.ifPresent(t -> b.header(AuthFilter.CSRF_HEADER, t));
      api.send(b.POST(BodyPublishers.ofString(TINY_RECORDING)).build()).assertProblem(403, "csrf");
    }
    api.send(withCookie("/api/v1/auth/logout", login).POST(BodyPublishers.noBody()).build())
        .assertProblem(403, "csrf");
    assertEquals(before, TableCounts.of(dataSource), "refused requests store nothing");

    Reply created = api.send(withCookie("/api/v1/recordings", login).header("Content-Type", "application/json")
        .header(WitnessApi.CONSENT_HEADER, api.demoConsent()).header(AuthFilter.CSRF_HEADER, login.csrfToken()).POST(BodyPublishers.ofString(TINY_RECORDING)).build());
    created.assertStatus(201);
    // Safe methods need no token.
    api.send(withCookie("/api/v1/recordings/" + created.json().path("id").asText(), login).GET().build())
        .assertStatus(200);
  }

  @Test
  void logout_invalidatesTheSessionAndClearsTheCookies() {
    Login login = login();
    Reply out = api.send(withCookie("/api/v1/auth/logout", login).header(AuthFilter.CSRF_HEADER, login.csrfToken())
        .POST(BodyPublishers.noBody()).build()).assertStatus(204);
    SetCookie cleared = out.headerValues("Set-Cookie").stream().map(SetCookie::parse)
        .filter(c -> c.name().equals(AuthFilter.SESSION_COOKIE)).findFirst()
        .orElseThrow(() -> new AssertionError("logout clears the session cookie: " + out.headers()));
    assertEquals("", cleared.value());
    assertEquals("0", cleared.attribute("max-age").orElse(""), "Max-Age=0: " + cleared);

    api.send(withCookie("/api/v1/auth/me", login).GET().build()).assertProblem(401, "unauthenticated");
    api.send(withCookie("/api/v1/sites", login).GET().build()).assertProblem(401, "unauthenticated");
  }

  @Test
  void token_returnsABearerTokenAndItsExpiry() {
    Reply r = api.postJson("/api/v1/auth/token", WitnessApi.credentials()).assertStatus(200);
    JsonNode body = r.json();
    String token = body.path("token").asText();
    assertTrue(token.length() >= 32, "a token: " + body);
    Duration ttl = Duration.between(Instant.now(), Instant.parse(body.path("expiresAt").asText()));
    assertTrue(ttl.toMinutes() >= 58 && ttl.toMinutes() <= 60, "expires in about 60 minutes: " + body);
    api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + token).GET().build())
        .assertStatus(200);
    api.send(api.request("/api/v1/sites").header("Authorization", "bearer " + token).GET().build())
        .assertStatus(200);
    // A bearer token is not a console session, and the other way round.
    api.send(api.request("/api/v1/auth/me").header("Cookie", AuthFilter.SESSION_COOKIE + "=" + token).GET().build())
        .assertProblem(401, "unauthenticated");
    api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + login().session()).GET().build())
        .assertProblem(401, "unauthenticated");
  }

  @Test
  void garbageOrExpiredBearer_answers401() throws SQLException {
    for (String authorization : List.of("Bearer garbage", "Bearer " + "x".repeat(300), "Bearer ",
        "Basic YWRtaW46aXQtYWRtaW4tcGFzc3dvcmQtMQ==", "Token " + api.token())) {
      api.send(api.request("/api/v1/sites").header("Authorization", authorization).GET().build())
          .assertProblem(401, "unauthenticated");
    }
    String expired = IdentityService.randomToken();
    String valid = IdentityService.randomToken();
    insertBearer(expired, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1));
    insertBearer(valid, OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5));
    api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + expired).GET().build())
        .assertProblem(401, "unauthenticated");
    api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + valid).GET().build())
        .assertStatus(200);
  }

  private void insertBearer(String secret, OffsetDateTime expiresAt) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "INSERT INTO auth_sessions (token_hash, username, kind, csrf_token, created_at, expires_at)"
            + " VALUES (?, 'admin', 'bearer', NULL, ?, ?)")) {
      s.setString(1, IdentityService.sha256(secret));
      s.setObject(2, expiresAt.minusHours(1));
      s.setObject(3, expiresAt);
      s.executeUpdate();
    }
  }

  @Test
  void wrongCredentials_answer401AndInvalidBodies400() {
    api.postJson("/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"wrong\"}")
        .assertProblem(401, "unauthenticated");
    api.postJson("/api/v1/auth/token", "{\"username\":\"nobody\",\"password\":\"wrong\"}")
        .assertProblem(401, "unauthenticated");
    api.postJson("/api/v1/auth/login", "{\"username\":\"admin\"}").assertProblem(400, "validation");
    api.postJson("/api/v1/auth/token", "{\"username\":").assertProblem(400, "malformed");
  }

  @Test
  void everyApiEndpoint_withoutCredentials_answers401Problem() {
    String id = "00000000-0000-0000-0000-000000000000";
    Map<String, String> endpoints = new java.util.LinkedHashMap<>();
    endpoints.put("/api/v1/recordings", "GET");
    endpoints.put("/api/v1/recordings?limit=1", "GET");
    endpoints.put("/api/v1/recordings/" + id, "GET");
    endpoints.put("/api/v1/recordings/" + id + "/events", "GET");
    endpoints.put("/api/v1/sites", "GET");
    endpoints.put("/api/v1/auth/me", "GET");
    endpoints.put("/api/v1/auth/logout", "POST");
    endpoints.put("/api/v1/recordings?site=demo", "POST");
    endpoints.put("/api/v1/no-such-endpoint", "GET");
    endpoints.put("/api/v2/recordings", "DELETE");
    endpoints.forEach((path, method) -> {
      HttpRequest.Builder b = api.request(path).header("Content-Type", "application/json");
      b.method(method, method.equals("GET") ? BodyPublishers.noBody() : BodyPublishers.ofString(TINY_RECORDING));
      JsonNode problem = api.send(b.build()).assertProblem(401, "unauthenticated");
      assertTrue(problem.path("instance").asText().startsWith(path.split("\\?")[0]), problem.toString());
    });
  }
}
