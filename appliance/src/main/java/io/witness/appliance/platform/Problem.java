package io.witness.appliance.platform;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem detail. Every 4xx/5xx answer of the appliance is one of these, with a stable {@code type}
 * URI per error kind (see {@link ProblemType}). Details never carry personal data or decrypted content.
 */
public record Problem(ProblemType type, int status, String detail, List<Violation> violations) {

  public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

  /** One failed field check. */
  public record Violation(String field, String message) {}

  public Problem {
    violations = List.copyOf(violations);
  }

  public static Problem of(ProblemType type, int status, String detail) {
    return new Problem(type, status, detail, List.of());
  }

  /** The JSON body, as a map so that JSON-B writes it without extra types. */
  public Map<String, Object> body(String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type.uri());
    body.put("title", type.title());
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", instance);
    if (!violations.isEmpty()) {
      body.put("violations", violations.stream()
          .map(v -> Map.of("field", v.field(), "message", v.message())).toList());
    }
    return body;
  }

  public Response toResponse(String instance) {
    return Response.status(status).type(MEDIA_TYPE).entity(body(instance)).build();
  }
}
