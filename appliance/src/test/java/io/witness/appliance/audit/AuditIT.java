package io.witness.appliance.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.platform.DatabaseMigrations;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import io.witness.audit.AuditVerifier;
import io.witness.audit.Checkpoint;
import io.witness.audit.Merkle;
import io.witness.audit.SignedNote;
import io.witness.audit.VerifyCommand;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log in the running appliance, on H2 and on real PostgreSQL: every access is an entry, an untouched log
 * verifies offline, each kind of tampering applied directly in the database is found and its first bad entry named,
 * PostgreSQL refuses UPDATE and DELETE on the audit tables, content is not served when the log cannot be written,
 * and a syslog collector on loopback receives every checkpoint.
 */
@ExtendWith(ArquillianExtension.class)
class AuditIT {
  private static final List<String> SYSLOG = new CopyOnWriteArrayList<>();
  private static Path checkpointDir;

  /** A syslog collector on loopback (RFC 6587 octet counting), started before the appliance. */
  @Deployment(testable = false)
  static JavaArchive deployment() throws IOException {
    ServerSocket collector = new ServerSocket(0);
    SyslogCollector.start(collector, SYSLOG);
    checkpointDir = Files.createTempDirectory("witness-audit-checkpoints");
    return Deployments.appliance(Map.of("audit.syslog", "127.0.0.1:" + collector.getLocalPort(),
        "audit.checkpoint-every", "5", "audit.checkpoint-dir", checkpointDir.toString()));
  }

  @ArquillianResource URL url;
  @Inject @Named("witness") DataSource dataSource;
  WitnessApi api;

  @BeforeEach
  void client() {
    api = WitnessApi.of(url);
  }

  private JsonNode latest() {
    return api.getJson("/api/v1/audit/checkpoints/latest");
  }

  private String importTiny() {
    String body = "[{\"type\":4,\"timestamp\":1700000000000,\"data\":{\"href\":\"https://audit.example/\","
        + "\"width\":800,\"height\":600}},{\"type\":2,\"timestamp\":1700000000100,\"data\":{\"node\":{\"type\":0,"
        + "\"childNodes\":[],\"id\":1},\"initialOffset\":{\"left\":0,\"top\":0}}}]";
    return api.importRecording(body.getBytes(StandardCharsets.UTF_8), false).assertStatus(201).json()
        .get("id").asText();
  }

  @Test
  void everyAccessIsAnEntryAndTheExportVerifiesOffline() throws Exception {
    String id = importTiny();
    api.get("/api/v1/recordings/" + id).assertStatus(200);
    api.get("/api/v1/recordings/" + id + "/events").assertStatus(200);
    api.get("/api/v1/recordings?hasError=true&subject=" + WitnessApi.encode("ada@example.com")).assertStatus(200);
    api.postJson("/api/v1/auth/token", "{\"username\":\"admin\",\"password\":\"wrong password\"}").assertStatus(401);

    JsonNode items = api.getJson("/api/v1/audit/entries?resource=" + WitnessApi.encode("recording:" + id)).get("items");
    List<String> actions = new ArrayList<>();
    items.forEach(e -> {
      actions.add(e.get("action").asText());
      // The user's actions; the capture manifest is the appliance's own entry.
      assertEquals(e.get("action").asText().equals("recording.manifest") ? "witness" : "admin", e.get("actor").asText());
      assertTrue(e.get("actorType").asText().equals("service") || e.get("ip").asText().startsWith("127.")
          || e.get("ip").asText().contains(":"), e.toString());
    });
    assertTrue(actions.containsAll(List.of("recording.import", "recording.manifest", "recording.read",
        "recording.events.read")), actions.toString());
    JsonNode search = api.getJson("/api/v1/audit/entries?action=recording.search&limit=1").get("items").get(0);
    assertTrue(search.get("note").asText().contains("hasError=true") && search.get("note").asText().contains("subject=(given)"),
        search.toString());
    assertFalse(search.toString().contains("ada@example.com"), "the searched e-mail is kept as a digest only");
    JsonNode failed = api.getJson("/api/v1/audit/entries?action=auth.token&limit=5").get("items");
    assertTrue(java.util.stream.StreamSupport.stream(failed.spliterator(), false)
        .anyMatch(e -> e.get("outcome").asText().equals("failure")), "a failed token request: " + failed);

    // The export, verified by the offline command with the key and a checkpoint collected from the directory.
    String key = latest().get("verifierKey").asText();
    HttpResponse<Path> export = api.http().send(api.authorized("/api/v1/audit/export").GET().build(),
        HttpResponse.BodyHandlers.ofFile(Files.createTempFile("audit", ".zip")));
    assertEquals(200, export.statusCode());
    Path held;
    try (var files = Files.list(checkpointDir)) {
      held = files.filter(f -> f.toString().endsWith(".note")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VerifyCommand.run(new String[] {export.body().toString(), "--key", key, "--checkpoint", held.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("OK: "), out.toString(StandardCharsets.UTF_8));

    // The inclusion proof of an entry checks against the signed root.
    long seq = items.get(0).get("seq").asLong();
    JsonNode proof = api.getJson("/api/v1/audit/entries/" + seq + "/proof");
    Checkpoint cp = Checkpoint.parse(SignedNote.parse(proof.get("checkpoint").asText()).text());
    List<byte[]> path = new ArrayList<>();
    proof.get("proof").forEach(h -> path.add(java.util.HexFormat.of().parseHex(h.asText())));
    assertTrue(Merkle.verifyInclusion(java.util.HexFormat.of().parseHex(proof.get("leafHash").asText()), seq - 1,
        cp.size(), path, cp.root()));
    assertTrue(SignedNote.verify(proof.get("checkpoint").asText(), SignedNote.VerifierKey.parse(key),
        VerifyCommand.provider()));
  }

  @Test
  void aSyslogCollectorOnLoopbackReceivesEveryCheckpoint() throws Exception {
    for (int i = 0; i < 12; i++) {
      api.get("/api/v1/audit/entries?limit=1").assertStatus(200);
    }
    latest();
    List<String> stored = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT note FROM audit_checkpoints ORDER BY tree_size")) {
      while (r.next()) {
        stored.add(r.getString(1));
      }
    }
    String last = stored.get(stored.size() - 1);
    waitFor(() -> SYSLOG.stream().anyMatch(m -> m.endsWith(last)), Duration.ofSeconds(60));
    // Every checkpoint made while this appliance ran (the database may hold earlier ones of other test classes).
    long sent = stored.stream().filter(n -> SYSLOG.stream().anyMatch(m -> m.endsWith(n))).count();
    long fromThisRun = stored.stream().filter(n -> Files.exists(checkpointDir.resolve(String.format("%020d.note",
        Long.parseLong(n.split("\n", 3)[1]))))).count();
    assertTrue(fromThisRun >= 3, "checkpoints every 5 entries: " + fromThisRun);
    assertEquals(fromThisRun, sent, "every checkpoint of this run reached syslog");
    String message = SYSLOG.get(SYSLOG.size() - 1);
    assertTrue(message.matches("(?s)<109>1 \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\S+ witness - audit-checkpoint - .*\n\n\u2014 .*\n"),
        message);
  }

  @Test
  void contentIsNotServedWhileTheAuditLogCannotBeWritten() throws Exception {
    String id = importTiny();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE audit_entries RENAME TO audit_entries_away");
    }
    try {
      Reply events = api.get("/api/v1/recordings/" + id + "/events");
      events.assertProblem(503, "unavailable");
      assertFalse(events.text().contains("audit.example"), "no event was served");
      api.get("/api/v1/audit/export").assertProblem(503, "unavailable");
      api.get("/api/v1/recordings/" + id).assertProblem(503, "unavailable");
    } finally {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE audit_entries_away RENAME TO audit_entries");
      }
    }
    api.get("/api/v1/recordings/" + id + "/events").assertStatus(200);
  }

  @Test
  void aCompleteRecordingIsCheckedAgainstItsCaptureManifest() throws Exception {
    String id = importTiny();
    JsonNode manifest = api.getJson("/api/v1/audit/entries?action=recording.manifest&resource="
        + WitnessApi.encode("recording:" + id)).get("items").get(0);
    assertEquals("witness", manifest.get("actor").asText());
    JsonNode ok = api.getJson("/api/v1/recordings/" + id + "/integrity");
    assertEquals("verified", ok.get("status").asText(), ok.toString());
    assertEquals(manifest.get("detailsDigest").asText(), ok.get("manifestDigest").asText());
    assertEquals(manifest.get("seq").asLong(), ok.get("auditSeq").asLong());

    // A chunk changed in the database (one byte of its sealed blob): the recording no longer matches.
    String blobKey;
    byte[] original;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT b.blob_key, b.data FROM blobs b JOIN recording_chunks k"
            + " ON k.blob_key = b.blob_key WHERE k.recording_id = ? ORDER BY k.chunk_no")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next());
        blobKey = r.getString(1);
        original = r.getBytes(2);
      }
      byte[] altered = original.clone();
      altered[altered.length - 1] ^= 1;
      exec(c, "UPDATE blobs SET data = ? WHERE blob_key = ?", altered, blobKey);
    }
    try {
      assertEquals("altered", api.getJson("/api/v1/recordings/" + id + "/integrity").get("status").asText());
    } finally {
      try (Connection c = dataSource.getConnection()) {
        exec(c, "UPDATE blobs SET data = ? WHERE blob_key = ?", original, blobKey);
      }
    }
    assertEquals("verified", api.getJson("/api/v1/recordings/" + id + "/integrity").get("status").asText());
  }

  // --- Tampering, directly in the database -------------------------------------------------------------------

  @SuppressWarnings("ArrayRecordComponent")
  private record Row(long seq, byte[] canonical, byte[] leaf) {}

  private Row row(Connection c, long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT canonical, leaf_hash FROM audit_entries WHERE seq = ?")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next(), "entry " + seq);
        return new Row(seq, r.getBytes(1), r.getBytes(2));
      }
    }
  }

  private static void put(Connection c, Row row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE audit_entries SET canonical = ?, leaf_hash = ? WHERE seq = ?")) {
      s.setBytes(1, row.canonical());
      s.setBytes(2, row.leaf());
      s.setLong(3, row.seq());
      assertEquals(1, s.executeUpdate());
    }
  }

  private static void exec(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.executeUpdate();
    }
  }

  private AuditVerifier.Result verifyDatabase(String key, String origin, List<String> held) throws IOException {
    Path zip = Files.createTempFile("audit-db", ".zip");
    try {
      try (OutputStream out = Files.newOutputStream(zip)) {
        io.witness.audit.AuditExport.write(new JdbcAuditStore(dataSource), origin, SignedNote.VerifierKey.parse(key),
            null, out);
      }
      return AuditVerifier.verify(zip, SignedNote.VerifierKey.parse(key), held, VerifyCommand.provider());
    } finally {
      Files.deleteIfExists(zip);
    }
  }

  @Test
  void eachKindOfTamperingInTheDatabaseIsFoundAndItsFirstBadEntryNamed() throws Exception {
    for (int i = 0; i < 30; i++) {
      api.get("/api/v1/audit/entries?limit=1").assertStatus(200);
    }
    JsonNode cp = latest();
    String key = cp.get("verifierKey").asText();
    String origin = Checkpoint.parse(SignedNote.parse(cp.get("note").asText()).text()).origin();
    long size = cp.get("treeSize").asLong();
    List<String> held = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size")) {
      while (r.next()) {
        sizes.add(r.getLong(1));
        held.add(r.getString(2));
      }
    }
    assertEquals(size, sizes.get(sizes.size() - 1));
    // Two checkpoints at least 10 entries apart, well inside the log: the tampering happens between them.
    long before = sizes.stream().filter(x -> x <= size - 15).reduce((a, b) -> b).orElseThrow();
    long target = before + 3;
    assertTrue(verifyDatabase(key, origin, held).ok(), "the untouched log verifies");

    boolean postgres = DatabaseMigrations.vendor(dataSource).equals("postgresql");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (postgres) {
        // The database itself refuses: the appliance's role may only append.
        SQLException refused = assertThrows(SQLException.class, () -> exec(c, "UPDATE audit_entries SET actor = 'x' WHERE seq = ?", target));
        assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        assertThrows(SQLException.class, () -> exec(c, "DELETE FROM audit_entries WHERE seq = ?", target));
        assertThrows(SQLException.class, () -> exec(c, "DELETE FROM audit_checkpoints WHERE tree_size = ?", before));
        assertThrows(SQLException.class, () -> exec(c, "TRUNCATE audit_entries"));
        // An owner can switch the triggers off; the cryptographic evidence still shows what it does.
        for (String t : List.of("audit_entries", "audit_checkpoints", "audit_tiles")) {
          exec(c, "ALTER TABLE " + t + " DISABLE TRIGGER USER");
        }
      }
      // Every entry after the earlier checkpoint, as stored: put back after each kind of tampering.
      Map<Long, Object[]> saved = columns(c, before + 1);
      Runnable restore = () -> {
        try {
          exec(c, "DELETE FROM audit_entries WHERE seq > ?", before);
          for (Object[] columns : saved.values()) {
            exec(c, "INSERT INTO audit_entries (seq, recorded_at, actor_type, actor, action, outcome, resource_type,"
                + " resource_id, site_id, canonical, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns);
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      };
      try {
        Row original = row(c, target);
        Row next = row(c, target + 1);

        // Edit an entry.
        byte[] edited = new String(original.canonical(), StandardCharsets.UTF_8).replace("\"admin\"", "\"mallory\"")
            .getBytes(StandardCharsets.UTF_8);
        put(c, new Row(target, edited, original.leaf()));
        assertBad(verifyDatabase(key, origin, held), target, "changed after it was written");
        restore.run();

        // Edit it and rewrite its leaf hash too: the signed checkpoint after it disagrees.
        put(c, new Row(target, edited, Merkle.leafHash(edited)));
        assertBad(verifyDatabase(key, origin, held), before + 1, "root signed");
        restore.run();

        // Delete one.
        exec(c, "DELETE FROM audit_entries WHERE seq = ?", target);
        assertBad(verifyDatabase(key, origin, held), target, "missing");
        restore.run();

        // Reorder two.
        put(c, new Row(target, next.canonical(), next.leaf()));
        put(c, new Row(target + 1, original.canonical(), original.leaf()));
        assertBad(verifyDatabase(key, origin, held), target, "out of order");
        restore.run();

        // Cut the tail off.
        exec(c, "DELETE FROM audit_entries WHERE seq >= ?", target);
        assertBad(verifyDatabase(key, origin, held), target, "cut off");
        restore.run();

        // Forge a checkpoint's signature (a note signed by another key).
        String note = held.get(sizes.indexOf(before) + 1);
        long forgedSize = sizes.get(sizes.indexOf(before) + 1);
        exec(c, "UPDATE audit_checkpoints SET note = ? WHERE tree_size = ?",
            SignedNote.sign(SignedNote.parse(note).text(), otherSigner(origin)), forgedSize);
        assertBad(verifyDatabase(key, origin, List.of()), before + 1, "forged");
        exec(c, "UPDATE audit_checkpoints SET note = ? WHERE tree_size = ?", note, forgedSize);

        // Fork: the same log up to a checkpoint, different entries after it (each one well formed and hashed).
        for (long seq = before + 1; seq <= size; seq++) {
          Row r = row(c, seq);
          byte[] other = new String(r.canonical(), StandardCharsets.UTF_8).replace("\"admin\"", "\"eve\"")
              .getBytes(StandardCharsets.UTF_8);
          put(c, new Row(seq, other, Merkle.leafHash(other)));
        }
        assertBad(verifyDatabase(key, origin, held), before + 1, "root signed");
        restore.run();
      } finally {
        if (postgres) {
          for (String t : List.of("audit_entries", "audit_checkpoints", "audit_tiles")) {
            exec(c, "ALTER TABLE " + t + " ENABLE TRIGGER USER");
          }
        }
      }
    }
    AuditVerifier.Result after = verifyDatabase(key, origin, held);
    assertTrue(after.ok(), "restored, the log verifies again: " + after.line());
  }

  private static void assertBad(AuditVerifier.Result r, long seq, String what) {
    assertFalse(r.ok(), r.line());
    assertEquals(seq, r.firstBadSeq(), r.line());
    assertTrue(r.problem().contains(what), r.line());
  }

  /** Every column of the entries from {@code fromSeq} on, to put them back. */
  private static Map<Long, Object[]> columns(Connection c, long fromSeq) throws SQLException {
    Map<Long, Object[]> out = new java.util.TreeMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT seq, recorded_at, actor_type, actor, action, outcome,"
        + " resource_type, resource_id, site_id, canonical, leaf_hash FROM audit_entries WHERE seq >= ?")) {
      s.setLong(1, fromSeq);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Object[] row = new Object[11];
          for (int i = 0; i < 11; i++) {
            row[i] = r.getObject(i + 1);
          }
          out.put(r.getLong(1), row);
        }
      }
    }
    return out;
  }

  private static SignedNote.Signer otherSigner(String name) throws Exception {
    return SignedNote.signer(name, java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), null);
  }

  private static void waitFor(Supplier<Boolean> condition, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max);
      }
      Thread.sleep(50);
    }
  }
}
