package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyWrapTest {
  static final HexFormat HEX = HexFormat.of();
  static final SecretKey RFC5649_KEK = new SecretKeySpec(
      HEX.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"), "AES");

  @Test
  void wrap_rfc5649Vectors() {
    assertEquals("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
        HEX.formatHex(KeyWrap.wrap(RFC5649_KEK, HEX.parseHex("c37b7e6492584340bed12207808941155068f738"))));
    assertEquals("afbeb0f07dfbf5419200f2ccb50bb24f",
        HEX.formatHex(KeyWrap.wrap(RFC5649_KEK, HEX.parseHex("466f7250617369"))));
  }

  @Test
  void unwrap_ofAWrap_givesTheKeyBack() {
    SecretKey kek = KeyWrap.aes(new byte[32]);
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    assertArrayEquals(key, KeyWrap.unwrap(kek, KeyWrap.wrap(kek, key)));
  }

  @Test
  void unwrap_alteredOrUnderAnotherKey_failsWithAnIntegrityError() {
    SecretKey kek = KeyWrap.aes(new byte[32]);
    byte[] wrapped = KeyWrap.wrap(kek, new byte[32]);
    byte[] altered = wrapped.clone();
    altered[5] ^= 1;
    assertThrows(IntegrityException.class, () -> KeyWrap.unwrap(kek, altered));
    byte[] other = new byte[32];
    other[0] = 1;
    assertThrows(IntegrityException.class, () -> KeyWrap.unwrap(KeyWrap.aes(other), wrapped));
    assertThrows(IntegrityException.class,
        () -> KeyWrap.unwrap(kek, java.util.Arrays.copyOf(wrapped, wrapped.length - 8)));
  }

  @Test
  void aes_refusesKeysOfTheWrongSize() {
    assertThrows(IllegalArgumentException.class, () -> KeyWrap.aes(new byte[16]));
  }
}
