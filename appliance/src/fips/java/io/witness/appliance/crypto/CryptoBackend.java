package io.witness.appliance.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

/**
 * Where this build's cryptography comes from: the FIPS build (source root {@code src/fips}, Maven profile
 * {@code fips}; its twin in {@code src/bcprov} is the default build's). Every algorithm the crypto package uses is
 * asked for here, from the bc-fips provider by instance, so AES-GCM, AES-KWP, HMAC, SHA-256, the BCFKS keystore,
 * the passphrase derivation and all key, IV and salt randomness come from the validated module in approved-only
 * mode. The provider is not registered with {@code Security}: the rest of the appliance (TLS, the console's
 * password hashes) keeps the JDK's providers; making those FIPS too is a JVM-wide setting outside this package.
 *
 * <p>Approved-only mode is JVM-wide ({@code org.bouncycastle.fips.approved_only}); loading this class turns it on if
 * nobody has said otherwise, and refuses to run if it is off (set to false, or bc-fips was initialised before the
 * property was set). The randomness is bc-fips's DRBG ({@code DEFAULT}: SP 800-90A CTR_DRBG): approved-only mode
 * accepts no other for keys or for the GCM IVs it generates itself.
 */
final class CryptoBackend {
  /** For logs and the tests: which build this is. */
  static final String NAME = "bc-fips";
  /** AES key wrap with padding (SP 800-38F KWP, RFC 5649), under bc-fips's name. */
  static final String AES_KWP = "AESKWP";
  static final String APPROVED_ONLY = "org.bouncycastle.fips.approved_only";

  private static final BouncyCastleFipsProvider FIPS;
  private static final SecureRandom DRBG;

  static {
    if (System.getProperty(APPROVED_ONLY) == null) {
      System.setProperty(APPROVED_ONLY, "true");
    }
    FIPS = new BouncyCastleFipsProvider();
    if (!CryptoServicesRegistrar.isInApprovedOnlyMode()) {
      throw new IllegalStateException("this is a FIPS build but bc-fips is not in approved-only mode: start the JVM"
          + " with -D" + APPROVED_ONLY + "=true (or without the property)");
    }
    try {
      DRBG = SecureRandom.getInstance("DEFAULT", FIPS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bc-fips has no DRBG", e);
    }
  }

  private CryptoBackend() {}

  static Cipher cipher(String transformation) throws GeneralSecurityException {
    return Cipher.getInstance(transformation, FIPS);
  }

  static Mac mac(String algorithm) throws GeneralSecurityException {
    return Mac.getInstance(algorithm, FIPS);
  }

  static MessageDigest digest(String algorithm) throws GeneralSecurityException {
    return MessageDigest.getInstance(algorithm, FIPS);
  }

  static java.security.Signature signature(String algorithm) throws GeneralSecurityException {
    return java.security.Signature.getInstance(algorithm, FIPS);
  }

  static java.security.KeyPairGenerator keyPairGenerator(String algorithm) throws GeneralSecurityException {
    return java.security.KeyPairGenerator.getInstance(algorithm, FIPS);
  }

  static java.security.KeyFactory keyFactory(String algorithm) throws GeneralSecurityException {
    return java.security.KeyFactory.getInstance(algorithm, FIPS);
  }

  static KeyGenerator keyGenerator(String algorithm) throws GeneralSecurityException {
    return KeyGenerator.getInstance(algorithm, FIPS);
  }

  /** The random source for keys, IVs, salts and shares: bc-fips's DRBG (thread-safe). */
  static SecureRandom random() {
    return DRBG;
  }

  /** An empty BCFKS keystore (not yet loaded). */
  static KeyStore bcfks() throws GeneralSecurityException {
    return KeyStore.getInstance("BCFKS", FIPS);
  }

  static PassphraseKdf standardKdf() {
    return PassphraseKdf.Pbkdf2HmacSha512.DEFAULT;
  }

  /**
   * {@code length} bytes derived from {@code passphrase} and {@code salt} with {@code kdf}; a keystore sealed with
   * Argon2id (by a default build) is refused: it is not an approved derivation, and bc-fips has none.
   */
  static byte[] derive(PassphraseKdf kdf, char[] passphrase, byte[] salt, int length)
      throws GeneralSecurityException {
    return switch (kdf) {
      case PassphraseKdf.Argon2id a -> throw new CustodyException("this root keystore was sealed by a default"
          + " (non-FIPS) build with " + a.describe() + ", which a FIPS build may not compute: a FIPS appliance"
          + " needs a keystore made by a FIPS build. Move the root keys with a recovery kit (bin/witness keys"
          + " recovery-kit on the old build; bin/witness keys restore, with the FIPS build, into an empty keys"
          + " directory)");
      case PassphraseKdf.Pbkdf2HmacSha512 p -> {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, p.iterations(), length * 8);
        try {
          yield SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512", FIPS).generateSecret(spec).getEncoded();
        } finally {
          spec.clearPassword();
        }
      }
    };
  }
}
