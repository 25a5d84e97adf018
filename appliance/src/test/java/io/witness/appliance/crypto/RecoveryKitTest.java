package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryKitTest {
  @TempDir Path dir;

  @Test
  void shamir_anyThreeOfFive_giveTheSecretBack_andTwoDoNot() {
    byte[] secret = "a secret of some forty-two bytes, exactly!".getBytes();
    List<Shamir.Share> shares = Shamir.split(secret, 3, 5);
    for (int a = 0; a < 5; a++) {
      for (int b = a + 1; b < 5; b++) {
        for (int c = b + 1; c < 5; c++) {
          assertArrayEquals(secret, Shamir.combine(List.of(shares.get(a), shares.get(b), shares.get(c))));
        }
        assertThrows(AssertionError.class,
            () -> assertArrayEquals(secret, Shamir.combine(List.of(shares.get(0), shares.get(1)))));
      }
    }
  }

  @Test
  void shamir_fieldArithmetic_isTheAesField() {
    assertEquals(0xc1, Shamir.mul(0x57, 0x83), "FIPS 197 §4.2 example");
    for (int a = 1; a < 256; a++) {
      assertEquals(1, Shamir.mul(a, Shamir.div(1, a)), "inverse of " + a);
    }
  }

  @Test
  void restore_onANewMachine_fromThreeOfFiveShares_unwrapsWhatTheOldRootWrapped() {
    KeyCustody.Wrapped wrapped;
    List<String> kit;
    try (PassphraseCustody old = PassphraseCustody.create(dir.resolve("old"), PassphraseCustodyTest.PASSPHRASE,
        PassphraseCustodyTest.FAST)) {
      old.rotate();
      wrapped = old.wrap(PassphraseCustodyTest.SITE_KEY);
      kit = RecoveryKit.create(old.exportForRecoveryKit(), 3, 5);
    }
    assertEquals(5, kit.size());
    assertTrue(kit.get(0).startsWith("WITNESS-RECOVERY-1 "), kit.get(0).substring(0, 30));

    Map<Integer, byte[]> keys = RecoveryKit.restore(List.of(kit.get(4), kit.get(1), kit.get(2)));
    try (PassphraseCustody restored = PassphraseCustody.restore(dir.resolve("new"),
        "a new machine's own passphrase".toCharArray(), PassphraseCustodyTest.FAST, keys)) {
      assertEquals(2, restored.currentVersion());
      assertArrayEquals(PassphraseCustodyTest.SITE_KEY, restored.unwrap(wrapped));
    }
    try (PassphraseCustody reopened = PassphraseCustody.open(dir.resolve("new"),
        "a new machine's own passphrase".toCharArray())) {
      assertArrayEquals(PassphraseCustodyTest.SITE_KEY, reopened.unwrap(wrapped));
    }
  }

  @Test
  void restore_refusesTooFewMistypedDuplicateOrMixedShares() {
    List<String> kit = RecoveryKit.create(Map.of(1, new byte[32]), 3, 5);
    List<String> other = RecoveryKit.create(Map.of(1, new byte[32]), 3, 5);
    assertTrue(message(List.of(kit.get(0), kit.get(1))).contains("needs 3 shares"));
    String typo = kit.get(2).substring(0, 60) + (kit.get(2).charAt(60) == 'A' ? 'B' : 'A') + kit.get(2).substring(61);
    assertTrue(message(List.of(kit.get(0), kit.get(1), typo)).contains("mistyped"));
    assertTrue(message(List.of(kit.get(0), kit.get(1), kit.get(1))).contains("twice"));
    assertTrue(message(List.of(kit.get(0), kit.get(1), other.get(2))).contains("different kits"));
    assertTrue(message(List.of("hello")).contains("not a Witness recovery share"));
  }

  static String message(List<String> shares) {
    return assertThrows(CustodyException.class, () -> RecoveryKit.restore(new ArrayList<>(shares))).getMessage();
  }
}
