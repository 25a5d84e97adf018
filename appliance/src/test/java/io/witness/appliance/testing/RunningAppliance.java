package io.witness.appliance.testing;

import io.helidon.microprofile.server.ServerCdiExtension;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One appliance booted in this JVM: a Helidon MP CDI container (which starts the web server) on a free port,
 * with a fresh data directory and database. Configuration is the appliance's own
 * {@code META-INF/microprofile-config.properties} under a high-ordinal source of test values, registered as the
 * MicroProfile Config of the context class loader for as long as the appliance runs.
 *
 * <p>Beans come from the test class path (target/classes carries the only beans.xml), exactly once: the
 * Arquillian archive is never added to it.
 */
final class RunningAppliance implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RunningAppliance.class.getName());
  private static final AtomicInteger DEPLOYMENTS = new AtomicInteger();

  private final SeContainer container;
  private final Config config;
  private final Path dataDir;
  private final boolean keepData;
  private final URI uri;

  /** The root keystore passphrase of every test deployment. */
  public static final String ROOT_PASSPHRASE = "integration-test-root-passphrase";

  private RunningAppliance(SeContainer container, Config config, Path dataDir, boolean keepData, URI uri) {
    this.container = container;
    this.config = config;
    this.dataDir = dataDir;
    this.keepData = keepData;
    this.uri = uri;
  }

  static RunningAppliance start(HelidonMpContainerConfiguration settings, TestDatabase database,
      Map<String, String> overrides) throws Exception {
    long t0 = System.nanoTime();
    int n = DEPLOYMENTS.incrementAndGet();
    Path work = Files.createDirectories(Path.of(settings.getWorkDir()));
    Path dataDir = Files.createTempDirectory(work, "witness-it-");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("witness.data-dir", dataDir.toString());
    values.put("server.host", settings.getHost());
    values.put("server.port", "0");
    values.put("auth.admin-password", settings.getAdminPassword());
    values.put("witness.root-passphrase", ROOT_PASSPHRASE);
    // A new root keystore's Argon2id cost: 1 MiB instead of 19 MiB, once per deployment.
    values.put("crypto.argon2-memory-kib", "1024");
    // Boot through SeContainerInitializer (as Helidon's own test support does) so that each deployment is a new
    // CDI container; Helidon allows that only when asked, since Main is the native-image-friendly way.
    values.put("mp.initializer.allow", "true");
    values.put("mp.initializer.no-warn", "true");
    values.putAll(database.create("witness_it_" + n, dataDir));
    values.putAll(overrides);

    ConfigProviderResolver resolver = ConfigProviderResolver.instance();
    Config config = resolver.getBuilder()
        .withSources(new Overrides(values))
        .addDefaultSources()
        .addDiscoveredSources()
        .addDiscoveredConverters()
        .build();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    resolver.registerConfig(config, loader);
    SeContainer container;
    try {
      container = SeContainerInitializer.newInstance().initialize();
    } catch (RuntimeException e) {
      resolver.releaseConfig(config);
      delete(dataDir);
      throw e;
    }
    int port = container.getBeanManager().getExtension(ServerCdiExtension.class).port();
    URI uri = URI.create("http://" + settings.getHost() + ":" + port + "/");
    LOG.info(() -> "appliance #" + n + " on " + database.kind() + " at " + uri + " started in "
        + (System.nanoTime() - t0) / 1_000_000 + " ms");
    return new RunningAppliance(container, config, dataDir, settings.isKeepData(), uri);
  }

  URI uri() {
    return uri;
  }

  int port() {
    return uri.getPort();
  }

  @Override
  public void close() {
    try {
      if (container.isRunning()) {
        container.close();
      }
    } finally {
      ConfigProviderResolver.instance().releaseConfig(config);
      if (!keepData) {
        delete(dataDir);
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warning("could not delete " + dir + ": " + e);
    }
  }

  /** The test values; above system properties (400) and environment variables (300). */
  private record Overrides(Map<String, String> values) implements ConfigSource {
    @Override
    public Set<String> getPropertyNames() {
      return values.keySet();
    }

    @Override
    public String getValue(String name) {
      return values.get(name);
    }

    @Override
    public String getName() {
      return "witness-test-deployment";
    }

    @Override
    public int getOrdinal() {
      return 1000;
    }
  }
}
