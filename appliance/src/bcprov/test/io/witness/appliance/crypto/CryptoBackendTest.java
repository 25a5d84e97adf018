package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default build's backend: JDK providers on the hot path, bcprov only for BCFKS and Argon2id. */
class CryptoBackendTest {
  @TempDir Path dir;

  @Test
  void backend_isTheDefaultBuilds() {
    assertEquals("bcprov", CryptoBackend.NAME);
    assertEquals(PassphraseKdf.Argon2id.DEFAULT, PassphraseKdf.standard());
  }

  @Test
  void bulkCrypto_isTheJdksAndTheKeystoreBouncyCastles() throws Exception {
    // Bouncy Castle's pure-Java AES is ~70x slower than SunJCE's: it must never serve the hot path here.
    assertEquals("SunJCE", CryptoBackend.cipher("AES/GCM/NoPadding").getProvider().getName());
    assertEquals("SunJCE", CryptoBackend.cipher(CryptoBackend.AES_KWP).getProvider().getName());
    assertEquals("SunJCE", CryptoBackend.mac("HmacSHA256").getProvider().getName());
    assertEquals("BC", CryptoBackend.bcfks().getProvider().getName());
  }

  @Test
  void aeadIv_isTheCiphersOwn96Bits() throws Exception {
    Cipher c = CryptoBackend.cipher("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, AeadTest.KEY, CryptoBackend.random());
    assertEquals(Aead.IV_BYTES, c.getIV().length);
  }

  @Test
  void open_ofAKeystoreSealedWithPbkdf2_works() {
    // What a FIPS build seals: the default build opens it (the way back from a FIPS appliance needs no kit).
    KeyCustody.Wrapped wrapped;
    PassphraseKdf pbkdf2 = new PassphraseKdf.Pbkdf2HmacSha512(1_000);
    try (PassphraseCustody c = PassphraseCustody.create(dir, PassphraseCustodyTest.PASSPHRASE, pbkdf2)) {
      wrapped = c.wrap(PassphraseCustodyTest.SITE_KEY);
    }
    try (PassphraseCustody c = PassphraseCustody.open(dir, PassphraseCustodyTest.PASSPHRASE)) {
      assertArrayEquals(PassphraseCustodyTest.SITE_KEY, c.unwrap(wrapped));
    }
  }
}
