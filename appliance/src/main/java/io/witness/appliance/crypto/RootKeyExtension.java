package io.witness.appliance.crypto;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Opens the root key's custody at start, before anything is written (the database, the transaction log, the
 * ingest journal): a missing passphrase or PIN, a wrong one, a damaged keystore, a missing PKCS#11 library or
 * token stops the start with one message saying what to do. The custody is then a {@link KeyCustody} bean, closed
 * at shutdown.
 *
 * <p>Configuration (MP config, so environment variables work): {@code witness.key-custody} is {@code passphrase}
 * (the default) or {@code pkcs11}.
 * <ul>
 *   <li>{@code passphrase} ({@link PassphraseCustody}): {@code WITNESS_ROOT_PASSPHRASE} or
 *       {@code WITNESS_ROOT_PASSPHRASE_FILE} (see {@link RootPassphrase}); {@code WITNESS_KEYS_DIR}, by default
 *       {@code <data dir>/keys}, where the very first start seals a new root key; {@code crypto.argon2-memory-kib}
 *       (cost of a new keystore only; tests lower it).
 *   <li>{@code pkcs11} ({@link Pkcs11Custody}): {@code witness.pkcs11.library} (the module's path),
 *       {@code witness.pkcs11.token-label} or {@code witness.pkcs11.slot}, and {@code witness.pkcs11.pin} or
 *       {@code witness.pkcs11.pin-file} (see {@link Pkcs11Pin}); the first start generates root key version 1 on
 *       the token.
 * </ul>
 */
public class RootKeyExtension implements Extension {
  private static final Logger LOG = Logger.getLogger(RootKeyExtension.class.getName());

  private KeyCustody custody;
  private FutureTask<KeyCustody> opening;

  /**
   * Starts opening the custody on a thread of its own: the passphrase's key derivation (Argon2id, then the
   * keystore's PBKDF2) takes about a second of a cold JVM's time, which now runs beside Weld's bean discovery and
   * validation instead of before them. {@link #awaitBeforeWrites} waits for it before the first bean that writes
   * starts, and the custody bean itself waits for it when it is created.
   */
  void unseal(@Observes @Priority(0) BeforeBeanDiscovery event) {
    Config config = ConfigProvider.getConfig();
    opening = new FutureTask<>(() -> open(config));
    Thread.ofPlatform().name("witness-unseal").daemon().start(opening);
  }

  private static KeyCustody open(Config config) {
    String kind = config.getOptionalValue("witness.key-custody", String.class).orElse("passphrase").strip();
    return switch (kind) {
      case "passphrase" -> passphraseCustody(config);
      case "pkcs11" -> pkcs11Custody(config);
      default -> throw new CustodyException("witness.key-custody is '" + kind + "': use passphrase (the default)"
          + " or pkcs11");
    };
  }

  /** The opened custody; a custody that cannot open stops the start with its one message. */
  private KeyCustody awaitOpening() {
    try {
      return opening.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException("Witness cannot start: interrupted while opening the root key's custody");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CustodyException c) {
        LOG.severe("Witness cannot start: " + c.getMessage());
        DeploymentException stop = new DeploymentException("Witness cannot start: " + c.getMessage());
        stop.setStackTrace(new StackTraceElement[0]); // the message says it all; the stack would bury it
        throw stop;
      }
      throw new DeploymentException("Witness cannot start: opening the root key's custody failed", e.getCause());
    }
  }

  private static KeyCustody passphraseCustody(Config config) {
    Path dataDir = Path.of(config.getOptionalValue("witness.data-dir", String.class).orElse("./data"));
    Path keysDir = Path.of(config.getOptionalValue("witness.keys-dir", String.class)
        .orElse(dataDir.resolve("keys").toString())).toAbsolutePath().normalize();
    Map<String, String> source = new HashMap<>();
    config.getOptionalValue("witness.root-passphrase", String.class)
        .ifPresent(v -> source.put(RootPassphrase.VARIABLE, v));
    config.getOptionalValue("witness.root-passphrase-file", String.class)
        .ifPresent(v -> source.put(RootPassphrase.FILE_VARIABLE, v));
    char[] passphrase = RootPassphrase.from(source);
    try {
      if (PassphraseCustody.exists(keysDir)) {
        return PassphraseCustody.open(keysDir, passphrase);
      }
      existingEmbeddedDatabase(config).ifPresent(db -> {
        // A new root key could never open what this database holds: refuse rather than start empty-handed.
        throw new CustodyException("the embedded database " + db + " exists but its root keystore is missing from "
            + keysDir + ": restore that directory from the backup made with the database, or restore the root keys"
            + " from the recovery kit (bin/witness keys restore)");
      });
      KeyCustody created = PassphraseCustody.create(keysDir, passphrase, kdf(config));
      LOG.warning("a new root key was sealed in " + keysDir + ": back up this directory and keep the"
          + " passphrase; without both, nothing this appliance encrypts can be read again");
      return created;
    } finally {
      java.util.Arrays.fill(passphrase, '\0');
    }
  }

  /** The embedded (H2) database file the configuration points at, when it exists. */
  private static java.util.Optional<Path> existingEmbeddedDatabase(Config config) {
    String url = config.getOptionalValue("javax.sql.DataSource.witness.jdbcUrl", String.class).orElse("");
    if (!url.startsWith("jdbc:h2:file:")) {
      return java.util.Optional.empty();
    }
    Path file = Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
    return java.nio.file.Files.exists(file) ? java.util.Optional.of(file.toAbsolutePath().normalize())
        : java.util.Optional.empty();
  }

  private static KeyCustody pkcs11Custody(Config config) {
    Path library = Path.of(config.getOptionalValue("witness.pkcs11.library", String.class).orElseThrow(
        () -> new CustodyException("witness.key-custody is pkcs11 but witness.pkcs11.library is not set: name the"
            + " token's PKCS#11 module (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)")));
    Optional<String> label = config.getOptionalValue("witness.pkcs11.token-label", String.class);
    Optional<Long> slot = config.getOptionalValue("witness.pkcs11.slot", Long.class);
    if (label.isPresent() == slot.isPresent()) {
      throw new CustodyException("witness.key-custody is pkcs11: set witness.pkcs11.token-label or"
          + " witness.pkcs11.slot (exactly one) to choose the token");
    }
    Pkcs11Custody.Token token = label.<Pkcs11Custody.Token>map(Pkcs11Custody.Token.Label::new)
        .orElseGet(() -> new Pkcs11Custody.Token.Slot(slot.orElseThrow()));
    Map<String, String> source = new HashMap<>();
    config.getOptionalValue(Pkcs11Pin.SETTING, String.class).ifPresent(v -> source.put(Pkcs11Pin.SETTING, v));
    config.getOptionalValue(Pkcs11Pin.FILE_SETTING, String.class)
        .ifPresent(v -> source.put(Pkcs11Pin.FILE_SETTING, v));
    char[] pin = Pkcs11Pin.from(source);
    try {
      return Pkcs11Custody.open(library, token, pin);
    } finally {
      java.util.Arrays.fill(pin, '\0');
    }
  }

  /** This build's standard key derivation for a new keystore, with its cost as configured. */
  private static PassphraseKdf kdf(Config config) {
    return switch (PassphraseKdf.standard()) {
      case PassphraseKdf.Argon2id a -> new PassphraseKdf.Argon2id(
          config.getOptionalValue("crypto.argon2-memory-kib", Integer.class).orElse(a.memoryKiB()), a.iterations(),
          a.parallelism());
      case PassphraseKdf.Pbkdf2HmacSha512 p -> new PassphraseKdf.Pbkdf2HmacSha512(
          config.getOptionalValue("crypto.pbkdf2-iterations", Integer.class).orElse(p.iterations()));
    };
  }

  /** The custody as a bean: created (and so waited for) when a bean first needs it. */
  void register(@Observes AfterBeanDiscovery event) {
    event.addBean().types(KeyCustody.class, Object.class).scope(Singleton.class).createWith(c -> opened());
  }

  /**
   * The first observer of the application's start, before {@code DatabaseMigrations} (priority
   * {@code PLATFORM_BEFORE}) opens the database: nothing is written before the custody is open, and a custody that
   * cannot open stops the start here with its one message. Weld's validation of the beans ran meanwhile (≈ 0.3 s of
   * a start that waited for the custody before; docs/benchmarks.md, "Session 18").
   */
  void awaitBeforeWrites(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE - 1)
      @Initialized(ApplicationScoped.class) Object ignored) {
    opened();
  }

  private synchronized KeyCustody opened() {
    if (custody == null) {
      custody = awaitOpening();
      LOG.info(() -> "root key unsealed: " + custody.describe() + ", version " + custody.currentVersion());
    }
    return custody;
  }

  void close(@Observes BeforeShutdown event) {
    KeyCustody open;
    synchronized (this) {
      open = custody;
    }
    if (open != null) {
      open.close();
    }
  }
}
