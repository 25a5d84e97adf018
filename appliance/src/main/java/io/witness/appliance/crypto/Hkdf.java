package io.witness.appliance.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA-256 (RFC 5869), through JCE's {@code Mac} from {@link CryptoBackend} so that the FIPS build
 * uses its approved HMAC. Used to derive a recording's data key from its subject key and bucket key, and index keys
 * from a site key.
 */
public final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LENGTH = 32;

  private Hkdf() {}

  /** The first {@code length} bytes of OKM = HKDF-Expand(HKDF-Extract(salt, ikm), info, length). */
  public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length <= 0 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException("HKDF output length must be 1.." + 255 * HASH_LENGTH);
    }
    byte[] prk = extract(salt, ikm);
    try {
      return expand(prk, info, length);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  static byte[] extract(byte[] salt, byte[] ikm) {
    // HMAC pads a key shorter than its block with zeros, so padding a short salt to the hash length changes no
    // output (RFC 5869's "string of HashLen zeros" for no salt is the same rule). It keeps bc-fips in approved-only
    // mode, which refuses HMAC keys under 112 bits, computing the same keys as the default build.
    byte[] s = salt == null ? new byte[HASH_LENGTH]
        : salt.length < HASH_LENGTH ? Arrays.copyOf(salt, HASH_LENGTH) : salt;
    return mac(s).doFinal(ikm);
  }

  static byte[] expand(byte[] prk, byte[] info, int length) {
    Mac mac = mac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int at = 0;
    for (int i = 1; at < length; i++) {
      mac.update(t);
      mac.update(info == null ? new byte[0] : info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - at);
      System.arraycopy(t, 0, out, at, n);
      at += n;
    }
    Arrays.fill(t, (byte) 0);
    return out;
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = CryptoBackend.mac(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("HKDF key rejected", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }
}
