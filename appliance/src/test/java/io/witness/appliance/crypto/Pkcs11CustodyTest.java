package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real SoftHSM2 token store made fresh for this class ({@link SoftHsm}). Every test has its own token,
 * made before the library is first loaded (a token made later would not be seen by this JVM), so a login or a
 * failed login in one test does not leak into another.
 */
class Pkcs11CustodyTest {
  static final byte[] SITE_KEY = HexFormat.of().parseHex(
      "8f1c0e5d2a7b4c3e9f8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a39281");
  static final char[] PIN = SoftHsm.USER_PIN.toCharArray();
  static Path library;

  @TempDir Path dir;

  @BeforeAll
  static void tokens() {
    library = SoftHsm.library();
    SoftHsm.ofThisJvm().token("first-open").token("extractable").token("rotate").token("tamper")
        .token("wrong-pin").token("by-slot").token("threads");
  }

  static Pkcs11Custody open(String label) {
    return Pkcs11Custody.open(library, new Pkcs11Custody.Token.Label(label), PIN);
  }

  @Test
  void open_ofAnEmptyToken_generatesVersion1_andANewProviderUnwrapsWhatTheFirstWrapped() {
    KeyCustody.Wrapped wrapped;
    try (Pkcs11Custody first = open("first-open")) {
      assertEquals(1, first.currentVersion());
      assertTrue(first.describe().contains("first-open"), first.describe());
      wrapped = first.wrap(SITE_KEY);
      assertEquals(1, wrapped.rootVersion());
      assertEquals(Pkcs11Custody.IV_BYTES + SITE_KEY.length + 16, wrapped.bytes().length, "IV, ciphertext, tag");
      assertFalse(HexFormat.of().formatHex(wrapped.bytes()).contains(HexFormat.of().formatHex(SITE_KEY, 0, 8)),
          "the key is not in the wrap in the clear");
      assertFalse(Arrays.equals(wrapped.bytes(), first.wrap(SITE_KEY).bytes()), "a fresh IV per wrap");
      assertArrayEquals(SITE_KEY, first.unwrap(wrapped));
    }
    try (Pkcs11Custody reopened = open("first-open")) {
      assertEquals(1, reopened.currentVersion(), "the token's key is found again, not a second one generated");
      assertArrayEquals(SITE_KEY, reopened.unwrap(wrapped));
    }
  }

  @Test
  void rootKey_isATokenObject_sensitiveAndNotExtractable() {
    open("extractable").close();
    // Read back from the token by a new provider: what it reports comes from the object's attributes.
    try (Pkcs11Custody c = open("extractable")) {
      SecretKey root = c.key(1);
      assertNull(root.getEncoded(), "CKA_VALUE cannot be read");
      String attributes = root.toString();
      assertTrue(attributes.contains("token object"), attributes);
      assertTrue(attributes.contains("sensitive") && !attributes.contains("not sensitive"), attributes);
      assertTrue(attributes.contains("unextractable"), attributes);
      // AES-256: P11KeyStore prints CKA_VALUE_LEN, which is in bytes, as "bits" (JDK 21 to 25); accept either.
      assertTrue(attributes.matches(".*AES secret key, (256|32) bits.*"), attributes);
      assertEquals("AES", root.getAlgorithm());
    }
  }

  @Test
  void rotate_thenDestroy_oldWrapsStopUnwrapping_currentCannotBeDestroyed_andThatHoldsAfterReopen() {
    KeyCustody.Wrapped underV1;
    KeyCustody.Wrapped underV2;
    try (Pkcs11Custody c = open("rotate")) {
      underV1 = c.wrap(SITE_KEY);
      assertEquals(2, c.rotate());
      assertEquals(2, c.currentVersion());
      underV2 = c.wrap(SITE_KEY);
      assertEquals(2, underV2.rootVersion());
      assertArrayEquals(SITE_KEY, c.unwrap(underV1), "the old version still unwraps until destroyed");
      assertArrayEquals(SITE_KEY, c.unwrap(underV2));
      CustodyException current = assertThrows(CustodyException.class, () -> c.destroy(2));
      assertTrue(current.getMessage().contains("is current"), current.getMessage());
      c.destroy(1);
      CustodyException gone = assertThrows(CustodyException.class, () -> c.unwrap(underV1));
      assertTrue(gone.getMessage().contains("version 1 does not exist"), gone.getMessage());
      assertThrows(CustodyException.class, () -> c.unwrap(new KeyCustody.Wrapped(7, underV2.bytes())),
          "a version that never existed");
    }
    try (Pkcs11Custody c = open("rotate")) {
      assertEquals(2, c.currentVersion());
      assertArrayEquals(SITE_KEY, c.unwrap(underV2));
      assertThrows(CustodyException.class, () -> c.unwrap(underV1), "the key object is gone from the token");
    }
  }

  @Test
  void unwrap_ofAnAlteredTruncatedOrRelabelledWrap_failsWithAnIntegrityError() {
    try (Pkcs11Custody c = open("tamper")) {
      KeyCustody.Wrapped w = c.wrap(SITE_KEY);
      for (int at : new int[] {0, Pkcs11Custody.IV_BYTES, w.bytes().length - 1}) { // IV, ciphertext, tag
        byte[] altered = w.bytes().clone();
        altered[at] ^= 1;
        assertThrows(IntegrityException.class, () -> c.unwrap(new KeyCustody.Wrapped(1, altered)), "byte " + at);
      }
      assertThrows(IntegrityException.class,
          () -> c.unwrap(new KeyCustody.Wrapped(1, Arrays.copyOf(w.bytes(), 20))));
      c.rotate();
      assertThrows(IntegrityException.class, () -> c.unwrap(new KeyCustody.Wrapped(2, w.bytes())),
          "a wrap under v1 presented as v2");
      assertArrayEquals(SITE_KEY, c.unwrap(w));
    }
  }

  @Test
  void open_withAWrongPin_failsWithOneClearMessage_andTheRightPinStillOpens() {
    CustodyException e = assertThrows(CustodyException.class,
        () -> Pkcs11Custody.open(library, new Pkcs11Custody.Token.Label("wrong-pin"), "not-the-pin".toCharArray()));
    assertTrue(e.getMessage().contains("refused the PIN"), e.getMessage());
    assertTrue(e.getMessage().contains("witness.pkcs11.pin"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-pin"), "the message never repeats a PIN");
    try (Pkcs11Custody c = open("wrong-pin")) {
      assertEquals(1, c.currentVersion());
    }
  }

  @Test
  void open_ofAMissingTokenOrLibrary_saysWhatIsMissing() {
    CustodyException token = assertThrows(CustodyException.class, () -> open("no-such-token"));
    assertTrue(token.getMessage().contains("no initialised PKCS#11 token labelled 'no-such-token'"),
        token.getMessage());
    assertTrue(token.getMessage().contains("'first-open'"), "lists the tokens there are: " + token.getMessage());
    CustodyException lib = assertThrows(CustodyException.class, () -> Pkcs11Custody.open(
        dir.resolve("libnothing.so"), new Pkcs11Custody.Token.Label("first-open"), PIN));
    assertTrue(lib.getMessage().contains("does not exist") && lib.getMessage().contains("apt-get install softhsm2"),
        lib.getMessage());
  }

  @Test
  void open_bySlotId_isTheSameToken() {
    KeyCustody.Wrapped w;
    try (Pkcs11Custody c = open("by-slot")) {
      w = c.wrap(SITE_KEY);
    }
    long slot = Pkcs11Slots.slotOf(library.toAbsolutePath().normalize().toString(), "by-slot");
    try (Pkcs11Custody c = Pkcs11Custody.open(library, new Pkcs11Custody.Token.Slot(slot), PIN)) {
      assertArrayEquals(SITE_KEY, c.unwrap(w));
    }
  }

  @Test
  void wrapAndUnwrap_fromManyThreads_allRoundTrip_andAClosedCustodyRefuses() throws Exception {
    Pkcs11Custody c = open("threads");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 40; i++) {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) (seed * 40 + i));
            assertArrayEquals(key, c.unwrap(c.wrap(key)));
            if (seed == 0 && i == 20) {
              c.rotate();
            }
          }
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdown();
      c.close();
    }
    assertThrows(CustodyException.class, () -> c.wrap(SITE_KEY));
  }

  @Test
  void pin_fromAnOwnerOnlyFile_orRefusedWhenOthersCanReadIt() throws Exception {
    Path f = dir.resolve("pin");
    Files.writeString(f, "1234\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals("1234", new String(Pkcs11Pin.from(Map.of(Pkcs11Pin.FILE_SETTING, f.toString()))));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    CustodyException e = assertThrows(CustodyException.class,
        () -> Pkcs11Pin.from(Map.of(Pkcs11Pin.FILE_SETTING, f.toString())));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    CustodyException none = assertThrows(CustodyException.class, () -> Pkcs11Pin.from(Map.of()));
    assertTrue(none.getMessage().contains(Pkcs11Pin.SETTING), none.getMessage());
    assertThrows(CustodyException.class,
        () -> Pkcs11Pin.from(Map.of(Pkcs11Pin.SETTING, "1234", Pkcs11Pin.FILE_SETTING, f.toString())));
  }
}
