package io.witness.appliance.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * The database a deployment runs on. Chosen once per test JVM by {@code witness.test.db}; each deployment gets
 * a fresh, empty database from {@link #create}.
 */
interface TestDatabase extends AutoCloseable {

  /** Opens the database kind named by the container configuration; fails with what is missing. */
  static TestDatabase open(HelidonMpContainerConfiguration configuration) throws Exception {
    return switch (configuration.getDatabase()) {
      case "postgresql" -> EmbeddedPostgresDatabase.start(Path.of(configuration.getWorkDir()));
      default -> new H2Database();
    };
  }

  /** Short name for logs and failure messages: h2 or postgresql. */
  String kind();

  /**
   * A fresh database for one deployment whose data directory is {@code dataDir}; returns the MP config keys
   * ({@code javax.sql.DataSource.witness.*}) that point the appliance at it.
   */
  Map<String, String> create(String name, Path dataDir) throws Exception;

  @Override
  void close();
}
