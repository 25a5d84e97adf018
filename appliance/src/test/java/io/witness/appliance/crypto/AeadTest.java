package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class AeadTest {
  static final SecretKey KEY = key(1);
  static final byte[] PLAIN = "{\"type\":3,\"data\":{\"text\":\"marker-4711\"}}".getBytes(StandardCharsets.UTF_8);
  static final byte[] CHUNK_7 = Aead.context("chunk", "rec-1", "7");

  static SecretKey key(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return KeyWrap.aes(k);
  }

  @Test
  void open_ofASealedEnvelope_givesThePlaintextBack() {
    byte[] sealed = Aead.seal(KEY, 3, PLAIN, CHUNK_7);
    assertEquals(PLAIN.length + Aead.OVERHEAD, sealed.length);
    assertEquals(3, Aead.keyVersion(sealed));
    assertArrayEquals(PLAIN, Aead.open(KEY, sealed, CHUNK_7));
  }

  @Test
  void seal_twice_usesFreshIvs() {
    assertNotEquals(Arrays.toString(Aead.seal(KEY, 1, PLAIN, CHUNK_7)), Arrays.toString(Aead.seal(KEY, 1, PLAIN, CHUNK_7)));
  }

  @Test
  void open_withAnyByteFlipped_failsAndReturnsNothing() {
    byte[] sealed = Aead.seal(KEY, 1, PLAIN, CHUNK_7);
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThrows(IntegrityException.class, () -> Aead.open(KEY, tampered, CHUNK_7), "byte " + i);
    }
  }

  @Test
  void open_truncated_fails() {
    byte[] sealed = Aead.seal(KEY, 1, PLAIN, CHUNK_7);
    for (int n : new int[] {0, 5, Aead.OVERHEAD - 1, sealed.length - 1}) {
      assertThrows(IntegrityException.class, () -> Aead.open(KEY, Arrays.copyOf(sealed, n), CHUNK_7), n + " bytes");
    }
  }

  @Test
  void open_inAnotherPlace_fails() {
    byte[] sealed = Aead.seal(KEY, 1, PLAIN, CHUNK_7);
    assertThrows(IntegrityException.class, () -> Aead.open(KEY, sealed, Aead.context("chunk", "rec-1", "8")),
        "reordered within the recording");
    assertThrows(IntegrityException.class, () -> Aead.open(KEY, sealed, Aead.context("chunk", "rec-2", "7")),
        "moved to another recording");
    assertThrows(IntegrityException.class, () -> Aead.open(KEY, sealed, Aead.context("field", "rec-1", "7")),
        "read as another kind of value");
  }

  @Test
  void open_underAnotherKey_fails() {
    byte[] sealed = Aead.seal(KEY, 1, PLAIN, CHUNK_7);
    assertThrows(IntegrityException.class, () -> Aead.open(key(2), sealed, CHUNK_7));
  }

  @Test
  void open_withTheKeyVersionRelabelled_fails() {
    byte[] sealed = Aead.seal(KEY, 1, PLAIN, CHUNK_7);
    sealed[5] = 2;
    assertEquals(2, Aead.keyVersion(sealed));
    assertThrows(IntegrityException.class, () -> Aead.open(KEY, sealed, CHUNK_7));
  }

  @Test
  void context_isUnambiguous() {
    assertNotEquals(Arrays.toString(Aead.context("ab", "c")), Arrays.toString(Aead.context("a", "bc")));
  }
}
