package io.witness.appliance.platform;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Keeps everything the appliance writes under the data directory ({@code WITNESS_DATA_DIR}): the transaction
 * manager's log (Narayana's object store) would otherwise land in the working directory. Runs before any bean
 * exists, so before the transaction manager reads its settings.
 */
public class DataDirectoryExtension implements Extension {
  private static final Logger LOG = Logger.getLogger(DataDirectoryExtension.class.getName());

  void beforeDiscovery(@Observes BeforeBeanDiscovery event) {
    Path dataDir = Path.of(ConfigProvider.getConfig().getOptionalValue("witness.data-dir", String.class)
        .orElse("./data")).toAbsolutePath().normalize();
    Path txDir = dataDir.resolve("transactions");
    try {
      Files.createDirectories(txDir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    }
    setIfAbsent("ObjectStoreEnvironmentBean.objectStoreDir", txDir.toString());
    setIfAbsent("com.arjuna.ats.arjuna.objectstore.objectStoreDir", txDir.toString());
    setIfAbsent("ObjectStoreEnvironmentBean.localOSRoot", "defaultStore");
    LOG.fine(() -> "data directory " + dataDir);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
