package io.witness.appliance.platform;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the schema up to date before JPA starts (Hibernate only validates it). Migrations common to H2 and
 * PostgreSQL live in {@code db/migration/common}; vendor-specific ones in {@code db/migration/<vendor>}. A new
 * embedded H2 database gets {@code h2/B11__baseline.sql}, the schema of V1-V11 in one script (Flyway runs the
 * latest baseline on an empty schema, then only the versioned migrations above it): a first start spends ≈ 0.35
 * instead of ≈ 0.6 s here (docs/benchmarks.md, "Session 19"). {@code SchemaBaselineTest} keeps the two equal.
 */
@ApplicationScoped
public class DatabaseMigrations {
  private static final Logger LOG = Logger.getLogger(DatabaseMigrations.class.getName());

  @Inject
  @Named("witness")
  DataSource dataSource;

  void migrate(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE)
      @Initialized(ApplicationScoped.class) Object ignored) {
    String vendor = vendor(dataSource);
    var result = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor)
        .load()
        .migrate();
    LOG.info(() -> "database schema ready (" + vendor + ", " + result.migrationsExecuted + " migrations applied)");
  }

  /** "h2" or "postgresql". */
  public static String vendor(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return vendor(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach the database: " + e.getMessage(), e);
    }
  }

  /** "h2" or "postgresql", of an open connection. */
  public static String vendor(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
    return product.contains("postgres") ? "postgresql" : "h2";
  }
}
