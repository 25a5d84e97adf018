package io.witness.appliance.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES key wrap with padding (KWP, NIST SP 800-38F; RFC 5649), the approved way to store a key under another
 * (compliance.md §3.1). Unwrapping checks the wrap's integrity: a wrong key or an altered wrap fails.
 */
public final class KeyWrap {
  private static final String TRANSFORMATION = CryptoBackend.AES_KWP;

  private KeyWrap() {}

  /** {@code key}'s bytes wrapped under {@code kek}. */
  public static byte[] wrap(SecretKey kek, byte[] key) {
    try {
      Cipher c = CryptoBackend.cipher(TRANSFORMATION);
      c.init(Cipher.ENCRYPT_MODE, kek);
      return c.doFinal(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES key wrap failed", e);
    }
  }

  /** The key bytes inside {@code wrapped}, or an {@link IntegrityException} if it was not wrapped under kek. */
  public static byte[] unwrap(SecretKey kek, byte[] wrapped) {
    try {
      Cipher c = CryptoBackend.cipher(TRANSFORMATION);
      c.init(Cipher.DECRYPT_MODE, kek);
      return c.doFinal(wrapped);
    } catch (GeneralSecurityException e) {
      throw new IntegrityException("the wrapped key does not unwrap under this key (altered or another key)", e);
    }
  }

  /** 32 new random bytes for an AES-256 key, from the build's random source (the DRBG in the FIPS build). */
  public static byte[] newKeyBytes() {
    byte[] key = new byte[32];
    CryptoBackend.random().nextBytes(key);
    return key;
  }

  /** An AES key of these bytes. */
  public static SecretKey aes(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    return new SecretKeySpec(key, "AES");
  }
}
