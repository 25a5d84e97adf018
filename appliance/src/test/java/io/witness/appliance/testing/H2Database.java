package io.witness.appliance.testing;

import java.nio.file.Path;
import java.util.Map;

/** The appliance's default: an embedded H2 file database inside the deployment's data directory. */
final class H2Database implements TestDatabase {
  @Override
  public String kind() {
    return "h2";
  }

  @Override
  public Map<String, String> create(String name, Path dataDir) {
    return Map.of(
        "javax.sql.DataSource.witness.jdbcUrl", "jdbc:h2:file:" + dataDir.resolve("db").resolve("witness")
            + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;PAGE_SIZE=16384",
        "javax.sql.DataSource.witness.username", "witness",
        "javax.sql.DataSource.witness.password", "witness");
  }

  @Override
  public void close() {}
}
