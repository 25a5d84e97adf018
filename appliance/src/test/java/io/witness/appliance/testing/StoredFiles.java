package io.witness.appliance.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/** Where a deployment's data lies on disk, for tests that scan the raw store. */
public final class StoredFiles {
  private StoredFiles() {}

  /**
   * The embedded database's file ({@code <path>.mv.db}) after a checkpoint, when the deployment runs on H2;
   * empty on PostgreSQL. Fails if H2's file is not where its JDBC URL says: a scan must never pass vacuously.
   */
  public static Optional<Path> h2File(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      String url = c.getMetaData().getURL();
      if (!url.startsWith("jdbc:h2:file:")) {
        return Optional.empty();
      }
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
      String path = url.substring("jdbc:h2:file:".length()).split(";", 2)[0];
      Path file = Path.of(path + ".mv.db");
      if (!Files.isRegularFile(file)) {
        throw new AssertionError("the H2 database file is not at " + file + " (JDBC URL " + url + ")");
      }
      return Optional.of(file);
    }
  }
}
