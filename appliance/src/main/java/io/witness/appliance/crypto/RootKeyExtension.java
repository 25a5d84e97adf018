package io.witness.appliance.crypto;

import jakarta.annotation.Priority;
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
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Unseals the root key first thing at start, before any bean exists and so before anything is written (the
 * database, the transaction log, the ingest journal): a missing passphrase, a wrong one or a damaged keystore stops
 * the start with one message saying what to do. On the very first start (no keystore in {@code witness.keys-dir},
 * by default {@code <data dir>/keys}) a new root key is sealed under the passphrase. The custody is then a
 * {@link KeyCustody} bean, closed at shutdown.
 *
 * <p>Configuration (MP config, so environment variables work): {@code WITNESS_ROOT_PASSPHRASE} or
 * {@code WITNESS_ROOT_PASSPHRASE_FILE} (see {@link RootPassphrase}); {@code WITNESS_KEYS_DIR};
 * {@code crypto.argon2-memory-kib} (cost of a new keystore only; tests lower it).
 */
public class RootKeyExtension implements Extension {
  private static final Logger LOG = Logger.getLogger(RootKeyExtension.class.getName());

  private KeyCustody custody;

  void unseal(@Observes @Priority(0) BeforeBeanDiscovery event) {
    Config config = ConfigProvider.getConfig();
    Path dataDir = Path.of(config.getOptionalValue("witness.data-dir", String.class).orElse("./data"));
    Path keysDir = Path.of(config.getOptionalValue("witness.keys-dir", String.class)
        .orElse(dataDir.resolve("keys").toString())).toAbsolutePath().normalize();
    try {
      Map<String, String> source = new HashMap<>();
      config.getOptionalValue("witness.root-passphrase", String.class)
          .ifPresent(v -> source.put(RootPassphrase.VARIABLE, v));
      config.getOptionalValue("witness.root-passphrase-file", String.class)
          .ifPresent(v -> source.put(RootPassphrase.FILE_VARIABLE, v));
      char[] passphrase = RootPassphrase.from(source);
      try {
        if (PassphraseCustody.exists(keysDir)) {
          custody = PassphraseCustody.open(keysDir, passphrase);
        } else {
          int memory = config.getOptionalValue("crypto.argon2-memory-kib", Integer.class)
              .orElse(PassphraseCustody.Argon2.DEFAULT.memoryKiB());
          custody = PassphraseCustody.create(keysDir, passphrase, new PassphraseCustody.Argon2(memory,
              PassphraseCustody.Argon2.DEFAULT.iterations(), PassphraseCustody.Argon2.DEFAULT.parallelism()));
          LOG.warning("a new root key was sealed in " + keysDir + ": back up this directory and keep the"
              + " passphrase; without both, nothing this appliance encrypts can be read again");
        }
      } finally {
        java.util.Arrays.fill(passphrase, '\0');
      }
    } catch (CustodyException e) {
      LOG.severe("Witness cannot start: " + e.getMessage());
      DeploymentException stop = new DeploymentException("Witness cannot start: " + e.getMessage());
      stop.setStackTrace(new StackTraceElement[0]); // the message says it all; the stack would bury it
      throw stop;
    }
    LOG.info(() -> "root key unsealed: " + custody.describe() + ", version " + custody.currentVersion());
  }

  void register(@Observes AfterBeanDiscovery event) {
    event.addBean().types(KeyCustody.class, Object.class).scope(Singleton.class).createWith(c -> custody);
  }

  void close(@Observes BeforeShutdown event) {
    if (custody != null) {
      custody.close();
    }
  }
}
