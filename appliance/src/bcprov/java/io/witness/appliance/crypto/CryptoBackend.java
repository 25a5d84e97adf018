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
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where this build's cryptography comes from: the default build (source root {@code src/bcprov}; its twin in
 * {@code src/fips} is the FIPS build's, selected by the Maven profile {@code fips}). Every algorithm the crypto
 * package uses is asked for here, so the two builds differ in this one class.
 *
 * <p>Here the JDK's providers do AES-GCM, AES-KWP, HMAC and SHA-256 (SunJCE's AES is intrinsic-backed; Bouncy
 * Castle's pure-Java AES is ~70× slower, platform.md), and Bouncy Castle (bcprov) supplies only what the JDK lacks:
 * the BCFKS keystore and Argon2id. The provider instance is not registered with {@code Security}, so nothing else
 * in the appliance picks Bouncy Castle up by accident.
 */
final class CryptoBackend {
  /** For logs and the tests: which build this is. */
  static final String NAME = "bcprov";
  /** AES key wrap with padding (RFC 5649), under the JDK's name. */
  static final String AES_KWP = "AES/KWP/NoPadding";

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private CryptoBackend() {}

  static Cipher cipher(String transformation) throws GeneralSecurityException {
    return Cipher.getInstance(transformation);
  }

  static Mac mac(String algorithm) throws GeneralSecurityException {
    return Mac.getInstance(algorithm);
  }

  static MessageDigest digest(String algorithm) throws GeneralSecurityException {
    return MessageDigest.getInstance(algorithm);
  }

  static java.security.Signature signature(String algorithm) throws GeneralSecurityException {
    return java.security.Signature.getInstance(algorithm);
  }

  static java.security.KeyPairGenerator keyPairGenerator(String algorithm) throws GeneralSecurityException {
    return java.security.KeyPairGenerator.getInstance(algorithm);
  }

  static java.security.KeyFactory keyFactory(String algorithm) throws GeneralSecurityException {
    return java.security.KeyFactory.getInstance(algorithm);
  }

  static KeyGenerator keyGenerator(String algorithm) throws GeneralSecurityException {
    return KeyGenerator.getInstance(algorithm);
  }

  /** The random source for keys, IVs, salts and shares. */
  static SecureRandom random() {
    return RANDOM;
  }

  /** An empty BCFKS keystore (not yet loaded). */
  static KeyStore bcfks() throws GeneralSecurityException {
    return KeyStore.getInstance("BCFKS", BC);
  }

  static PassphraseKdf standardKdf() {
    return PassphraseKdf.Argon2id.DEFAULT;
  }

  /**
   * {@code length} bytes derived from {@code passphrase} and {@code salt} with {@code kdf}. Both derivations are
   * available here, so this build opens keystores sealed by either build.
   */
  static byte[] derive(PassphraseKdf kdf, char[] passphrase, byte[] salt, int length)
      throws GeneralSecurityException {
    return switch (kdf) {
      case PassphraseKdf.Argon2id a -> {
        Argon2BytesGenerator argon = new Argon2BytesGenerator();
        argon.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(a.memoryKiB())
            .withIterations(a.iterations()).withParallelism(a.parallelism()).build());
        byte[] derived = new byte[length];
        argon.generateBytes(passphrase, derived);
        yield derived;
      }
      case PassphraseKdf.Pbkdf2HmacSha512 p -> {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, p.iterations(), length * 8);
        try {
          yield SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } finally {
          spec.clearPassword();
        }
      }
    };
  }
}
