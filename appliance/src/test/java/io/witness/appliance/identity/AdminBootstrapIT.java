package io.witness.appliance.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.witness.appliance.bench.ApplianceProcess;
import io.witness.appliance.durability.ChildDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap {@code admin} account of a fresh appliance (the packaged jar as a child process): its password is
 * hashed beside the rest of the start, so a login right after {@code /health} answers 200 must wait for it; without
 * {@code WITNESS_ADMIN_PASSWORD} a generated password is shown once, on the first start only, and it works.
 */
class AdminBootstrapIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern SHOWN = Pattern.compile("password: (\\S+)");

  @Test
  void configuredPassword_logsInAsSoonAsTheApplianceIsReady() throws Exception {
    Path work = workDir("configured-");
    try (ChildDatabase database = ChildDatabase.start(db(), work);
        ApplianceProcess app = ApplianceProcess.start(options(work, database.env()))) {
      app.awaitHealthy(Duration.ofMinutes(2));
      assertEquals(200, token(app, ApplianceProcess.ADMIN_PASSWORD).statusCode(), app.tail(20));
      assertEquals(401, token(app, "not-" + ApplianceProcess.ADMIN_PASSWORD).statusCode());
    }
  }

  @Test
  void generatedPassword_isShownOnceOnTheFirstStart_andLogsIn() throws Exception {
    Path work = workDir("generated-");
    try (ChildDatabase database = ChildDatabase.start(db(), work)) {
      Map<String, String> env = new HashMap<>(database.env());
      env.put("WITNESS_ADMIN_PASSWORD", ""); // blank: the appliance generates one
      String password;
      try (ApplianceProcess first = ApplianceProcess.start(options(work, env))) {
        first.awaitHealthy(Duration.ofMinutes(2));
        password = awaitShownPassword(first);
        assertEquals(200, token(first, password).statusCode(), first.tail(20));
        first.stop();
      }
      try (ApplianceProcess second = ApplianceProcess.start(options(work, env))) {
        second.awaitHealthy(Duration.ofMinutes(2));
        assertEquals(200, token(second, password).statusCode(), second.tail(20));
        assertEquals(0, SHOWN.matcher(Files.readString(second.log())).results().count(),
            "shown on the first start only:\n" + second.tail(40));
      }
    }
  }

  private static String awaitShownPassword(ApplianceProcess app) throws Exception {
    for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < end; ) {
      Matcher m = SHOWN.matcher(Files.readString(app.log()));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no generated password was shown: " + app.tail(30));
  }

  private static ApplianceProcess.Options options(Path work, Map<String, String> env) {
    return ApplianceProcess.Options.of(work.resolve("data"), work).withJvmOptions(List.of("-Xmx512m")).withEnv(env);
  }

  private static HttpResponse<String> token(ApplianceProcess app, String password) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(app.baseUri().resolve("/api/v1/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String db() {
    return System.getProperty("witness.test.db", "h2");
  }

  private static Path workDir(String prefix) throws Exception {
    Path base = Path.of("target", "it-work", db()).toAbsolutePath();
    Files.createDirectories(base);
    return Files.createTempDirectory(base, "admin-bootstrap-" + prefix);
  }
}
