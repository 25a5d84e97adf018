package io.witness.appliance.audit;

import io.witness.appliance.crypto.SigningKeys;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.audit.AuditEntry;
import io.witness.audit.AuditEvent;
import io.witness.audit.AuditLog;
import io.witness.audit.AuditUnavailableException;
import io.witness.audit.SignedNote;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The appliance's audit trail: every access and change is an entry in the tamper-evident log of the {@code audit}
 * module ({@link AuditLog}), stored in the database ({@link JdbcAuditStore}), with checkpoints signed by the
 * appliance's Ed25519 key and published to the checkpoint directory and, if configured, a syslog collector.
 *
 * <p><b>Fail closed:</b> {@link #record} returns only when the entry is durable; if the log cannot be written it
 * throws a 503 problem, so a caller that records before it serves content serves nothing.
 */
@ApplicationScoped
public class AuditTrail {
  private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());

  @Inject @Named("witness") DataSource dataSource;
  @Inject SigningKeys signingKeys;
  @Inject RequestOrigin origin;

  @Inject @ConfigProperty(name = "audit.origin", defaultValue = "witness.local/audit")
  String logOrigin;

  @Inject @ConfigProperty(name = "audit.checkpoint-every", defaultValue = "1000")
  int checkpointEvery;

  @Inject @ConfigProperty(name = "audit.checkpoint-interval-seconds", defaultValue = "60")
  long checkpointSeconds;

  @Inject @ConfigProperty(name = "audit.checkpoint-dir")
  Optional<String> checkpointDir;

  @Inject @ConfigProperty(name = "audit.syslog")
  Optional<String> syslog;

  @Inject @ConfigProperty(name = "audit.syslog-tls", defaultValue = "false")
  boolean syslogTls;

  @Inject @ConfigProperty(name = "audit.syslog-ca")
  Optional<String> syslogCa;

  @Inject @ConfigProperty(name = "witness.data-dir")
  String dataDir;

  private volatile AuditLog log;
  private JdbcAuditStore store;
  private final List<AutoCloseable> publishers = new ArrayList<>();

  /** As {@link #record(String, AuditEvent.Outcome, String, String, String, String)} for a named actor (sign-in). */
  public AuditEntry recordFor(String actor, String action, AuditEvent.Outcome outcome, String details) {
    String[] from = requestOrigin();
    return record(new AuditEvent("user", actor == null || actor.isBlank() ? "-" : cut(actor), from[1], from[2], action,
        outcome, "user", actor == null || actor.isBlank() ? null : cut(actor), null, null,
        details == null ? null : digest(details), null));
  }

  /** The current request's user, peer address and user agent; nulls outside a request (a background task). */
  private String[] requestOrigin() {
    try {
      return new String[] {origin.actor(), origin.ip(), origin.userAgent()};
    } catch (ContextNotActiveException outsideRequest) {
      return new String[3];
    }
  }

  private static String cut(String s) {
    return s.length() <= 256 ? s : s.substring(0, 256);
  }

  /** After the schema, the keys and the journal replay: the log opens and its first entry is the start. */
  void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
      @Initialized(ApplicationScoped.class) Object ignored) {
    store = new JdbcAuditStore(dataSource);
    List<Consumer<String>> sinks = new ArrayList<>();
    CheckpointDirectory dir = new CheckpointDirectory(Path.of(checkpointDir.orElse(dataDir + "/audit/checkpoints")));
    sinks.add(dir::publish);
    syslog.filter(s -> !s.isBlank()).ifPresent(target -> {
      SyslogPublisher p = SyslogPublisher.start(target, syslogTls,
          syslogCa.filter(c -> !c.isBlank()).map(Path::of).orElse(null));
      publishers.add(p);
      sinks.add(p::publish);
    });
    log = new AuditLog(store, signer(), new AuditLog.Settings(logOrigin, checkpointEvery,
        Duration.ofSeconds(checkpointSeconds)), Clock.systemUTC(), sinks);
    record(AuditEvent.system("appliance.start"));
    LOG.info(() -> "audit log open: " + store.size() + " entries; checkpoints to " + dir.directory()
        + syslog.filter(s -> !s.isBlank()).map(s -> " and syslog " + s).orElse(""));
  }

  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
    AuditLog l = log;
    if (l == null) {
      return;
    }
    try {
      l.append(AuditEvent.system("appliance.stop"));
    } catch (AuditUnavailableException e) {
      LOG.warning("could not record the stop in the audit log");
    }
    l.close();
    for (AutoCloseable p : publishers) {
      try {
        p.close();
      } catch (Exception e) {
        LOG.warning("a checkpoint publisher did not close: " + e.getClass().getName());
      }
    }
    log = null;
  }

  /**
   * Records an action of the current API caller; see {@link #record(AuditEvent)}. {@code details} (such as search
   * filters, which may hold personal data) is hashed: only its digest is logged.
   */
  public AuditEntry record(String action, AuditEvent.Outcome outcome, String resourceType, String resourceId,
      String site, String details) {
    return record(action, outcome, resourceType, resourceId, site, null, details, null);
  }

  /** With a reason (a justification the caller gave) and a note the entry shows (no personal data). */
  public AuditEntry record(String action, AuditEvent.Outcome outcome, String resourceType, String resourceId,
      String site, String reason, String details, String note) {
    String[] from = requestOrigin();
    String actor = from[0];
    return record(new AuditEvent(actor == null ? "anonymous" : "user", actor == null ? "-" : actor, from[1], from[2],
        action, outcome, resourceType, resourceId, site, reason, details == null ? null : digest(details), note));
  }

  /** Appends {@code event} and waits until it is durable; 503 problem when the log cannot be written. */
  public AuditEntry record(AuditEvent event) {
    AuditLog l = log;
    if (l == null) {
      throw unavailable();
    }
    try {
      return l.append(event);
    } catch (AuditUnavailableException e) {
      throw unavailable();
    }
  }

  /** The cause is logged by the sequencer (without content); the answer says what the client needs to know. */
  private static ProblemException unavailable() {
    return new ProblemException(Problem.of(ProblemType.UNAVAILABLE, 503,
        "the audit log cannot be written, so nothing is served until it can"), Map.of("Retry-After", "30"));
  }

  /**
   * Binds a complete recording's capture manifest ({@code RecordingStore#manifestDigest}) into the log: the entry's
   * details digest is the manifest's digest. Recorded by the appliance itself (sealing, import).
   */
  public AuditEntry recordManifest(String recordingId, String siteId, String manifestDigest) {
    return record(new AuditEvent("service", "witness", null, null, MANIFEST, AuditEvent.Outcome.SUCCESS,
        "recording", recordingId, siteId, null, manifestDigest, null));
  }

  /** The action of capture manifest entries. */
  public static final String MANIFEST = "recording.manifest";

  /** The newest entry of {@code action} on a resource, with whether a signed checkpoint covers it already. */
  public Optional<Found> latest(String action, String resourceType, String resourceId) {
    List<io.witness.audit.AuditStore.Stored> rows = store.query("SELECT seq, canonical, leaf_hash FROM audit_entries"
        + " WHERE action = ? AND resource_type = ? AND resource_id = ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY",
        action, resourceType, resourceId);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    long signed = store.latestCheckpoint().map(io.witness.audit.AuditStore.StoredCheckpoint::size).orElse(0L);
    AuditEntry e = AuditEntry.parse(rows.get(0).canonical());
    return Optional.of(new Found(e, e.seq() <= signed));
  }

  /** An entry found, and whether a signed checkpoint covers it. */
  public record Found(AuditEntry entry, boolean signed) {}

  /** The log, for the audit API (proofs, checkpoints, export). */
  AuditLog log() {
    AuditLog l = log;
    if (l == null) {
      throw unavailable();
    }
    return l;
  }

  JdbcAuditStore store() {
    return store;
  }

  byte[] signingKeySpki() {
    return signingKeys.publicKey().publicKey();
  }

  /** SHA-256 (hex) of details such as search filters: the log keeps the digest, the text may hold personal data. */
  static String digest(String details) {
    MessageDigest d = io.witness.audit.Merkle.sha256();
    return HexFormat.of().formatHex(d.digest(details.getBytes(StandardCharsets.UTF_8)));
  }

  private SignedNote.Signer signer() {
    return new SignedNote.Signer() {
      @Override
      public SignedNote.VerifierKey key() {
        return SignedNote.VerifierKey.ofSpki(logOrigin, signingKeys.publicKey().publicKey());
      }

      @Override
      public byte[] sign(byte[] message) {
        return signingKeys.sign(message).signature();
      }
    };
  }
}
