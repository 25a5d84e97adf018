package io.witness.appliance.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Sites besides the demo site, for tests that must not touch the demo site's data or keys. */
public final class TestSites {
  private TestSites() {}

  /** A new site (id {@code prefix-…}, key {@code id + "-key"}) inserted as an admin's tooling would; its id. */
  public static String insert(DataSource dataSource, String prefix) {
    String site = prefix + "-" + Long.toString(System.nanoTime(), 36);
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "INSERT INTO sites (id, name, site_key, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
      s.setString(1, site);
      s.setString(2, "Test site " + prefix);
      s.setString(3, site + "-key");
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return site;
  }
}
