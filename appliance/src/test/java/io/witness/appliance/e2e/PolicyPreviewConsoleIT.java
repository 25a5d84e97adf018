package io.witness.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.testing.Deployments;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The policy page's preview in Debian's Chromium: a draft (not saved) that masks tables, previewed on the corpus's
 * SB Admin 2 tables recording, replays with the table's rows masked — also the rows DataTables re-renders 19 s in —
 * while the stored recording and the site's policy stay as they were. Screenshot: {@code target/e2e/preview/}.
 */
@ExtendWith(ArquillianExtension.class)
class PolicyPreviewConsoleIT {
  static final String ADMIN_PASSWORD = "e2e-admin-password-1";
  static final Path OUT = Path.of(System.getProperty("witness.e2e.out", "target/e2e"), "preview");

  @ArquillianResource URL url;

  @Deployment(testable = false)
  static JavaArchive appliance() {
    return Deployments.appliance(Map.of("auth.admin-password", ADMIN_PASSWORD));
  }

  @Test
  void draftMaskingTables_previewReplaysTheRecordingMasked_andSavesNothing() throws Exception {
    URI base = url.toURI();
    WitnessClient api = WitnessClient.signIn(base, "admin", ADMIN_PASSWORD);
    Corpus.Session session = Corpus.open().sessions().stream().filter(s -> s.id().equals("sb-admin-tables-charts"))
        .findFirst().orElseThrow();
    String id = api.importRecording(session.eventsBytes(), session.gzipped());
    int version = api.get("api/v1/sites/demo/policy").get("version").asInt();
    try (Chromium browser = Chromium.start(1280, 800)) {
      browser.block(List.of("http://127.0.0.1:8765/*"));
      new Console(browser, base).signIn("admin", ADMIN_PASSWORD);
      browser.driver().get(base.resolve("console/policy.html?site=demo").toString());
      // The list offers the site's 20 latest recordings (by start time): other tests' may come first.
      browser.waitUpTo(Duration.ofSeconds(30)).until(d -> !d.findElements(
          By.cssSelector("#p-preview-recording option:not([value=''])")).isEmpty());
      // The draft in the editor; the preview opens in this tab (the page opens a new one).
      browser.driver().executeScript("const a = document.getElementById('p-document');"
          + "a.value = 'masking:\\n  maskText: [table]\\n'; a.dispatchEvent(new Event('input', {bubbles: true}));"
          + "const sel = document.getElementById('p-preview-recording');"
          + "if (![...sel.options].some(o => o.value === arguments[0])) sel.add(new Option(arguments[0], arguments[0]));"
          + "sel.value = arguments[0];"
          + "window.open = (u) => { location.href = u; };", id);
      browser.driver().findElement(By.xpath("//button[contains(., 'Preview on this recording')]")).click();
      ReplayPage replay = new ReplayPage(browser);
      replay.awaitReady(Duration.ofSeconds(60));
      assertTrue(browser.driver().getCurrentUrl().contains("preview=1"), browser.driver().getCurrentUrl());
      String notice = browser.driver().findElement(By.cssSelector(".preview-notice")).getText();
      assertTrue(notice.contains("Preview of a draft policy"), notice);

      replay.seek(21_000); // after DataTables re-rendered the rows (19.2 s)
      String cells = String.valueOf(replay.inReplayedDocument("[...doc.querySelectorAll('td')].map(t => t.textContent)"
          + ".join('|')"));
      assertFalse(cells.isBlank(), "the table is there");
      assertFalse(cells.contains("Tiger Nixon") || cells.contains("Edinburgh"), "rows in clear: " + cells);
      Object heading = replay.inReplayedDocument("doc.body.innerText.includes('DataTables Example')");
      assertEquals(Boolean.TRUE, heading, "text outside tables stays readable");
      // The element the draft's rule matched is outlined, the rule named on it.
      browser.waitUpTo(Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(replay.inReplayedDocument(
          "[...doc.querySelectorAll('[data-witness-rule]')].some(e => e.tagName === 'TABLE'"
              + " && e.getAttribute('data-witness-rule') === 'mask-text table')")));
      Chromium.save(browser.stableScreenshot(5), OUT.resolve("preview-masked-table.png"));
    }
    assertEquals(version, api.get("api/v1/sites/demo/policy").get("version").asInt(), "nothing was saved");
  }
}
