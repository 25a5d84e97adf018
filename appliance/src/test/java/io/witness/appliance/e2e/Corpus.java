package io.witness.appliance.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared rrweb corpus ({@code shared/corpus}: index.json, one folder per session with events.json(.gz),
 * meta.json and screenshots), located by {@link io.witness.appliance.testing.Corpus#dir()}; this view adds the
 * index entries and screenshots the browser tests need.
 */
final class Corpus {
  private final Path dir;
  private final JsonNode index;

  private Corpus(Path dir, JsonNode index) {
    this.dir = dir;
    this.index = index;
  }

  static Corpus open() {
    Path dir = io.witness.appliance.testing.Corpus.dir();
    if (!Files.isRegularFile(dir.resolve("index.json"))) {
      throw new AssertionError("the shared corpus at " + dir + " has no index.json");
    }
    return new Corpus(dir, readJson(dir.resolve("index.json")));
  }

  Path dir() {
    return dir;
  }

  List<Session> sessions() {
    List<Session> out = new ArrayList<>();
    for (JsonNode s : index.get("sessions")) {
      Path folder = dir.resolve(s.get("id").asText());
      out.add(new Session(s.get("id").asText(), folder, s, readJson(folder.resolve("meta.json"))));
    }
    return out;
  }

  /** One recorded session: its index.json entry and its meta.json. */
  record Session(String id, Path folder, JsonNode indexEntry, JsonNode meta) {
    Path eventsFile() {
      return folder.resolve(indexEntry.get("eventsFile").asText());
    }

    boolean gzipped() {
      return eventsFile().getFileName().toString().endsWith(".gz");
    }

    byte[] eventsBytes() {
      try {
        return Files.readAllBytes(eventsFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String rrwebVersion() {
      return indexEntry.path("rrweb").asText("?");
    }

    long firstEventTs() {
      return meta.get("firstEventTs").asLong();
    }

    List<Shot> shots() {
      List<Shot> out = new ArrayList<>();
      for (JsonNode s : meta.get("screenshots")) {
        String file = s.get("file").asText();
        JsonNode pct = indexEntry.path("replayDiffPct").path(file);
        out.add(new Shot(file, folder.resolve(file), s.get("offsetMs").asLong(),
            s.get("viewport").get("width").asInt(), s.get("viewport").get("height").asInt(),
            pct.isNumber() ? pct.asDouble() : 0));
      }
      return out;
    }
  }

  /** A screenshot Chromium took while recording, and the pixel difference the corpus measured for it. */
  record Shot(String file, Path path, long offsetMs, int width, int height, double corpusDiffPct) {}

  static JsonNode readJson(Path file) {
    try {
      return WitnessClient.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
