package io.witness.appliance.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** An HTTP answer of the appliance, with assertions for the documented shapes. */
public record Reply(int status, HttpHeaders headers, byte[] body) {

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public JsonNode json() {
    try {
      return WitnessApi.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON (status " + status + "): " + abbreviated(), e);
    }
  }

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  public List<String> headerValues(String name) {
    return headers.allValues(name);
  }

  /** Asserts the status, for a readable failure that shows the body. */
  public Reply assertStatus(int expected) {
    assertEquals(expected, status, () -> "status; body: " + abbreviated());
    return this;
  }

  /**
   * Asserts an RFC 9457 problem: the status, {@code application/problem+json}, and the stable {@code type} URI
   * {@code https://witness.local/problems/<kind>}.
   */
  public JsonNode assertProblem(int expectedStatus, String kind) {
    assertStatus(expectedStatus);
    String contentType = header("Content-Type").orElse("");
    assertTrue(contentType.startsWith("application/problem+json"),
        () -> "Content-Type of a problem: " + contentType + "; body: " + abbreviated());
    JsonNode problem = json();
    assertEquals("https://witness.local/problems/" + kind, problem.path("type").asText(),
        () -> "problem type; body: " + abbreviated());
    assertEquals(expectedStatus, problem.path("status").asInt(), "problem status member");
    assertTrue(problem.hasNonNull("title") && problem.hasNonNull("detail"), () -> "title and detail: " + problem);
    return problem;
  }

  String abbreviated() {
    String t = text();
    return t.length() > 600 ? t.substring(0, 600) + "..." : t;
  }

  @Override
  public String toString() {
    return "Reply[" + status + " " + abbreviated() + "]";
  }
}
