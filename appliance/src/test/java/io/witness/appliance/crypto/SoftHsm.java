package io.witness.appliance.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SoftHSM2 for tests: a configuration file whose token directory is fresh, and tokens made in it with
 * {@code softhsm2-util}. SoftHSM2 reads the file named by {@code SOFTHSM2_CONF} and lists its tokens when the
 * library is initialised, once per process: so the variable must be in the environment of the process that loads
 * the library (Maven's surefire sets it for unit tests; an IT passes it to the appliance it starts), and every
 * token a process will use must exist before that process first opens the library. A missing SoftHSM2 fails the
 * test with what to install; it is never skipped.
 */
final class SoftHsm {
  static final String USER_PIN = "test-user-pin-4711";
  static final String SO_PIN = "test-so-pin-0815";
  private static final List<Path> LIBRARIES = List.of(Path.of("/usr/lib/softhsm/libsofthsm2.so"),
      Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"), Path.of("/usr/lib64/softhsm/libsofthsm.so"));

  private final Path config;

  private SoftHsm(Path config) {
    this.config = config;
  }

  /** The SoftHSM2 PKCS#11 module; fails with what to install if it is missing. */
  static Path library() {
    for (Path p : LIBRARIES) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError("no SoftHSM2 PKCS#11 library in " + LIBRARIES
        + ": install softhsm2 (apt-get install softhsm2)");
  }

  /**
   * Writes {@code config} naming a new, empty token directory beside it (earlier runs' tokens stay out of the
   * way) and returns a SoftHSM2 on it.
   */
  static SoftHsm fresh(Path config) {
    library();
    try {
      Files.createDirectories(config.getParent());
      Path tokens = Files.createTempDirectory(config.getParent(), "tokens-");
      Files.writeString(config, "# written by SoftHsm (tests)\ndirectories.tokendir = " + tokens.toAbsolutePath()
          + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot write the SoftHSM2 configuration " + config + ": " + e, e);
    }
    return new SoftHsm(config);
  }

  /** The SoftHSM2 of this test JVM: {@code SOFTHSM2_CONF}, as surefire sets it (appliance/pom.xml). */
  static SoftHsm ofThisJvm() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new AssertionError("SOFTHSM2_CONF is not set for this JVM: run the test with Maven (appliance/pom.xml"
          + " sets it for surefire), or set it to a writable path such as target/softhsm/softhsm2.conf");
    }
    return fresh(Path.of(conf));
  }

  Path config() {
    return config;
  }

  /** Initialises a new token labelled {@code label} with {@link #USER_PIN}. */
  SoftHsm token(String label) {
    List<String> cmd = List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN,
        "--pin", USER_PIN);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("SOFTHSM2_CONF", config.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("softhsm2-util could not initialise token '" + label + "': " + out);
      }
    } catch (IOException e) {
      throw new AssertionError("softhsm2-util cannot be run (" + e.getMessage()
          + "): install softhsm2 (apt-get install softhsm2)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while initialising a SoftHSM2 token", e);
    }
    return this;
  }
}
