package io.witness.appliance.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Consent in Debian's Chromium on the demo page (consent-gateway/docs/consent-protocol.md): before consent the
 * page sends the appliance nothing but the policy request and stores nothing; after Accept it records and the
 * recording replays; after withdrawal capture stops at once and the stored consent is gone; a refusal stores
 * nothing; with Global Privacy Control on, no banner, nothing recorded; in a region the policy makes opt-out, it
 * records at once and "Opt out" stops it for good.
 */
@ExtendWith(ArquillianExtension.class)
class ConsentBrowserIT {
  static final String ADMIN_PASSWORD = "e2e-admin-password-2";
  static final Path OUT = Path.of(System.getProperty("witness.e2e.out", "target/e2e"), "consent");
  /** Requests the page made to the appliance, and what the browser stores (cookies, local and session storage). */
  static final String OBSERVE = "return JSON.stringify({requests: (window.__requests || [])"
      + ".filter(e => e.url.includes('/ingest/') || e.url.includes('/consent/')), cookies: document.cookie,"
      + " local: localStorage.length, session: sessionStorage.length, now: performance.now()})";
  /**
   * Runs before the page's scripts: notes every fetch, beacon and XHR the page makes (URL and time; a fetch body's
   * size) and keeps the body of every batch it sends by fetch in {@code __batches} (base64 of gzip or JSON); counts
   * the iframes added to the document, even those removed at once, in {@code __iframes}.
   */
  static final String NOTE_REQUESTS = "window.__requests = []; window.__batches = []; window.__iframes = 0;"
      + "new MutationObserver(ms => { for (const m of ms) for (const n of m.addedNodes)"
      + " if (n.nodeName === 'IFRAME') window.__iframes++; }).observe(document, {childList: true, subtree: true});"
      + "const note = u => window.__requests.push({url: String(u && u.url ? u.url : u), at: performance.now()});"
      + "const f = window.fetch; window.fetch = function (u, i) { note(u);"
      + " if (i && i.body && i.body.byteLength) { window.__requests[window.__requests.length - 1].size = i.body.byteLength;"
      + "  if (String(u).includes('/ingest/')) { let s = ''; for (const c of new Uint8Array(i.body)) s += String.fromCharCode(c);"
      + "   window.__batches.push(btoa(s)); } }"
      + " return f.apply(this, arguments); };"
      + "const b = navigator.sendBeacon && navigator.sendBeacon.bind(navigator);"
      + "if (b) navigator.sendBeacon = function (u, d) { note(u); return b(u, d); };"
      + "const o = XMLHttpRequest.prototype.open;"
      + "XMLHttpRequest.prototype.open = function (m, u) { note(u); return o.apply(this, arguments); };";

  @ArquillianResource URL url;

  @Deployment(testable = false)
  static JavaArchive appliance() {
    return Deployments.appliance(Map.of("auth.admin-password", ADMIN_PASSWORD));
  }

  @Test
  void beforeConsent_nothingIsSentOrStored_thenAcceptRecords_andWithdrawStops() throws Exception {
    URI base = url.toURI();
    WitnessClient api = WitnessClient.signIn(base, "admin", ADMIN_PASSWORD);
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().get(base.resolve("demo/").toString());
      awaitBanner(browser);
      WitnessClient.sleep(2000);
      JsonNode before = observe(browser);
      assertEquals(List.of("policy"), kinds(before), "before consent only the policy is fetched: " + before);
      assertEquals("", before.path("cookies").asText());
      assertEquals(0, before.path("local").asInt(), "nothing in localStorage before consent");
      assertEquals(0, before.path("session").asInt(), "nothing in sessionStorage before consent");
      assertEquals("unknown", script(browser, "return Witness.consent()"));
      Chromium.save(browser.screenshot(), OUT.resolve("banner.png"));

      // Accept: a receipt, then batches under it.
      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(0).click();
      awaitRecording(browser);
      browser.driver().findElement(By.id("calc")).click();
      assertEquals("ok", browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "Witness.flush().then(() => done('ok'), e => done('error: ' + e));"));
      String sessionId = script(browser, "return Witness.sessionId()");
      assertTrue(kinds(observe(browser)).contains("ingest"), "batches are sent after consent");
      assertEquals("0", script(browser, "return String(window.__iframes)"), "rrweb took the page's DOM prototypes"
          + " for untainted and built no hidden iframe to read them from (sdk/vite.config.ts)");
      JsonNode item = api.awaitListed(Map.of("page", "/demo/index.html"), i -> true, Duration.ofSeconds(20));
      JsonNode recording = api.recording(item.path("id").asText());
      assertTrue(recording.path("consentId").isTextual(), "the recording names its consent: " + recording);
      assertTrue(api.eventsText(item.path("id").asText()).startsWith("["), "it replays");

      // Withdraw: capture stops at once, storage is cleared, and the page sends no batch after it.
      assertEquals("ok", browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "Witness.withdraw().then(() => done('ok'), e => done('error: ' + e));"));
      double withdrawnAt = observe(browser).path("now").asDouble();
      browser.driver().findElement(By.id("calc")).click();
      browser.driver().findElement(By.id("name")).sendKeys("after withdrawal");
      WitnessClient.sleep(6500); // longer than the SDK's 5-s batch interval
      JsonNode after = observe(browser);
      for (JsonNode r : after.path("requests")) {
        if (r.path("url").asText().contains("/ingest/")) {
          assertTrue(r.path("at").asDouble() < withdrawnAt, "a batch was sent after the withdrawal: " + after);
        }
      }
      assertEquals(0, after.path("local").asInt(), "the stored consent is removed");
      assertEquals("denied", script(browser, "return Witness.consent()"));
      assertFalse(sessionId.isEmpty());
    }
  }

  @Test
  void reject_storesNothing_andSendsNoBatch() {
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().get(url.toString() + "demo/");
      awaitBanner(browser);
      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(1).click();
      browser.driver().findElement(By.id("calc")).click();
      WitnessClient.sleep(6000);
      JsonNode seen = observe(browser);
      assertEquals(List.of("policy"), kinds(seen), seen.toString());
      assertEquals(0, seen.path("local").asInt());
      assertEquals(0, seen.path("session").asInt());
    }
  }

  @Test
  void globalPrivacyControl_meansNoBannerAndNothingRecorded() {
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
          "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"));
      browser.driver().get(url.toString() + "demo/");
      browser.waitUpTo(Duration.ofSeconds(20)).until(d -> "blocked-by-signal".equals(script(browser,
          "return window.Witness ? Witness.consent() : ''")));
      browser.driver().findElement(By.id("calc")).click();
      WitnessClient.sleep(6000);
      assertTrue(browser.driver().findElements(By.cssSelector("#witness-consent")).isEmpty(), "no banner");
      JsonNode seen = observe(browser);
      assertFalse(kinds(seen).contains("ingest"), seen.toString());
      assertFalse(kinds(seen).contains("receipts"), seen.toString());
      assertEquals(0, seen.path("local").asInt());
    }
  }

  @Test
  void optOutRegion_recordsAtOnce_andOptingOutStopsItOnLaterPagesToo() throws Exception {
    URI base = url.toURI();
    WitnessClient api = adminWithDemoPolicy("consent:\n  regions:\n    US-CA: opt-out\n");
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().get(base.resolve("demo/?region=US-CA").toString());
      awaitRecording(browser);
      awaitBanner(browser);
      assertEquals(List.of("OK", "Opt out"), browser.driver().findElements(By.cssSelector("#witness-consent button"))
          .stream().map(b -> b.getText()).toList());
      assertEquals("granted", script(browser, "return Witness.consent()"));
      browser.driver().findElement(By.id("calc")).click();
      assertEquals("ok", browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "Witness.flush().then(() => done('ok'), e => done('error: ' + e));"));
      assertTrue(kinds(observe(browser)).contains("ingest"), "recorded without a prior grant");
      JsonNode item = recordingOfStoredConsent(api, browser);
      String events = api.eventsText(item.path("id").asText());
      assertTrue(events.startsWith("["), "it replays");
      // The banner was on the page while it recorded: stored as an empty box (rrweb's rr-block), never its text.
      String notice = browser.driver().findElement(By.id("witness-consent-notice")).getText();
      assertFalse(notice.isBlank());
      assertFalse(events.contains(notice), "the banner's notice is not recorded");
      assertTrue(events.contains("rr-block") && events.contains("rr_width"), "the banner is an empty box");

      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(1).click(); // Opt out
      browser.waitUpTo(Duration.ofSeconds(10)).until(d -> kinds(observe(browser)).contains("withdrawals"));
      assertEquals("denied", script(browser, "return Witness.consent()"));
      assertEquals("1", script(browser, "return localStorage.getItem('witness.optout')"));
      assertEquals("", script(browser, "return localStorage.getItem('witness.consent')"));

      // The next page: nothing recorded, nothing asked, nothing sent.
      browser.driver().get(base.resolve("demo/?region=US-CA").toString());
      browser.waitUpTo(Duration.ofSeconds(20)).until(d -> "denied".equals(script(browser,
          "return window.Witness ? Witness.consent() : ''")));
      browser.driver().findElement(By.id("calc")).click();
      WitnessClient.sleep(6000);
      assertTrue(browser.driver().findElements(By.cssSelector("#witness-consent")).isEmpty(), "no banner");
      JsonNode seen = observe(browser);
      assertEquals(List.of(), kinds(seen), seen.toString());
    } finally {
      api.putDemoPolicy("{}");
    }
  }

  @Test
  void networkCapture_onlyWhereThePolicySaysSo_keepsUrlsWithoutQueryNorBodies() throws Exception {
    URI base = url.toURI();
    WitnessClient api = adminWithDemoPolicy("network:\n  capture: true\n");
    try (Chromium browser = Chromium.start(1280, 800)) {
      browser.driver().get(base.resolve("demo/").toString());
      awaitBanner(browser);
      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(0).click();
      awaitRecording(browser);
      assertEquals("ok", browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
          + "fetch('/demo/site.json?token=s3cret-token', {method: 'POST', body: 'card=4111111111111111'})"
          + ".catch(() => 0).then(() => new Promise(r => setTimeout(r, 500)))"
          + ".then(() => Witness.flush()).then(() => done('ok'), e => done('error: ' + e));"));
      JsonNode item = recordingOfStoredConsent(api, browser);
      String events = api.eventsText(item.path("id").asText());
      assertTrue(events.contains("rrweb/network@1") && events.contains("/demo/site.json"),
          "the request is recorded: " + events.substring(0, Math.min(500, events.length())));
      assertFalse(events.contains("s3cret-token") || events.contains("4111111111111111"), "no query, no body");
    } finally {
      api.putDemoPolicy("{}");
    }
  }

  @Test
  void textMasking_happensInTheBrowser_piiInTextAndTextChanges_maskSelectorsAndUnmask() throws Exception {
    URI base = url.toURI();
    WitnessClient api = adminWithDemoPolicy("masking:\n  maskText: ['.balance']\n  unmask: ['.open']\n");
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
          "document.addEventListener('DOMContentLoaded', () => document.body.insertAdjacentHTML('beforeend',"
          + " '<p id=\"mail\">Mail alice@example.com today</p><div class=\"balance\">Balance 1,234.56"
          + " <span class=\"open\">Visible label</span></div><p>Order 20261204 shipped</p><!-- internal note --><p class=\"rr-mask\">Private memo</p>'));"));
      browser.driver().get(base.resolve("demo/").toString());
      awaitBanner(browser);
      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(0).click();
      awaitRecording(browser);
      script(browser, "document.getElementById('mail').firstChild.data = 'SSN 123-45-6789';"
          + " const p = document.createElement('p'); p.textContent = 'card 4111 1111 1111 1111';"
          + " document.body.append(p); return ''");
      WitnessClient.sleep(300);
      flush(browser);
      String sent = sentBatches(browser);
      for (String clear : List.of("alice@example.com", "1,234.56", "Balance", "123-45-6789", "4111 1111 1111 1111",
          "Private memo")) {
        assertFalse(sent.contains(clear), "the browser sent " + clear + " in clear");
      }
      for (String kept : List.of("Mail " + "*".repeat(17) + " today", "******* ******** ", "Visible label",
          "Order 20261204 shipped", "SSN " + "*".repeat(11), "card " + "*".repeat(19))) {
        assertTrue(sent.contains(kept), "the browser sent \"" + kept + "\": " + sent.length() + " characters");
      }
      assertFalse(sent.contains("internal note"), "comments are not recorded");
      assertFalse(sent.contains("[\"script\","), "script elements are not recorded");
      JsonNode item = recordingOfStoredConsent(api, browser);
      assertTrue(api.eventsText(item.path("id").asText()).contains("Visible label"), "unmasked text is replayed");
    } finally {
      api.putDemoPolicy("{}");
    }
  }

  @Test
  void stylesheets_areSentOnce_theSessionsNextPageRefersToThem_andReplaysThemInFull() throws Exception {
    URI base = url.toURI();
    WitnessClient api = WitnessClient.signIn(base, "admin", ADMIN_PASSWORD);
    // A stylesheet the size of a real one that gzip cannot shrink away (random class names), on every page load.
    StringBuilder css = new StringBuilder();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 400; i++) {
      css.append(".c").append(Long.toHexString(random.nextLong())).append("{margin:").append(i).append("px}");
    }
    try (Chromium browser = Chromium.start(1280, 800)) {
      noteRequests(browser);
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
          "document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style');"
              + " s.textContent = " + WitnessClient.JSON.writeValueAsString(css.toString()) + ";"
              + " document.head.append(s); });"));
      browser.driver().get(base.resolve("demo/").toString());
      awaitBanner(browser);
      browser.driver().findElements(By.cssSelector("#witness-consent button")).get(0).click();
      awaitRecording(browser);
      flush(browser);
      long firstPage = firstIngestSize(observe(browser));
      assertTrue(!script(browser, "return sessionStorage.getItem('witness.css') || ''").isEmpty(),
          "the appliance named the stylesheet: " + observe(browser));

      browser.driver().get(base.resolve("demo/").toString()); // the session's next page
      awaitRecording(browser);
      flush(browser);
      long nextPage = firstIngestSize(observe(browser));
      assertTrue(nextPage < firstPage - 4_000, "the next page sends a reference, not the stylesheet again: "
          + firstPage + " then " + nextPage + " bytes");
      JsonNode item = recordingOfStoredConsent(api, browser);
      String events = api.eventsText(item.path("id").asText());
      String firstRule = css.substring(0, css.indexOf("{")); // rrweb writes the rules back in its own format
      int at = events.indexOf(firstRule);
      assertTrue(at >= 0 && events.indexOf(firstRule, at + 1) > at, "both pages replay the stylesheet");
      assertFalse(events.contains("rr_css"), "no reference is stored");
    }
  }

  /** The batches the page sent, as their JSON text (inflated where gzipped), one after the other. */
  private static String sentBatches(Chromium browser) throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    for (JsonNode b64 : WitnessClient.JSON.readTree(script(browser, "return JSON.stringify(window.__batches)"))) {
      byte[] body = java.util.Base64.getDecoder().decode(b64.asText());
      if (body.length > 1 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      text.append(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
    assertTrue(text.length() > 0, "the page sent no batch");
    return text.toString();
  }

  private static void flush(Chromium browser) {
    assertEquals("ok", browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "Witness.flush().then(() => done('ok'), e => done('error: ' + e));"));
  }

  /** The body size of this page's first batch. */
  private static long firstIngestSize(JsonNode observed) {
    for (JsonNode r : observed.path("requests")) {
      if (r.path("url").asText().contains("/ingest/")) {
        return r.path("size").asLong();
      }
    }
    throw new AssertionError("no batch sent: " + observed);
  }

  /** Signs in as admin and gives the demo site this policy (the test puts the defaults back). */
  private WitnessClient adminWithDemoPolicy(String yaml) throws java.net.URISyntaxException {
    WitnessClient api = WitnessClient.signIn(url.toURI(), "admin", ADMIN_PASSWORD);
    api.putDemoPolicy(yaml);
    return api;
  }

  private static void awaitRecording(Chromium browser) {
    browser.waitUpTo(Duration.ofSeconds(20)).until(d -> "recording".equals(script(browser,
        "return document.body.dataset.witness || ''")));
  }

  /** The listed recording made under the consent this browser has stored. */
  private static JsonNode recordingOfStoredConsent(WitnessClient api, Chromium browser) {
    String consentId = script(browser, "return JSON.parse(localStorage.getItem('witness.consent')).consentId");
    return api.awaitListed(Map.of("page", "/demo/index.html"),
        i -> consentId.equals(api.recording(i.path("id").asText()).path("consentId").asText()), Duration.ofSeconds(20));
  }

  private static void noteRequests(Chromium browser) {
    browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", NOTE_REQUESTS));
  }

  private static void awaitBanner(Chromium browser) {
    browser.waitUpTo(Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("#witness-consent button"))
        .isEmpty());
  }

  private static JsonNode observe(Chromium browser) {
    try {
      return WitnessClient.JSON.readTree(script(browser, OBSERVE));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The kinds of appliance requests seen, in order, without repeats: policy, receipts, ingest, withdrawals. */
  private static List<String> kinds(JsonNode observed) {
    java.util.LinkedHashSet<String> kinds = new java.util.LinkedHashSet<>();
    for (JsonNode r : observed.path("requests")) {
      String u = r.path("url").asText();
      kinds.add(u.contains("/ingest/") ? "ingest" : u.substring(u.lastIndexOf('/') + 1));
    }
    return List.copyOf(kinds);
  }

  private static String script(Chromium browser, String js) {
    Object o = browser.driver().executeScript(js);
    return o == null ? "" : o.toString();
  }
}
