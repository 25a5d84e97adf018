package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.luben.zstd.Zstd;
import io.witness.appliance.platform.DatabaseMigrations;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.testing.Batches;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.EventAssertions;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batches answered but not yet stored when the appliance stopped (they are in its ingest journal) are stored at
 * the next start, before it takes requests. The deployment starts on a data directory whose journal holds a whole
 * corpus session in three segments, one of them ending in a record cut short (as a power loss leaves it).
 */
@ExtendWith(ArquillianExtension.class)
class JournalReplayIT {
  static final String SESSION = "todomvc-vanillajs";
  static final int PER_BATCH = 20;
  static final String SESSION_ID = Batches.newSessionId();
  static Path dataDir;
  static JsonNode expected;

  @Deployment(testable = false)
  static JavaArchive deployment() throws IOException {
    dataDir = Files.createTempDirectory(Path.of("target"), "journal-replay-it-");
    JsonNode events = Corpus.events(SESSION);
    List<IngestJournal.Entry> entries = new ArrayList<>();
    ArrayNode kept = WitnessApi.JSON.createArrayNode();
    for (int from = 0, seq = 0; from < events.size(); from += PER_BATCH, seq++) {
      List<String> json = new ArrayList<>();
      for (int i = from; i < Math.min(events.size(), from + PER_BATCH); i++) {
        json.add(events.get(i).toString());
        kept.add(events.get(i));
      }
      byte[] joined = String.join(",", json).getBytes(StandardCharsets.UTF_8);
      entries.add(new IngestJournal.Entry("demo", SESSION_ID, seq, Zstd.compress(joined, 3),
          io.witness.appliance.recording.LiveBatch.Origin.UNKNOWN));
    }
    expected = kept;
    Path journalDir = dataDir.resolve("journal");
    // The journal's segment keys are wrapped by the root key the appliance will unseal from this data directory.
    try (io.witness.appliance.crypto.PassphraseCustody custody = io.witness.appliance.crypto.PassphraseCustody
        .create(dataDir.resolve("keys"), Deployments.ROOT_PASSPHRASE.toCharArray(),
            cheapKdf());
        IngestJournal journal = new IngestJournal(journalDir, custody, 1)) {
      int third = entries.size() / 3;
      journal.append(entries.subList(0, third));
      journal.append(entries.subList(third, 2 * third));
      journal.append(entries.subList(2 * third, entries.size()));
    }
    // What a power loss mid-write leaves: the start of a record that was never answered.
    Files.write(journalDir.resolve("3" + IngestJournal.SUFFIX), new byte[] {0, 0, 1, 0, 7, 7},
        java.nio.file.StandardOpenOption.APPEND);
    return Deployments.appliance(Map.of("witness.data-dir", dataDir.toString()));
  }

  /** This build's key derivation (the FIPS build's is PBKDF2), Argon2id at a test's cost in the default build. */
  private static io.witness.appliance.crypto.PassphraseKdf cheapKdf() {
    io.witness.appliance.crypto.PassphraseKdf standard = io.witness.appliance.crypto.PassphraseKdf.standard();
    return standard instanceof io.witness.appliance.crypto.PassphraseKdf.Argon2id
        ? new io.witness.appliance.crypto.PassphraseKdf.Argon2id(1024, 1, 1) : standard;
  }

  @ArquillianResource URL url;
  @Inject RecordingStore store;
  @Inject @Named("witness") DataSource dataSource;

  @Test
  void journaledBatches_areStoredAtStart_andTheJournalIsEmptiedOnTheEmbeddedDatabase() throws IOException {
    WitnessApi api = WitnessApi.of(url);
    if (!DatabaseMigrations.vendor(dataSource).equals("h2")) {
      // With PostgreSQL the appliance answers after the commit and keeps no journal; one found is left alone.
      assertTrue(store.liveRecordingId("demo", SESSION_ID).isEmpty());
      assertEquals(3, segments(), "a journal the appliance does not use is not deleted");
      return;
    }
    String id = store.liveRecordingId("demo", SESSION_ID)
        .orElseThrow(() -> new AssertionError("the journal's batches were not stored at start"));
    // Batches are journaled after admission; these were written into the journal directly, so they come back as
    // written.
    EventAssertions.assertSameEvents(expected, api.events(id), "replayed journal");
    assertEquals(expected.size(), api.getJson("/api/v1/recordings/" + id).path("eventCount").asInt());
    assertEquals(0, segments(), "replayed segments are deleted once stored and synced");
    // A replayed batch sent again (the SDK's retry) is a duplicate.
    byte[] again = Batches.split(SESSION_ID, Corpus.events(SESSION), PER_BATCH).get(1);
    assertTrue(api.ingest(again, true).json().path("duplicate").asBoolean());
  }

  static long segments() throws IOException {
    try (Stream<Path> files = Files.list(dataDir.resolve("journal"))) {
      return files.filter(p -> p.toString().endsWith(IngestJournal.SUFFIX)).count();
    }
  }
}
