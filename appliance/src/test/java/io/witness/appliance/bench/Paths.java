package io.witness.appliance.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where things are, for tests and benchmarks run from Maven (working directory {@code appliance/}), from
 * {@code bin/bench} (the repository root) or from an IDE. System properties win: {@code witness.repo.dir},
 * {@code witness.corpus.dir}, {@code witness.jar}. A missing piece is an {@link AssertionError} that says what to
 * build or where to put it, never a skip.
 */
public final class Paths {
  private Paths() {}

  /** The repository root (the folder with {@code appliance/} and {@code bin/}). */
  public static Path repo() {
    String configured = System.getProperty("witness.repo.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("appliance")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new AssertionError("cannot find the repository root from " + here
        + "; set -Dwitness.repo.dir=<path to the repository>");
  }

  /** The packaged appliance; fails with a clear message when it has not been built. */
  public static Path applianceJar() {
    String configured = System.getProperty("witness.jar");
    Path jar = configured != null && !configured.isBlank()
        ? Path.of(configured) : repo().resolve("appliance/target/witness-appliance.jar");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("libs"))) {
      throw new AssertionError("the packaged appliance is missing: " + jar + " (and its libs/ folder). Build it "
          + "first: 'bin/witness build', or 'mvn -pl appliance package' (failsafe runs after package).");
    }
    return jar.toAbsolutePath().normalize();
  }

  /** The shared rrweb corpus: {@code -Dwitness.corpus.dir}, else {@code <repo>/../shared/corpus}. */
  public static Path corpus() {
    String configured = System.getProperty("witness.corpus.dir");
    List<Path> candidates = configured != null && !configured.isBlank()
        ? List.of(Path.of(configured))
        : List.of(repo().resolve("../shared/corpus"), repo().resolve("shared/corpus"));
    for (Path p : candidates) {
      if (Files.isDirectory(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("the shared rrweb corpus is missing: looked in " + candidates
        + "; set -Dwitness.corpus.dir=<path>");
  }

  /** The java launcher of the running JVM (a JDK >= 21: Maven and bin/bench choose it). */
  public static String javaExecutable() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (!Files.isExecutable(java)) {
      throw new AssertionError("no java launcher at " + java);
    }
    if (Runtime.version().feature() < 21) {
      throw new AssertionError("the appliance needs Java 21+, this JVM is " + Runtime.version()
          + "; set JAVA_HOME to a JDK >= 21 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)");
    }
    return java.toString();
  }
}
