package io.witness.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Deployments;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Watching a recording in the console (Debian's Chromium) leaves a {@code replay.watched} entry with the intervals
 * that were played, and the console's audit page answers "who watched this recording" with it; the replay page
 * shows the recording verified against its capture manifest. Screenshots: {@code target/e2e/audit/}.
 */
@ExtendWith(ArquillianExtension.class)
class AuditConsoleIT {
  static final String ADMIN_PASSWORD = "e2e-admin-password-1";
  static final Path OUT = Path.of(System.getProperty("witness.e2e.out", "target/e2e"), "audit");
  private static final Pattern WATCHED = Pattern.compile("watched (\\d+\\.\\d)–(\\d+\\.\\d) s");

  @ArquillianResource URL url;

  @Deployment(testable = false)
  static JavaArchive appliance() {
    return Deployments.appliance(Map.of("auth.admin-password", ADMIN_PASSWORD));
  }

  @Test
  void watchingARecordingIsAuditedWithTheIntervalsPlayed() throws Exception {
    URI base = url.toURI();
    WitnessClient api = WitnessClient.signIn(base, "admin", ADMIN_PASSWORD);
    Corpus.Session session = Corpus.open().sessions().get(0);
    String id = api.importRecording(session.eventsBytes(), session.gzipped());
    String resource = URLEncoder.encode("recording:" + id, StandardCharsets.UTF_8);
    try (Chromium browser = Chromium.start(1280, 800)) {
      browser.block(List.of("http://127.0.0.1:8765/*"));
      new Console(browser, base).signIn("admin", ADMIN_PASSWORD);
      browser.driver().get(base.resolve("console/replay.html?id=" + id).toString());
      new ReplayPage(browser).awaitReady(Duration.ofSeconds(60));
      // The imported recording matches its capture manifest in the audit log: the page says so.
      browser.waitUpTo(Duration.ofSeconds(20)).until(d -> "verified".equals(((org.openqa.selenium.JavascriptExecutor) d)
          .executeScript("const b = document.querySelector('[data-integrity]'); return b && b.dataset.integrity")));
      Chromium.save(browser.stableScreenshot(5), OUT.resolve("replay-verified.png"));
      browser.driver().executeScript("document.querySelector('[aria-label=\"Play\"]').click()");
      Thread.sleep(3_000);
      // Leaving the replay sends what was played (pagehide); the audit page then shows who watched it.
      browser.driver().get(base.resolve("console/audit.html?resource=" + resource).toString());

      JsonNode entry = awaitWatched(api, resource, Duration.ofSeconds(20));
      assertEquals("admin", entry.get("actor").asText());
      Matcher m = WATCHED.matcher(entry.get("note").asText());
      assertTrue(m.find(), entry.toString());
      double start = Double.parseDouble(m.group(1));
      double end = Double.parseDouble(m.group(2));
      assertTrue(start < 1.0 && end - start >= 1.0 && end - start <= 10.0, "about the 3 s played: " + entry);

      // The audit page may have asked before the entry (sent as the replay page went away) was stored: reload.
      browser.driver().navigate().refresh();
      browser.waitUpTo(Duration.ofSeconds(20)).until(d -> d.findElement(By.tagName("main")).getText()
          .contains("replay.watched"));
      String page = browser.driver().findElement(By.tagName("main")).getText();
      assertTrue(page.contains(entry.get("note").asText()), page);
      assertTrue(page.contains("recording.events.read"), "the events read that showed the replay: " + page);
      Chromium.save(browser.stableScreenshot(5), OUT.resolve("audit-page.png"));
    }
  }

  private static JsonNode awaitWatched(WitnessClient api, String resource, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode items = api.get("api/v1/audit/entries?action=replay.watched&resource=" + resource).get("items");
      if (items.size() > 0) {
        return items.get(0);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no replay.watched entry within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
