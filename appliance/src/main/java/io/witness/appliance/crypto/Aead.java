package io.witness.appliance.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM envelopes (compliance.md §3.2): {@code format(1) ‖ alg(1) ‖ keyVersion(4) ‖ iv(12) ‖ ct ‖ tag(16)}.
 * The header is authenticated together with the caller's associated data, which names the ciphertext's place
 * ({@link #context}: e.g. recording id and chunk sequence, or table, column and row), so a ciphertext swapped,
 * reordered, moved to another recording or relabelled with another key version fails to open.
 *
 * <p>IVs are 96 random bits that the cipher draws itself from {@link CryptoBackend#random()} (SP 800-38D §8.2.2);
 * each data key seals far fewer than the 2^32 messages SP 800-38D allows with random IVs (a key per recording).
 * The cipher, not this class, makes the IV because bc-fips in approved-only mode generates GCM IVs only from its
 * own DRBG. In the default build JCE's provider does the AES (Bouncy Castle's pure-Java GCM is ~70× slower,
 * platform.md); in the FIPS build bc-fips does.
 */
public final class Aead {
  static final byte FORMAT = 1;
  static final byte AES_256_GCM = 1;
  static final int IV_BYTES = 12;
  static final int TAG_BITS = 128;
  static final int HEADER_BYTES = 2 + 4 + IV_BYTES;
  /** The bytes an envelope adds to its plaintext. */
  public static final int OVERHEAD = HEADER_BYTES + TAG_BITS / 8;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private Aead() {}

  /** Seals {@code plaintext} under {@code key} (version {@code keyVersion}) for the place {@code context}. */
  public static byte[] seal(SecretKey key, int keyVersion, byte[] plaintext, byte[] context) {
    byte[] out = new byte[HEADER_BYTES + plaintext.length + TAG_BITS / 8];
    try {
      Cipher c = CryptoBackend.cipher(TRANSFORMATION);
      c.init(Cipher.ENCRYPT_MODE, key, CryptoBackend.random()); // the cipher makes a fresh 96-bit IV, 128-bit tag
      byte[] iv = c.getIV();
      if (iv == null || iv.length != IV_BYTES) {
        throw new IllegalStateException("the AES-GCM provider made a " + (iv == null ? 0 : iv.length * 8)
            + "-bit IV, not 96");
      }
      ByteBuffer.wrap(out, 0, HEADER_BYTES).put(FORMAT).put(AES_256_GCM).putInt(keyVersion).put(iv);
      c.updateAAD(out, 0, HEADER_BYTES);
      c.updateAAD(context);
      c.doFinal(plaintext, 0, plaintext.length, out, HEADER_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
  }

  /** The key version an envelope names (to pick the key that opens it), or an integrity error if it is no envelope. */
  public static int keyVersion(byte[] envelope) {
    checkHeader(envelope);
    return ByteBuffer.wrap(envelope, 2, 4).getInt();
  }

  /**
   * The plaintext of an envelope sealed by {@link #seal} for the same {@code context}, or an
   * {@link IntegrityException} if any byte of it, its place or its key differs. Never returns partial content.
   */
  public static byte[] open(SecretKey key, byte[] envelope, byte[] context) {
    checkHeader(envelope);
    try {
      Cipher c = CryptoBackend.cipher(TRANSFORMATION);
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, envelope, 6, IV_BYTES));
      c.updateAAD(envelope, 0, HEADER_BYTES);
      c.updateAAD(context);
      return c.doFinal(envelope, HEADER_BYTES, envelope.length - HEADER_BYTES);
    } catch (AEADBadTagException e) {
      throw new IntegrityException("the ciphertext failed authentication (altered, moved or under another key)");
    } catch (GeneralSecurityException e) {
      throw new IntegrityException("the ciphertext could not be opened", e);
    }
  }

  private static void checkHeader(byte[] envelope) {
    if (envelope == null || envelope.length < OVERHEAD) {
      throw new IntegrityException("the ciphertext is truncated");
    }
    if (envelope[0] != FORMAT || envelope[1] != AES_256_GCM) {
      throw new IntegrityException("unknown ciphertext format " + envelope[0] + "/" + envelope[1]);
    }
  }

  /**
   * Associated data naming a ciphertext's place: each part as UTF-8 with a 4-byte length before it, so that
   * ("ab", "c") and ("a", "bc") differ. Begin with a label of the kind of thing sealed ("chunk", "field").
   */
  public static byte[] context(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes("witness-aead-v1".getBytes(StandardCharsets.US_ASCII));
    for (String part : parts) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
    }
    return out.toByteArray();
  }
}
