package io.witness.appliance.e2e;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;

/**
 * The console's replay page through its test contract: {@code replay.html?id=&t=<s>&scale=1&chrome=0} renders
 * only the replay frame, 1:1, at the top-left corner, paused at second {@code t}; {@code window.__witnessReplay}
 * offers {@code seek(ms)} and {@code firstFrameAt}; {@code body[data-replay-ready=true]} after the first frame.
 */
final class ReplayPage {
  private final Chromium browser;

  ReplayPage(Chromium browser) {
    this.browser = browser;
  }

  static URI url(URI base, String recordingId, long offsetMs) {
    return base.resolve("console/replay.html?id=" + recordingId + "&t=" + offsetMs / 1000 + "&scale=1&chrome=0");
  }

  /** Loads the replay page and waits for its first frame. */
  static ReplayPage open(Chromium browser, URI base, String recordingId, long offsetMs) {
    browser.driver().get(url(base, recordingId, offsetMs).toString());
    ReplayPage page = new ReplayPage(browser);
    page.awaitReady(Duration.ofSeconds(60));
    return page;
  }

  void awaitReady(Duration timeout) {
    try {
      browser.waitUpTo(timeout).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
          "return document.body != null && document.body.dataset.replayReady === 'true' && !!window.__witnessReplay")));
    } catch (TimeoutException e) {
      throw new AssertionError("the replay page did not become ready within " + timeout + " at "
          + browser.driver().getCurrentUrl() + "; page text: " + bodyText(), e);
    }
  }

  /** Seeks (paused) to {@code ms} after the recording's first event and waits two frames for it to paint. */
  void seek(long ms) {
    Object r = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "window.__witnessReplay.seek(arguments[0]).then(() => done('ok'), e => done('error: ' + e));", ms);
    if (!"ok".equals(r)) {
      throw new AssertionError("__witnessReplay.seek(" + ms + ") failed: " + r);
    }
    browser.afterFrames(2);
  }

  /**
   * Style sheets in the replay frame that have {@code :hover} rules but not rrweb's class-based copies of them
   * ({@code .\:hover}), with which a replayed mouse shows hover states. The console leaves the copies out of the
   * first frame only (components/player.ts, quickFirstSnapshotCss); after a seek there must be none.
   */
  long stylesWithoutHoverCopies() {
    Object n = browser.driver().executeScript("const f = document.querySelector('.replayer-wrapper iframe');"
        + "const d = f && f.contentDocument; if (!d) return -1;"
        + "return [...d.querySelectorAll('style')].filter(s => s.textContent.includes(':hover')"
        + " && !s.textContent.includes('.\\\\:hover')).length;");
    return ((Number) n).longValue();
  }

  /** {@code __witnessReplay.currentTime()}: the replay position in ms. */
  long currentTime() {
    return ((Number) browser.driver().executeScript("return window.__witnessReplay.currentTime()")).longValue();
  }

  /** {@code __witnessReplay.firstFrameAt}: performance.now() (ms since navigation start) of the first frame. */
  double firstFrameAt() {
    return ((Number) browser.driver().executeScript("return window.__witnessReplay.firstFrameAt")).doubleValue();
  }

  /** The replay frame (top-left {@code width} x {@code height}) once its rendering has settled. */
  BufferedImage frame(int width, int height) {
    return Chromium.crop(browser.stableScreenshot(10), new Rectangle(0, 0, width, height));
  }

  /** Evaluates {@code expression} inside the replayed document (rrweb's iframe is same-origin); JSON-safe. */
  Object inReplayedDocument(String expression) {
    return browser.driver().executeScript("const f = document.querySelector('iframe');"
        + "if (!f || !f.contentDocument) return null; const doc = f.contentDocument; return (" + expression + ");");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> frameRect() {
    return (Map<String, Object>) browser.driver().executeScript("const f = document.querySelector('iframe');"
        + "if (!f) return null; const r = f.getBoundingClientRect();"
        + "return {x: r.x, y: r.y, width: r.width, height: r.height};");
  }

  private String bodyText() {
    Object t = browser.driver().executeScript("return document.body ? document.body.innerText.slice(0, 500) : ''");
    return String.valueOf(t);
  }
}
