package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.site.SiteService;
import io.witness.appliance.testing.Deployments;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The key hierarchy on the real database (H2 and PostgreSQL) under the real root custody: data keys derive the
 * same until their subject or bucket is destroyed, rotation changes no data key, and a wrapped key altered in the
 * database never unwraps.
 */
@ExtendWith(ArquillianExtension.class)
class KeyServiceIT {
  static final String SITE = SiteService.DEMO_SITE_ID;
  static final YearMonth MONTH = YearMonth.of(2026, 12);

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @Inject KeyService keys;
  @Inject KeyCustody custody;
  @Inject RootKeyUsers rootKeyUsers;
  @Inject @Named("witness") DataSource dataSource;

  static String subject() {
    return "visitor-" + UUID.randomUUID();
  }

  String ref(String subjectId) {
    return keys.subjectScope(SITE, subjectId);
  }

  static byte[] seal(SecretKey key, String text) {
    return Aead.seal(key, 1, text.getBytes(StandardCharsets.UTF_8), Aead.context("chunk", "rec", "0"));
  }

  static String open(SecretKey key, byte[] sealed) {
    return new String(Aead.open(key, sealed, Aead.context("chunk", "rec", "0")), StandardCharsets.UTF_8);
  }

  @Test
  void dataKey_isTheSameForReadAndWrite_andDiffersPerRecording() {
    String s = subject();
    SecretKey written = keys.dataKeyForWrite(SITE, ref(s), MONTH, "rec-1");
    assertArrayEquals(written.getEncoded(), keys.dataKey(SITE, ref(s), MONTH, "rec-1").getEncoded());
    assertArrayEquals(written.getEncoded(), keys.dataKey(SITE, ref(" " + s + " "), MONTH, "rec-1").getEncoded(),
        "subject ids are compared stripped");
    assertNotEquals(java.util.Arrays.toString(written.getEncoded()),
        java.util.Arrays.toString(keys.dataKeyForWrite(SITE, ref(s), MONTH, "rec-2").getEncoded()));
  }

  @Test
  void destroySubject_makesItsDataUnreadable_andLeavesOthersReadable() throws Exception {
    String erased = subject();
    String kept = subject();
    byte[] a = seal(keys.dataKeyForWrite(SITE, ref(erased), MONTH, "rec-a"), "marker-erased");
    byte[] b = seal(keys.dataKeyForWrite(SITE, ref(kept), MONTH, "rec-b"), "marker-kept");
    String scope = keys.subjectScope(SITE, erased);
    assertFalse(scope.contains(erased), "the subject id is not stored in the clear");

    List<String> destroyed = keys.destroySubjects(SITE, java.util.Set.of(keys.subjectScope(SITE, erased)));
    assertEquals(1, destroyed.size());
    assertEquals(0, rowsWithScope(scope), "the wrapped subject key is gone from the database");
    assertThrows(KeyGoneException.class, () -> keys.dataKey(SITE, ref(erased), MONTH, "rec-a"));
    assertEquals("marker-kept", open(keys.dataKey(SITE, ref(kept), MONTH, "rec-b"), b));
    // Writing for the erased subject again makes a new key: the old data stays unreadable.
    SecretKey fresh = keys.dataKeyForWrite(SITE, ref(erased), MONTH, "rec-a");
    assertThrows(IntegrityException.class, () -> open(fresh, a));
    assertEquals(List.of(), keys.destroySubjects(SITE,
        java.util.Set.of(keys.subjectScope(SITE, "never-seen-" + UUID.randomUUID()))));
  }

  @Test
  void destroyBucket_makesEveryRecordingOfThatMonthUnreadable() {
    String s = subject();
    YearMonth old = YearMonth.of(2020, 1);
    keys.dataKeyForWrite(SITE, ref(s), old, "rec-old");
    SecretKey current = keys.dataKeyForWrite(SITE, ref(s), MONTH, "rec-new");
    keys.destroyBucket(SITE, old);
    assertThrows(KeyGoneException.class, () -> keys.dataKey(SITE, ref(s), old, "rec-old"));
    assertArrayEquals(current.getEncoded(), keys.dataKey(SITE, ref(s), MONTH, "rec-new").getEncoded());
  }

  @Test
  void rotateRootAndSite_rewrapWithoutChangingAnyDataKey() throws Exception {
    String s = subject();
    byte[] sealed = seal(keys.dataKeyForWrite(SITE, ref(s), MONTH, "rec-r"), "marker-rotation");
    int rootBefore = custody.currentVersion();

    KeyService.Rotation root = keys.rotateRoot();
    assertEquals(rootBefore + 1, root.newVersion());
    assertTrue(root.rewrapped() >= 1, root.toString());
    // Retired: destroyed now, or kept while a root key user still needs it (the ingest journal's current segment,
    // when an earlier test class of this deployment ingested: RootKeyUsers).
    assertTrue(root.destroyedVersions().contains(rootBefore) || rootKeyUsers.pending().contains(rootBefore),
        root + ", pending " + rootKeyUsers.pending());
    assertEquals(0, count("select count(*) from crypto_keys where kind = 'site-kek' and wrapped_by < ?",
        root.newVersion()), "no site key is left under a destroyed root version");

    KeyService.Rotation site = keys.rotateSite(SITE);
    assertTrue(site.rewrapped() >= 2, site.toString());
    assertEquals(1, count("select count(*) from crypto_keys where kind = 'site-kek' and site_id = ?", SITE),
        "the previous site key version is destroyed");
    assertEquals("marker-rotation", open(keys.dataKey(SITE, ref(s), MONTH, "rec-r"), sealed));
  }

  @Test
  void aWrappedKeyAlteredInTheDatabase_neverUnwraps() throws Exception {
    String s = subject();
    keys.dataKeyForWrite(SITE, ref(s), MONTH, "rec-t");
    String scope = keys.subjectScope(SITE, s);
    try (Connection c = dataSource.getConnection();
         PreparedStatement read = c.prepareStatement("select id, wrapped from crypto_keys where scope = ?")) {
      read.setString(1, scope);
      try (ResultSet rs = read.executeQuery()) {
        assertTrue(rs.next());
        byte[] wrapped = rs.getBytes(2);
        wrapped[3] ^= 1;
        try (PreparedStatement write = c.prepareStatement("update crypto_keys set wrapped = ? where id = ?")) {
          write.setBytes(1, wrapped);
          write.setString(2, rs.getString(1));
          assertEquals(1, write.executeUpdate());
        }
      }
    }
    // The cache still holds the key unwrapped before the change; a rotation re-reads every wrapped key.
    assertThrows(IntegrityException.class, () -> keys.rotateSite(SITE));
    keys.destroySubjects(SITE, java.util.Set.of(keys.subjectScope(SITE, s)));
  }

  private long rowsWithScope(String scope) throws Exception {
    return count("select count(*) from crypto_keys where scope = ?", scope);
  }

  private long count(String sql, Object arg) {
    return io.witness.appliance.testing.TableCounts.count(dataSource, sql, arg);
  }
}
