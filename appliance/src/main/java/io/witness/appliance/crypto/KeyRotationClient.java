package io.witness.appliance.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code bin/witness keys rotate [--site ID]}: asks the running appliance to rotate its root key (or a site's key)
 * online and prints the progress until it is done. The appliance is at {@code WITNESS_URL} (default
 * {@code http://127.0.0.1:$WITNESS_HTTP_PORT}, port 8080); the caller signs in with {@code WITNESS_TOKEN}, or as
 * {@code WITNESS_ADMIN_USER} (default admin) with {@code WITNESS_ADMIN_PASSWORD}.
 */
final class KeyRotationClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyRotationClient() {}

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String site = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--site") && i + 1 < args.length) {
        site = args[++i];
      } else {
        err.println("usage: witness keys rotate [--site SITE_ID]   (no --site: the root key)");
        return 2;
      }
    }
    String base = env.getOrDefault("WITNESS_URL", "http://127.0.0.1:" + env.getOrDefault("WITNESS_HTTP_PORT",
        "8080")).replaceAll("/+$", "");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      String token = env.get("WITNESS_TOKEN");
      if (token == null || token.isBlank()) {
        String password = env.get("WITNESS_ADMIN_PASSWORD");
        if (password == null || password.isBlank()) {
          err.println("witness keys rotate: set WITNESS_TOKEN (a bearer token) or WITNESS_ADMIN_PASSWORD to sign in");
          return 2;
        }
        JsonNode t = send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/token"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON
                .writeValueAsString(Map.of("username", env.getOrDefault("WITNESS_ADMIN_USER", "admin"),
                    "password", password)))).build(), 200);
        token = t.path("token").asText();
      }
      String body = site == null ? "{\"scope\":\"root\"}"
          : JSON.writeValueAsString(Map.of("scope", "site", "site", site));
      JsonNode job = send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/keys/rotations"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 202);
      String id = job.path("id").asText();
      out.println("rotation " + id + " of " + job.path("scope").asText() + " started");
      String last = "";
      while (job.path("state").asText().equals("running")) {
        Thread.sleep(500);
        job = send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/keys/rotations/" + id))
            .header("Authorization", "Bearer " + token).GET().build(), 200);
        String line = job.path("done").asInt() + " of " + job.path("total").asInt() + " keys re-wrapped";
        if (!line.equals(last)) {
          out.println(line);
          last = line;
        }
      }
      if (!job.path("state").asText().equals("done")) {
        err.println("witness keys rotate: the rotation failed: " + job.path("error").asText());
        return 1;
      }
      out.println("done: " + job.path("scope").asText() + " key version " + job.path("newVersion").asInt() + ", "
          + job.path("rewrapped").asInt() + " keys re-wrapped, old versions destroyed "
          + job.path("destroyedVersions"));
      return 0;
    } catch (IOException e) {
      err.println("witness keys rotate: cannot reach the appliance at " + base + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (IllegalStateException e) {
      err.println("witness keys rotate: " + e.getMessage());
      return 1;
    }
  }

  private static JsonNode send(HttpClient http, HttpRequest request, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      String detail = r.body();
      try {
        detail = JSON.readTree(r.body()).path("detail").asText(r.body());
      } catch (IOException notJson) {
        // keep the body as it is
      }
      throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
          + r.statusCode() + ": " + detail);
    }
    return JSON.readTree(r.body());
  }
}
