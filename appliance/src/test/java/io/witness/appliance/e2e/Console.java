package io.witness.appliance.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/**
 * The console's sign-in and recordings list, used the way a person does: typing into the login form and
 * submitting it, then reading the list. Selectors are the form's semantic ones (the password field, the submit
 * button), not styling classes.
 */
final class Console {
  private final Chromium browser;
  private final URI base;

  Console(Chromium browser, URI base) {
    this.browser = browser;
    this.base = base;
  }

  /** Opens login.html, types the credentials, submits and waits until the console has left the login page. */
  void signIn(String username, String password) {
    browser.driver().get(base.resolve("console/login.html").toString());
    WebElement pass = await(By.cssSelector("input[type=password]"), Duration.ofSeconds(20));
    WebElement user = browser.driver().findElement(
        By.cssSelector("input[name=username], input#username, input[autocomplete=username], form input[type=text]"));
    user.clear();
    user.sendKeys(username);
    pass.clear();
    pass.sendKeys(password);
    browser.driver().findElement(By.cssSelector("form button[type=submit], form input[type=submit]")).click();
    try {
      browser.waitUpTo(Duration.ofSeconds(20)).until(d -> !d.getCurrentUrl().contains("login.html")
          && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    } catch (TimeoutException e) {
      throw new AssertionError("signing in through " + base.resolve("console/login.html") + " did not leave the "
          + "login page; page text: " + browser.driver().findElement(By.tagName("body")).getText(), e);
    }
  }

  /** Waits until the recordings list (index.html) shows a link to the replay of {@code recordingId}. */
  WebElement awaitListed(String recordingId, Duration timeout) {
    By link = By.cssSelector("a[href*='replay.html?id=" + recordingId + "']");
    try {
      browser.waitUpTo(timeout).until(d -> !d.findElements(link).isEmpty());
    } catch (TimeoutException e) {
      List<WebElement> rows = browser.driver().findElements(By.cssSelector("a[href*='replay.html']"));
      throw new AssertionError("the recordings list at " + browser.driver().getCurrentUrl() + " has no link to "
          + recordingId + " within " + timeout + " (" + rows.size() + " replay links); page text: "
          + browser.driver().findElement(By.tagName("body")).getText(), e);
    }
    return browser.driver().findElement(link);
  }

  private WebElement await(By by, Duration timeout) {
    try {
      browser.waitUpTo(timeout).until(d -> !d.findElements(by).isEmpty());
    } catch (TimeoutException e) {
      throw new AssertionError(by + " not found at " + browser.driver().getCurrentUrl() + " within " + timeout, e);
    }
    return browser.driver().findElement(by);
  }
}
