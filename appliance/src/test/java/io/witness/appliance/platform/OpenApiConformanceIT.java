package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The committed OpenAPI document (META-INF/openapi.yaml, served at {@code /openapi}) and the running server must
 * agree: the same operations (every JAX-RS resource method is documented and every documented operation
 * exists), the statuses the server actually answers are documented, and successful answers carry every
 * property the document marks as required.
 */
@ExtendWith(ArquillianExtension.class)
class OpenApiConformanceIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;

  @Test
  void servedDocument_isTheCommittedOne() throws IOException {
    JsonNode doc = document(WitnessApi.of(url));
    Set<String> committedPaths = new TreeSet<>();
    for (String line : Files.readAllLines(java.nio.file.Path.of("src/main/resources/META-INF/openapi.yaml"))) {
      if (line.matches("^  /\\S*:\\s*$")) {
        committedPaths.add(line.trim().replaceAll(":$", ""));
      }
    }
    Set<String> served = new TreeSet<>();
    doc.path("paths").fieldNames().forEachRemaining(served::add);
    assertEquals(committedPaths, served, "the server serves a different document than the committed one");
    assertEquals("Witness appliance API", doc.path("info").path("title").asText());
  }

  @Test
  void operations_documentedAndImplementedAreTheSame() throws Exception {
    JsonNode doc = document(WitnessApi.of(url));
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      // "parameters" at the path level is shared by its operations, not an operation.
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (!m.equals("parameters")) {
          documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    assertEquals(implementedOperations(), documented,
        "resources and routes (left) and openapi.yaml (right) disagree: document or remove the difference");
  }

  @Test
  void statuses_answeredByTheServerAreDocumented() {
    WitnessApi api = WitnessApi.of(url);
    JsonNode doc = document(api);
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (op.getKey().equals("parameters")) {
          continue;
        }
        String method = op.getKey().toUpperCase(Locale.ROOT);
        String concrete = path.getKey().replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{seq}", "999999999").replace("{siteId}", "demo").replace("{siteKey}", "no-such-site-key")
            .replace("{version}", "999999");
        // Without credentials, with an empty JSON object as body: a 4xx the document must list.
        Reply anonymous = api.send(api.request(concrete).header("Content-Type", "application/json")
            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}")).build());
        check(problems, method, path.getKey(), op.getValue(), anonymous, "anonymous");
        // With the admin's token.
        Reply authorized = api.send(api.authorized(concrete).header("Content-Type", "application/json")
            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}")).build());
        check(problems, method, path.getKey(), op.getValue(), authorized, "authorized");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void successfulAnswers_carryTheRequiredProperties() {
    WitnessApi api = WitnessApi.of(url);
    JsonNode doc = document(api);
    byte[] recording = "[{\"type\":4,\"timestamp\":1700000000000,\"data\":{\"href\":\"https://bank.example/a\",\"width\":800,\"height\":600}},{\"type\":2,\"timestamp\":1700000000001,\"data\":{\"node\":{\"type\":0,\"id\":1,\"childNodes\":[]},\"initialOffset\":{\"top\":0,\"left\":0}}}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String id = api.importRecording(recording, false).assertStatus(201).json().path("id").asText();
    assertFalse(id.isEmpty());
    List<String> problems = new ArrayList<>();
    conform(problems, doc, "/api/v1/recordings", api.get("/api/v1/recordings").assertStatus(200).json());
    conform(problems, doc, "/api/v1/recordings/{id}", api.get("/api/v1/recordings/" + id).assertStatus(200).json());
    conform(problems, doc, "/api/v1/sites", api.get("/api/v1/sites").assertStatus(200).json());
    conform(problems, doc, "/api/v1/sites/{siteId}/policy", api.get("/api/v1/sites/demo/policy").assertStatus(200)
        .json());
    conform(problems, doc, "/consent/v1/sites/{siteKey}/policy", api.send(api.request("/consent/v1/sites/"
        + api.demoSiteKey() + "/policy").GET().build()).assertStatus(200).json());
    conform(problems, doc, "/api/v1/auth/token",
        api.postJson("/api/v1/auth/token", WitnessApi.credentials()).assertStatus(200).json());
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static void check(List<String> problems, String method, String path, JsonNode op, Reply reply,
      String who) {
    String status = Integer.toString(reply.status());
    if (!op.path("responses").has(status)) {
      problems.add(method + " " + path + " (" + who + ") answered " + status + ", which openapi.yaml does not list");
    }
    if (reply.status() >= 400 && !reply.header("Content-Type").orElse("").startsWith("application/problem+json")) {
      problems.add(method + " " + path + " (" + who + ") answered " + status + " without problem+json");
    }
  }

  private static void conform(List<String> problems, JsonNode doc, String path, JsonNode body) {
    JsonNode op = doc.path("paths").path(path).has("get") ? doc.path("paths").path(path).path("get")
        : doc.path("paths").path(path).path("post");
    JsonNode schema = op.path("responses").path("200").path("content").path("application/json").path("schema");
    requireProperties(problems, doc, path, schema, body);
  }

  private static void requireProperties(List<String> problems, JsonNode doc, String where, JsonNode schema,
      JsonNode value) {
    schema = resolve(doc, schema);
    for (JsonNode part : schema.path("allOf")) {
      requireProperties(problems, doc, where, part, value);
    }
    if (schema.path("type").asText().equals("array")) {
      for (JsonNode item : value) {
        requireProperties(problems, doc, where + "[]", schema.path("items"), item);
      }
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(where + ": missing required property '" + required.asText() + "'");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (value.has(p.getKey()) && !value.get(p.getKey()).isNull()) {
        requireProperties(problems, doc, where + "." + p.getKey(), p.getValue(), value.get(p.getKey()));
      }
    }
  }

  private static JsonNode resolve(JsonNode doc, JsonNode schema) {
    String ref = schema.path("$ref").asText("");
    if (ref.startsWith("#/components/schemas/")) {
      return doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
    }
    return schema;
  }

  private static JsonNode document(WitnessApi api) {
    return api.send(api.request("/openapi").header("Accept", "application/json").GET().build())
        .assertStatus(200).json();
  }

  /**
   * Web-server routes (not JAX-RS: the ingest endpoint) declare what they serve in a static
   * {@code ROUTE_OPERATIONS} set; the status test below calls each documented operation on the running server.
   */
  @SuppressWarnings("unchecked")
  private static void routeOperations(Class<?> c, Set<String> ops) {
    try {
      java.lang.reflect.Field f = c.getDeclaredField("ROUTE_OPERATIONS");
      f.setAccessible(true);
      ops.addAll((Set<String>) f.get(null));
    } catch (NoSuchFieldException e) {
      // not a route class
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  /** "METHOD /path" of every JAX-RS resource method and web-server route in the appliance's classes. */
  static Set<String> implementedOperations() throws IOException, ClassNotFoundException {
    Set<String> ops = new TreeSet<>();
    java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
    try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, OpenApiConformanceIT.class.getClassLoader());
        routeOperations(c, ops);
        Path root = c.getAnnotation(Path.class);
        if (root == null) {
          continue;
        }
        for (Method m : c.getDeclaredMethods()) {
          String http = httpMethod(m);
          if (http != null) {
            Path sub = m.getAnnotation(Path.class);
            String path = ("/" + root.value() + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/");
            ops.add(http + " " + (path.length() > 1 ? path.replaceAll("/$", "") : path));
          }
        }
      }
    }
    return ops;
  }

  private static String httpMethod(Method m) {
    for (Annotation a : m.getAnnotations()) {
      HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
      if (h != null) {
        return h.value();
      }
    }
    return null;
  }
}
