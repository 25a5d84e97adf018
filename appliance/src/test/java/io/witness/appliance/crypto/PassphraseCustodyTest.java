package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against Bouncy Castle's real BCFKS keystore and this build's passphrase derivation (Argon2id, or PBKDF2 in the
 * FIPS build) at a small cost that keeps the tests fast.
 */
class PassphraseCustodyTest {
  static final PassphraseKdf FAST = switch (PassphraseKdf.standard()) {
    case PassphraseKdf.Argon2id a -> new PassphraseKdf.Argon2id(1024, 1, 1);
    case PassphraseKdf.Pbkdf2HmacSha512 p -> new PassphraseKdf.Pbkdf2HmacSha512(1_000);
  };
  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  static final byte[] SITE_KEY = HexFormat.of().parseHex(
      "8f1c0e5d2a7b4c3e9f8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a39281");

  @TempDir Path dir;

  @Test
  void open_afterCreate_unwrapsWhatWasWrapped() {
    KeyCustody.Wrapped wrapped;
    try (PassphraseCustody created = PassphraseCustody.create(dir, PASSPHRASE, FAST)) {
      assertEquals(1, created.currentVersion());
      wrapped = created.wrap(SITE_KEY);
    }
    try (PassphraseCustody opened = PassphraseCustody.open(dir, PASSPHRASE)) {
      assertArrayEquals(SITE_KEY, opened.unwrap(wrapped));
    }
  }

  @Test
  void open_withAWrongPassphrase_stopsWithOneClearMessage() {
    PassphraseCustody.create(dir, PASSPHRASE, FAST).close();
    CustodyException e = assertThrows(CustodyException.class,
        () -> PassphraseCustody.open(dir, "wrong horse battery staple".toCharArray()));
    assertTrue(e.getMessage().contains("does not open with this passphrase"), e.getMessage());
    assertFalse(e.getMessage().contains("horse"), "the message never repeats a passphrase");
  }

  @Test
  void open_withoutAKeystore_saysWhatIsMissing() {
    CustodyException e = assertThrows(CustodyException.class, () -> PassphraseCustody.open(dir, PASSPHRASE));
    assertTrue(e.getMessage().contains("no root keystore"), e.getMessage());
  }

  @Test
  void open_ofADamagedKeystore_fails() throws Exception {
    PassphraseCustody.create(dir, PASSPHRASE, FAST).close();
    Path file = dir.resolve(PassphraseCustody.KEYSTORE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
    assertThrows(CustodyException.class, () -> PassphraseCustody.open(dir, PASSPHRASE));
  }

  @Test
  void create_refusesShortPassphrasesAndOverwriting() {
    assertThrows(CustodyException.class, () -> PassphraseCustody.create(dir, "short".toCharArray(), FAST));
    PassphraseCustody.create(dir, PASSPHRASE, FAST).close();
    CustodyException e = assertThrows(CustodyException.class,
        () -> PassphraseCustody.create(dir, PASSPHRASE, FAST));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void create_writesOwnerOnlyFilesWithoutTheKeyInTheClear() throws Exception {
    KeyCustody.Wrapped wrapped;
    try (PassphraseCustody c = PassphraseCustody.create(dir, PASSPHRASE, FAST)) {
      wrapped = c.wrap(SITE_KEY);
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    for (String f : new String[] {PassphraseCustody.KEYSTORE, PassphraseCustody.KDF}) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
    }
    String kdf = Files.readString(dir.resolve(PassphraseCustody.KDF));
    Properties params = new Properties();
    params.load(new java.io.StringReader(kdf));
    assertEquals(FAST, PassphraseKdf.load(params), kdf);
    assertEquals(16, java.util.Base64.getDecoder().decode(params.getProperty("salt")).length, kdf);
    assertFalse(kdf.contains("horse"));
    // The stored keystore opens only through the passphrase-derived password, not with the passphrase itself.
    var ks = CryptoBackend.bcfks();
    try (var in = Files.newInputStream(dir.resolve(PassphraseCustody.KEYSTORE))) {
      assertThrows(java.io.IOException.class, () -> ks.load(in, PASSPHRASE));
    }
    assertEquals(1, wrapped.rootVersion());
  }

  @Test
  void rotate_thenDestroy_oldWrapsStopUnwrappingAndStayDestroyedAfterReopen() {
    KeyCustody.Wrapped underV1;
    KeyCustody.Wrapped underV2;
    try (PassphraseCustody c = PassphraseCustody.create(dir, PASSPHRASE, FAST)) {
      underV1 = c.wrap(SITE_KEY);
      assertEquals(2, c.rotate());
      underV2 = c.wrap(SITE_KEY);
      assertEquals(2, underV2.rootVersion());
      assertArrayEquals(SITE_KEY, c.unwrap(underV1), "the old version still unwraps until destroyed");
      assertThrows(CustodyException.class, () -> c.destroy(2), "the current version cannot be destroyed");
      c.destroy(1);
      assertThrows(CustodyException.class, () -> c.unwrap(underV1));
    }
    try (PassphraseCustody c = PassphraseCustody.open(dir, PASSPHRASE)) {
      assertEquals(2, c.currentVersion());
      assertArrayEquals(SITE_KEY, c.unwrap(underV2));
      assertThrows(CustodyException.class, () -> c.unwrap(underV1));
    }
  }

  @Test
  void unwrap_ofAnAlteredWrap_failsWithAnIntegrityError() {
    try (PassphraseCustody c = PassphraseCustody.create(dir, PASSPHRASE, FAST)) {
      KeyCustody.Wrapped w = c.wrap(SITE_KEY);
      byte[] altered = w.bytes().clone();
      altered[0] ^= 1;
      assertThrows(IntegrityException.class, () -> c.unwrap(new KeyCustody.Wrapped(1, altered)));
    }
  }

  @Test
  void open_ofAnUnknownKeyDerivation_saysSoAndNamesTheWayOut() throws Exception {
    PassphraseCustody.create(dir, PASSPHRASE, FAST).close();
    Files.writeString(dir.resolve(PassphraseCustody.KDF), "algorithm=scrypt\nsalt=AAAA\n");
    CustodyException e = assertThrows(CustodyException.class, () -> PassphraseCustody.open(dir, PASSPHRASE));
    assertTrue(e.getMessage().contains("unknown key derivation scrypt"), e.getMessage());
    assertTrue(e.getMessage().contains("recovery kit"), e.getMessage());
  }
}
