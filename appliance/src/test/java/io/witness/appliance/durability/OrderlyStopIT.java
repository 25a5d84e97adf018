package io.witness.appliance.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.bench.ApplianceProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An orderly stop (SIGTERM, as systemd sends) is in the audit log: the packaged jar runs as a child process on
 * its own database, is stopped, started again on the same data, and the log holds its {@code appliance.stop}
 * between the two starts. With the embedded H2 this failed before 2026-12-04: H2's own shutdown hook closed the
 * database while the appliance was still writing its stop.
 */
class OrderlyStopIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void sigterm_isRecordedInTheAuditLog_beforeTheDatabaseCloses() throws Exception {
    String db = System.getProperty("witness.test.db", "h2");
    Path base = Path.of("target", "it-work", db).toAbsolutePath();
    Files.createDirectories(base);
    Path work = Files.createTempDirectory(base, "orderly-stop-");
    try (ChildDatabase database = ChildDatabase.start(db, work)) {
      ApplianceProcess.Options options = ApplianceProcess.Options.of(work.resolve("data"), work)
          .withJvmOptions(List.of("-Xmx512m")).withEnv(database.env());
      String stopped;
      try (ApplianceProcess first = ApplianceProcess.start(options)) {
        first.awaitHealthy(Duration.ofMinutes(2));
        awaitStarted(first); // a SIGTERM before Helidon has finished starting ends the JVM without its stop
        int exit = first.stop();
        stopped = "exit " + exit + ", log:\n" + first.tail(30);
        String log = Files.readString(first.log());
        assertFalse(log.contains("could not record the stop") || log.contains("audit log could not store"),
            "the stop was not stored: " + stopped);
      }
      try (ApplianceProcess second = ApplianceProcess.start(options)) {
        second.awaitHealthy(Duration.ofMinutes(2));
        JsonNode entries = auditEntries(second);
        List<String> actions = entries.path("items").findValuesAsText("action");
        assertEquals(2, actions.stream().filter("appliance.start"::equals).count(), actions.toString());
        assertEquals(1, actions.stream().filter("appliance.stop"::equals).count(), actions + "; first run " + stopped);
      }
    }
  }

  /** Until the log's last start-up line (Helidon prints its features once the server runs). */
  private static void awaitStarted(ApplianceProcess appliance) throws Exception {
    for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < end; ) {
      if (Files.readString(appliance.log()).contains("features: [")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the appliance did not finish starting: " + appliance.tail(20));
  }

  private static JsonNode auditEntries(ApplianceProcess appliance) throws Exception {
    HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(appliance.baseUri().resolve("/api/v1/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
            + ApplianceProcess.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, token.statusCode(), token.body());
    HttpResponse<String> entries = HTTP.send(HttpRequest.newBuilder(
            appliance.baseUri().resolve("/api/v1/audit/entries?limit=200"))
        .header("Authorization", "Bearer " + JSON.readTree(token.body()).path("token").asText()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, entries.statusCode(), entries.body());
    return JSON.readTree(entries.body());
  }
}
