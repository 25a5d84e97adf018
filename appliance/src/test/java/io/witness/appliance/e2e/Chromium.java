package io.witness.appliance.e2e;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, nothing downloaded: both paths are given to
 * Selenium (driver executable and browser binary), so Selenium Manager never runs. A missing browser fails the
 * test with the package names to install; the tests are never skipped.
 *
 * <p>The viewport is set exactly through the DevTools protocol ({@code Emulation.setDeviceMetricsOverride},
 * scale factor 1, as the corpus's Playwright did), not only through the window size, whose relation to the
 * viewport is a headless implementation detail. Each instance has a fresh profile directory, deleted on close.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of(System.getProperty("witness.chromium", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getProperty("witness.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a headless browser whose viewport is {@code width} x {@code height} CSS pixels at scale 1. */
  static Chromium start(int width, int height) {
    if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
      throw new AssertionError("Chromium is missing (" + BINARY + ", " + DRIVER + "): install chromium "
          + "chromium-driver (as root: apt-get install -y chromium chromium-driver)");
    }
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    Path profile;
    try {
      profile = Files.createTempDirectory("witness-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        "--disable-extensions", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
        "--force-device-scale-factor=1", "--hide-scrollbars", "--disable-dev-shm-usage",
        "--lang=en-US",
        // As Playwright's headless defaults, which took the corpus's screenshots: colour profile and pointer.
        "--force-color-profile=srgb",
        "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(new File(System.getProperty("java.io.tmpdir"), "witness-chromedriver.log"))
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    Chromium c = new Chromium(driver, profile);
    c.viewport(width, height);
    return c;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Sets the layout viewport to exactly {@code width} x {@code height}; survives navigations in this tab. */
  void viewport(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  /** Makes every request whose URL matches one of the patterns fail (e.g. {@code http://127.0.0.1:8765/*}). */
  void block(List<String> urlPatterns) {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", urlPatterns));
  }

  /** The viewport as the browser renders it now. */
  BufferedImage screenshot() {
    try {
      return ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A screenshot once rendering has settled: two consecutive captures (a few animation frames apart) agree, or
   * the last one after {@code maxTries}.
   */
  BufferedImage stableScreenshot(int maxTries) {
    BufferedImage last = screenshot();
    for (int i = 1; i < maxTries; i++) {
      afterFrames(2);
      BufferedImage next = screenshot();
      if (PixelMatch.compare(last, next, 0).diffPixels() == 0) {
        return next;
      }
      last = next;
    }
    return last;
  }

  /** Waits for {@code n} animation frames of the page. */
  void afterFrames(int n) {
    driver.executeAsyncScript("const done = arguments[arguments.length - 1]; let n = arguments[0];"
        + "const step = () => (--n <= 0 ? done(true) : requestAnimationFrame(step)); requestAnimationFrame(step);",
        n);
  }

  WebDriverWait waitUpTo(Duration d) {
    return new WebDriverWait(driver, d, Duration.ofMillis(100));
  }

  static BufferedImage crop(BufferedImage img, Rectangle r) {
    Rectangle c = r.intersection(new Rectangle(0, 0, img.getWidth(), img.getHeight()));
    BufferedImage out = new BufferedImage(c.width, c.height, BufferedImage.TYPE_INT_ARGB);
    out.getGraphics().drawImage(img.getSubimage(c.x, c.y, c.width, c.height), 0, 0, null);
    return out;
  }

  static void save(BufferedImage img, Path file) {
    try {
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BufferedImage read(Path file) {
    try {
      BufferedImage img = ImageIO.read(file.toFile());
      if (img == null) {
        throw new IOException("not an image: " + file);
      }
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp profile is harmless
      }
    }
  }
}
