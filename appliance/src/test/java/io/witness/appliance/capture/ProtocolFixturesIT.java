package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.TableCounts;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared capture-protocol fixtures ({@code consent-gateway/fixtures/protocol}, also read by the SDK's
 * tests): the server answers every fixture body with the status its {@code expected.json} names, rejections
 * are problem+json, and no rejected fixture stores anything.
 */
@ExtendWith(ArquillianExtension.class)
class ProtocolFixturesIT {

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;

  static Path fixtures() {
    String repo = System.getProperty("witness.repo.dir", "..");
    Path dir = Path.of(repo, "consent-gateway", "fixtures", "protocol").toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("expected.json"))) {
      throw new AssertionError("the shared protocol fixtures are missing: no " + dir.resolve("expected.json")
          + " (set -Dwitness.repo.dir to the repository root)");
    }
    return dir;
  }

  @Test
  void everyFixture_getsTheStatusOfExpectedJson() throws IOException {
    WitnessApi api = WitnessApi.of(url);
    Path dir = fixtures();
    JsonNode expected = WitnessApi.JSON.readTree(dir.resolve("expected.json").toFile());
    try (Stream<Path> files = Files.list(dir)) {
      Set<String> onDisk = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.equals("expected.json")).collect(Collectors.toCollection(TreeSet::new));
      Set<String> listed = new TreeSet<>();
      expected.fieldNames().forEachRemaining(listed::add);
      assertEquals(onDisk, listed, "every fixture file has an expected status, and every expected one exists");
    }

    List<String> failures = new ArrayList<>();
    Map<String, Long> before = TableCounts.of(dataSource);
    expected.fields().forEachRemaining(e -> {
      if (e.getValue().asInt() != 200) {
        check(api, dir, e.getKey(), e.getValue(), failures);
      }
    });
    assertEquals(before, TableCounts.of(dataSource), "rejected fixtures store nothing");
    expected.fields().forEachRemaining(e -> {
      if (e.getValue().asInt() == 200) {
        check(api, dir, e.getKey(), e.getValue(), failures);
      }
    });
    assertTrue(failures.isEmpty(), failures.size() + " fixtures answered otherwise:\n" + String.join("\n", failures));
  }

  private static void check(WitnessApi api, Path dir, String name, JsonNode expected, List<String> failures) {
    int status = expected.isObject() ? expected.path("status").asInt() : expected.asInt();
    byte[] body;
    try {
      body = Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      failures.add(name + ": unreadable: " + e);
      return;
    }
    // A fixture naming a visitor is sent under that visitor's consent (a receipt binds the visitor).
    String receipt = api.demoConsent();
    try {
      JsonNode visitor = WitnessApi.JSON.readTree(body).path("visitorId");
      if (visitor.isTextual() && visitor.asText().matches("[A-Za-z0-9_-]{16,64}")) {
        receipt = api.grantConsent(visitor.asText());
      }
    } catch (IOException notJson) {
      // an invalid fixture: sent as it is
    }
    Reply r = api.ingest(body, false, receipt);
    if (r.status() != status) {
      failures.add(name + ": expected " + status + ", got " + r);
    } else if (status == 200) {
      if (!r.json().hasNonNull("sessionId") || !r.json().has("seq") || !r.json().has("duplicate")) {
        failures.add(name + ": answer lacks sessionId/seq/duplicate: " + r);
      }
    } else {
      String type = r.header("Content-Type").orElse("");
      String kind = r.json().path("type").asText();
      if (!type.startsWith("application/problem+json") || !(kind.endsWith("/malformed")
          || kind.endsWith("/validation"))) {
        failures.add(name + ": not a malformed/validation problem: " + r);
      }
    }
  }
}
