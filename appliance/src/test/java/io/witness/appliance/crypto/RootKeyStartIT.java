package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.bench.ApplianceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged appliance ({@code java -jar}) seals a root key on its first start, and refuses to start, with one
 * clear message and without writing anything, when the passphrase is wrong or missing.
 */
class RootKeyStartIT {
  @Test
  void start_withAWrongOrMissingPassphrase_stopsWithOneMessageAndWritesNothing() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "it-work", "root-key-start"));
    Path data = work.resolve("data");
    deleteTree(data);
    String recording;
    try (ApplianceProcess first = ApplianceProcess.start(ApplianceProcess.Options.of(data, work))) {
      first.awaitHealthy(Duration.ofMinutes(3));
      // A recording, so that the database holds keys wrapped by this root.
      recording = new io.witness.appliance.bench.ApplianceClient(first.baseUri()).importRecording(
          io.witness.appliance.bench.CorpusBatches.gzip(io.witness.appliance.testing.Corpus.events("todomvc-vanillajs")
              .toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      first.stop();
    }
    assertTrue(Files.isRegularFile(data.resolve("keys").resolve(PassphraseCustody.KEYSTORE)), "sealed at first start");
    Map<String, String> before = listing(data);

    String wrong = "not-the-passphrase-of-this-keystore";
    for (Map<String, String> env : java.util.List.of(Map.of("WITNESS_ROOT_PASSPHRASE", wrong),
        Map.of("WITNESS_ROOT_PASSPHRASE", "", "WITNESS_ROOT_PASSPHRASE_FILE", ""))) {
      try (ApplianceProcess refused = ApplianceProcess.start(ApplianceProcess.Options.of(data, work).withEnv(env))) {
        int exit = refused.awaitExit(Duration.ofMinutes(2));
        String log = Files.readString(refused.log());
        assertNotEquals(0, exit, log);
        assertTrue(log.contains("SEVERE: Witness cannot start: the root "), log);
        assertFalse(log.contains(wrong), "the log never holds a passphrase");
        assertFalse(log.contains("Started all channels"), "the server never opened its port");
      }
      assertEquals(before, listing(data), "nothing in the data directory changed");
    }

    // Another appliance's keys beside this database: the keys in the database do not unwrap; the start stops.
    Path other = work.resolve("other");
    deleteTree(other);
    try (ApplianceProcess second = ApplianceProcess.start(ApplianceProcess.Options.of(other, work))) {
      second.awaitHealthy(Duration.ofMinutes(3));
      second.stop();
    }
    Path keys = data.resolve("keys");
    Path kept = work.resolve("kept-keys");
    deleteTree(kept);
    Files.move(keys, kept);
    Files.move(other.resolve("keys"), keys);
    try (ApplianceProcess refused = ApplianceProcess.start(ApplianceProcess.Options.of(data, work))) {
      int exit = refused.awaitExit(Duration.ofMinutes(2));
      String log = Files.readString(refused.log());
      assertNotEquals(0, exit, log);
      assertTrue(log.contains("Witness cannot start: the keys in the database were not wrapped by this root key"),
          log);
      assertFalse(log.contains("Started all channels"), "the server never opened its port");
    }
    // No keystore at all beside an existing embedded database: no new root key is made.
    deleteTree(keys);
    try (ApplianceProcess refused = ApplianceProcess.start(ApplianceProcess.Options.of(data, work))) {
      int exit = refused.awaitExit(Duration.ofMinutes(2));
      String log = Files.readString(refused.log());
      assertNotEquals(0, exit, log);
      assertTrue(log.contains("SEVERE: Witness cannot start: the embedded database"), log);
      assertFalse(Files.exists(keys.resolve(PassphraseCustody.KEYSTORE)), "no new root key was sealed");
    }
    // With its own keys back, the appliance starts and serves as before.
    deleteTree(keys);
    Files.move(kept, keys);
    try (ApplianceProcess again = ApplianceProcess.start(ApplianceProcess.Options.of(data, work))) {
      again.awaitHealthy(Duration.ofMinutes(3));
      byte[] events = new io.witness.appliance.bench.ApplianceClient(again.baseUri()).events(recording);
      assertTrue(events.length > 1000, "the recording replays with its own keys");
      again.stop();
    }
  }

  /** Every file under {@code dir} with its size and modification time. */
  static Map<String, String> listing(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
            : Files.size(p) + " bytes, " + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return files;
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
