package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2's baseline migration ({@code db/migration/h2/B11__baseline.sql}) builds the same schema as the
 * versioned migrations V1-V11, and databases migrated either way go on migrating (against real H2 files, as
 * {@link DatabaseMigrations} runs Flyway).
 */
class SchemaBaselineTest {
  private static final String COMMON = "classpath:db/migration/common";
  private static final String H2 = "classpath:db/migration/h2";

  @TempDir
  Path dir;

  @Test
  void aNewDatabaseGetsTheBaselineAndTheSameSchemaAsTheVersionedMigrations() throws SQLException {
    JdbcDataSource baselined = h2("baselined");
    JdbcDataSource versioned = h2("versioned");

    MigrateResult viaBaseline = migrate(baselined, COMMON, H2);
    MigrateResult viaVersions = migrate(versioned, COMMON);

    assertEquals(1, viaBaseline.migrationsExecuted, "a new database runs the baseline alone");
    assertEquals("11", viaBaseline.targetSchemaVersion);
    assertTrue(viaVersions.migrationsExecuted >= 11, "without the baseline every versioned migration runs");
    assertEquals(viaVersions.targetSchemaVersion, viaBaseline.targetSchemaVersion);
    List<String> expected = schema(versioned);
    assertTrue(expected.size() > 50, "the schema was read: " + expected);
    assertEquals(expected, schema(baselined));
  }

  @Test
  void databasesMigratedEitherWayMigrateAgainWithoutChange() throws SQLException {
    JdbcDataSource before = h2("before-the-baseline");
    migrate(before, COMMON); // an installation made by a build without the baseline
    JdbcDataSource after = h2("with-the-baseline");
    migrate(after, COMMON, H2);

    assertEquals(0, migrate(before, COMMON, H2).migrationsExecuted, "an existing database ignores the baseline");
    assertEquals(0, migrate(after, COMMON, H2).migrationsExecuted, "a restart applies nothing");
    assertEquals(schema(before), schema(after));
  }

  private JdbcDataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve(name) + ";PAGE_SIZE=16384;DB_CLOSE_DELAY=-1");
    ds.setUser("witness");
    ds.setPassword("witness");
    return ds;
  }

  private static MigrateResult migrate(JdbcDataSource ds, String... locations) {
    return Flyway.configure().dataSource(ds).locations(locations).load().migrate();
  }

  /**
   * The schema as H2 scripts it (tables, columns, keys, indexes, sequences), without Flyway's history table, the
   * user and row counts, in a stable order: the two ways create the objects in different orders.
   */
  private static List<String> schema(JdbcDataSource ds) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SCRIPT NODATA")) {
      StringBuilder statement = new StringBuilder();
      while (rs.next()) {
        for (String line : rs.getString(1).split("\n")) {
          statement.append(line.strip()).append(' ');
        }
        String st = statement.toString().strip().replace(" NOCHECK;", ";");
        statement.setLength(0);
        if (!st.startsWith("--") && !st.startsWith("SET ") && !st.startsWith("CREATE USER")
            && !st.contains("flyway_schema_history") && !st.equals(";")) {
          out.add(st);
        }
      }
    }
    out.sort(null);
    return out;
  }
}
