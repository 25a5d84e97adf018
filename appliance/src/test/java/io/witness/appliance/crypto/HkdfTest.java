package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void derive_rfc5869TestCase1() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[] okm = Hkdf.derive(ikm, HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        HEX.formatHex(okm));
  }

  @Test
  void derive_rfc5869TestCase3_emptySaltAndInfo() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        HEX.formatHex(Hkdf.derive(ikm, new byte[0], new byte[0], 42)));
  }

  @Test
  void derive_differentInfo_givesUnrelatedKeys() {
    byte[] ikm = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    byte[] a = Hkdf.derive(ikm, null, "recording:a".getBytes(), 32);
    byte[] b = Hkdf.derive(ikm, null, "recording:b".getBytes(), 32);
    assertEquals(32, a.length);
    assertThrows(AssertionError.class, () -> assertArrayEquals(a, b));
    assertArrayEquals(a, Hkdf.derive(ikm, null, "recording:a".getBytes(), 32), "deterministic");
  }

  @Test
  void derive_refusesImpossibleLengths() {
    assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(new byte[32], null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(new byte[32], null, null, 255 * 32 + 1));
  }
}
