package io.witness.appliance.identity;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in the form {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (OWASP 2023
 * iteration count). The format carries its parameters so they can be raised without breaking stored hashes.
 */
final class PasswordHasher {
  private static final int ITERATIONS = 600_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHasher() {}

  static String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return "pbkdf2-sha256$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(password, salt, ITERATIONS));
  }

  /**
   * A hash no password matches (its hash bytes are random, not derived), with the standard salt and iteration
   * count: verifying against it costs what verifying a real one does, and making it costs nothing, so an unknown
   * user name answers as slowly as a wrong password without a 600,000-round derivation at start.
   */
  static String unmatchable() {
    byte[] salt = new byte[16];
    byte[] hash = new byte[32];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(hash);
    return "pbkdf2-sha256$" + ITERATIONS + "$" + b64(salt) + "$" + b64(hash);
  }

  static boolean verify(char[] password, String stored) {
    String[] parts = stored.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, iterations));
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2 unavailable", e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().withoutPadding().encodeToString(b);
  }
}
