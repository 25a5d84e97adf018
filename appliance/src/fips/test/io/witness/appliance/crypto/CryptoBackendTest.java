package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.bouncycastle.crypto.fips.FipsUnapprovedOperationError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FIPS build's backend (Maven profile {@code fips}): every algorithm of the crypto package comes from bc-fips,
 * and bc-fips is in approved-only mode, so the other crypto tests of this run (AeadTest, KeyWrapTest's RFC 5649
 * vectors, HkdfTest's RFC 5869 vectors, PassphraseCustodyTest, RecoveryKitTest, KeysCommandTest) exercise the
 * approved implementations.
 */
class CryptoBackendTest {
  @TempDir Path dir;

  @Test
  void backend_isBcFipsInApprovedOnlyMode() {
    assertEquals("bc-fips", CryptoBackend.NAME);
    CryptoBackend.random(); // loads the backend
    assertTrue(CryptoServicesRegistrar.isInApprovedOnlyMode());
    assertEquals(PassphraseKdf.Pbkdf2HmacSha512.DEFAULT, PassphraseKdf.standard());
    assertTrue(PassphraseKdf.Pbkdf2HmacSha512.DEFAULT.iterations() >= 210_000, "OWASP's PBKDF2-HMAC-SHA-512 count");
  }

  @Test
  void everyAlgorithm_comesFromBcFips() throws Exception {
    assertEquals("BCFIPS", CryptoBackend.cipher("AES/GCM/NoPadding").getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.cipher(CryptoBackend.AES_KWP).getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.mac("HmacSHA256").getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.digest("SHA-256").getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.keyGenerator("AES").getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.bcfks().getProvider().getName());
    assertEquals("BCFIPS", CryptoBackend.random().getProvider().getName());
  }

  @Test
  void approvedOnlyMode_isEnforced() throws Exception {
    // The JDK's SecureRandom is not an approved DRBG: approved-only mode refuses it for a key and for a GCM IV.
    KeyGenerator g = CryptoBackend.keyGenerator("AES");
    assertThrows(FipsUnapprovedOperationError.class, () -> g.init(256, new SecureRandom()));
    Cipher c = CryptoBackend.cipher("AES/GCM/NoPadding");
    assertThrows(FipsUnapprovedOperationError.class,
        () -> c.init(Cipher.ENCRYPT_MODE, AeadTest.KEY, new SecureRandom()));
    // HMAC keys under 112 bits are refused; Hkdf pads short salts (same output), so RFC 5869's vectors still pass.
    var mac = CryptoBackend.mac("HmacSHA256");
    assertThrows(Exception.class, () -> mac.init(new javax.crypto.spec.SecretKeySpec(new byte[13], "HmacSHA256")));
  }

  @Test
  void signingKeys_signAndVerifyWithBcFips() throws Exception {
    assertEquals("BCFIPS", CryptoBackend.signature(SigningKeys.ALGORITHM).getProvider().getName());
    java.security.KeyPair pair = SigningKeys.generate();
    java.security.Signature s = CryptoBackend.signature(SigningKeys.ALGORITHM);
    s.initSign(pair.getPrivate());
    byte[] message = "erasure certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    s.update(message);
    byte[] signature = s.sign();
    byte[] publicKey = pair.getPublic().getEncoded();
    org.junit.jupiter.api.Assertions.assertTrue(SigningKeys.verify(publicKey, message, signature));
    message[0] ^= 1;
    org.junit.jupiter.api.Assertions.assertFalse(SigningKeys.verify(publicKey, message, signature));
  }

  @Test
  void aead_sealsWithAnIvFromTheDrbgAndOpens() {
    byte[] sealed = Aead.seal(AeadTest.KEY, 1, AeadTest.PLAIN, AeadTest.CHUNK_7);
    assertArrayEquals(AeadTest.PLAIN, Aead.open(AeadTest.KEY, sealed, AeadTest.CHUNK_7));
  }

  @Test
  void pbkdf2_derivesWhatTheJdkDerives_evenForANonAsciiPassphrase() throws Exception {
    // A keystore a FIPS build seals must open in a default build (which derives with the JDK's PBKDF2).
    char[] passphrase = "Grüße, ein Passwort für den Schlüssel".toCharArray();
    byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
    byte[] ours = CryptoBackend.derive(new PassphraseKdf.Pbkdf2HmacSha512(1_000), passphrase, salt, 32);
    byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512", "SunJCE")
        .generateSecret(new PBEKeySpec(passphrase, salt, 1_000, 256)).getEncoded();
    assertArrayEquals(jdk, ours);
  }

  @Test
  void open_ofAnArgon2idKeystore_refusesAndNamesTheWayOut() throws Exception {
    Files.writeString(dir.resolve(PassphraseCustody.KDF),
        "algorithm=argon2id\nsalt=AAAAAAAAAAAAAAAAAAAAAA==\nmemory-kib=19456\niterations=2\nparallelism=1\n");
    Files.write(dir.resolve(PassphraseCustody.KEYSTORE), new byte[64]);
    CustodyException e = assertThrows(CustodyException.class,
        () -> PassphraseCustody.open(dir, PassphraseCustodyTest.PASSPHRASE));
    assertTrue(e.getMessage().contains("a FIPS appliance needs a keystore made by a FIPS build"), e.getMessage());
    assertTrue(e.getMessage().contains("recovery-kit"), e.getMessage());
  }

  @Test
  void create_withArgon2id_refusesBeforeWritingAnything() {
    Path keys = dir.resolve("keys");
    assertThrows(CustodyException.class,
        () -> PassphraseCustody.create(keys, PassphraseCustodyTest.PASSPHRASE, PassphraseKdf.Argon2id.DEFAULT));
    assertFalse(Files.exists(keys));
  }
}
