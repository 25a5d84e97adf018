package io.witness.appliance.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.TestSites;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stylesheets sent once, kept in the real database (H2 and PostgreSQL) under the real key hierarchy: a fresh
 * {@link SiteStylesheets} (as after a restart: nothing in memory) still expands the references the SDK holds and
 * names the site's stylesheets in the policy; the stored copy is sealed; when the month's retention bucket is
 * destroyed the stylesheet is gone (409, the SDK sends it inline again) and its row deleted.
 */
@ExtendWith(ArquillianExtension.class)
class SiteStylesheetsIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @Inject StylesheetStore store;
  @Inject KeyService keys;
  @Inject @Named("witness") DataSource dataSource;

  /** A fresh instance over the appliance's database copy: what a restarted appliance starts with. */
  private SiteStylesheets restarted() {
    SiteStylesheets s = new SiteStylesheets();
    s.store = store;
    return s;
  }

  private static byte[] batch(String css) {
    return ("{\"events\":[{\"type\":2,\"data\":{\"node\":{\"attributes\":{\"_cssText\":\"" + css + "\"}}}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] reference(String hash) {
    return ("{\"events\":[{\"type\":2,\"data\":{\"node\":{\"attributes\":{\"_cssText\":\"\",\"rr_css\":\"" + hash
        + "\"}}}}]}").getBytes(StandardCharsets.UTF_8);
  }

  private static String css(String marker) {
    return "." + marker + "{color:red}" + ".row{margin:0 auto}".repeat(80);
  }

  private static byte[] expand(SiteStylesheets s, String site, byte[] body) {
    return s.expand(site, body, body.length, new int[1], 1 << 20);
  }

  @Test
  void remembered_stylesheetsOutliveTheMemory_andAreSealedAtRest() throws Exception {
    String site = TestSites.insert(dataSource, "css");
    String css = css("marker-persisted");
    SiteStylesheets before = restarted();
    byte[] inline = batch(css);
    List<SiteStylesheets.Found> found = before.find(inline, inline.length);
    String hash = found.get(0).hash();
    assertEquals(List.of(hash), before.remember(site, found));

    SiteStylesheets after = restarted();
    assertEquals(List.of(hash), after.recent(site, 32), "named in the browser's policy after a restart");
    SiteStylesheets other = restarted();
    assertEquals(new String(inline, StandardCharsets.UTF_8),
        new String(expand(other, site, reference(hash)), StandardCharsets.UTF_8),
        "a reference expands after a restart, as if sent inline");

    try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
        "select sealed, bucket from site_stylesheets where site_id = ? and sha256 = ?")) {
      q.setString(1, site);
      q.setString(2, hash);
      try (ResultSet r = q.executeQuery()) {
        assertTrue(r.next(), "one row");
        String stored = new String(r.getBytes(1), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains("marker-persisted") || stored.contains("margin"), "sealed, not plain text");
        assertEquals(YearMonth.now(ZoneOffset.UTC).toString(), r.getString(2).trim());
      }
    }
    assertTrue(restarted().recent("demo", 32).stream().noneMatch(hash::equals), "per site");
  }

  @Test
  void destroyedBucket_forgetsTheStylesheet_andTheReferenceIsRefused() throws Exception {
    String site = TestSites.insert(dataSource, "css-expiry");
    byte[] inline = batch(css("marker-expiring"));
    SiteStylesheets before = restarted();
    String hash = before.remember(site, before.find(inline, inline.length)).get(0);

    keys.destroyBucket(site, YearMonth.now(ZoneOffset.UTC));

    ProblemException refused = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
        () -> expand(restarted(), site, reference(hash)));
    assertEquals(409, refused.problem().status());
    try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
        "select count(*) from site_stylesheets where site_id = ?")) {
      q.setString(1, site);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        assertEquals(0, r.getInt(1), "its row is deleted once found expired");
      }
    }
  }
}
