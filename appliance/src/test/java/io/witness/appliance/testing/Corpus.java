package io.witness.appliance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The shared rrweb corpus ({@code shared/corpus} beside the repository: one folder per real recorded session
 * with {@code events.json} or {@code events.json.gz} and the ground truth {@code meta.json}). Found through the
 * system property {@code witness.corpus.dir} (set by the pom) or from the working directory.
 */
public final class Corpus {
  private Corpus() {}

  public static Path dir() {
    String configured = System.getProperty("witness.corpus.dir");
    List<Path> candidates = configured != null && !configured.isBlank()
        ? List.of(Path.of(configured))
        : List.of(Path.of("../../shared/corpus"), Path.of("../shared/corpus"));
    for (Path p : candidates) {
      if (Files.isDirectory(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("the shared rrweb corpus is missing: looked for " + candidates.stream()
        .map(p -> p.toAbsolutePath().normalize().toString()).toList() + ". It lives in shared/corpus beside the "
        + "repository (repo/../shared/corpus); set -Dwitness.corpus.dir=<path> if it is elsewhere.");
  }

  /** Every session folder's name, sorted. */
  public static List<String> sessions() {
    try (Stream<Path> s = Files.list(dir())) {
      List<String> names = s.filter(p -> Files.isRegularFile(p.resolve("meta.json")))
          .map(p -> p.getFileName().toString()).sorted().toList();
      if (names.isEmpty()) {
        throw new AssertionError("the corpus at " + dir() + " has no session folders");
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The events file as stored: {@code events.json} or {@code events.json.gz}. */
  public static Path eventsFile(String session) {
    Path plain = dir().resolve(session).resolve("events.json");
    Path gz = dir().resolve(session).resolve("events.json.gz");
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new AssertionError("session " + session + " has neither events.json nor events.json.gz");
  }

  /** The events as uncompressed JSON bytes. */
  public static byte[] eventsJson(String session) {
    Path f = eventsFile(session);
    try (InputStream in = Files.newInputStream(f)) {
      return f.toString().endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode events(String session) {
    try {
      return WitnessApi.JSON.readTree(eventsJson(session));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode meta(String session) {
    try {
      return WitnessApi.JSON.readTree(dir().resolve(session).resolve("meta.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
