package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented restore path, as an administrator runs it: kit on the old machine, restore on a new one. */
class KeysCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = KeysCommand.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void recoveryKit_thenRestoreOnANewMachine_fromThreeShares() {
    Path oldKeys = dir.resolve("old-machine/keys");
    KeyCustody.Wrapped wrapped;
    try (PassphraseCustody c = PassphraseCustody.create(oldKeys, PassphraseCustodyTest.PASSPHRASE,
        PassphraseCustodyTest.FAST)) {
      wrapped = c.wrap(PassphraseCustodyTest.SITE_KEY);
    }
    Run kit = run(Map.of("WITNESS_KEYS_DIR", oldKeys.toString(),
        "WITNESS_ROOT_PASSPHRASE", new String(PassphraseCustodyTest.PASSPHRASE)), "",
        "recovery-kit", "--threshold", "3", "--shares", "5");
    assertEquals(0, kit.exit(), kit.err());
    List<String> shares = kit.out().lines().toList();
    assertEquals(5, shares.size());
    assertTrue(kit.err().contains("any 3 restore"), kit.err());

    Path newData = dir.resolve("new-machine/data");
    Map<String, String> newEnv = Map.of("WITNESS_DATA_DIR", newData.toString(),
        "WITNESS_ROOT_PASSPHRASE", "the new machine's passphrase");
    Run two = run(newEnv, shares.get(0) + "\n" + shares.get(3) + "\n", "restore");
    assertEquals(1, two.exit());
    assertTrue(two.err().contains("needs 3 shares"), two.err());

    Run restored = run(newEnv, shares.get(0) + "\n\n" + shares.get(3) + "\n" + shares.get(4) + "\n", "restore");
    assertEquals(0, restored.exit(), restored.err());
    try (PassphraseCustody c = PassphraseCustody.open(newData.resolve("keys"),
        "the new machine's passphrase".toCharArray())) {
      assertArrayEquals(PassphraseCustodyTest.SITE_KEY, c.unwrap(wrapped));
    }
    assertEquals(2, run(Map.of(), "", "nonsense").exit());
  }

  @Test
  void recoveryKit_withThePkcs11Custody_isRefusedWithWhatToDoInstead() {
    Run r = run(Map.of("WITNESS_KEY_CUSTODY", "pkcs11", "WITNESS_KEYS_DIR", dir.toString()), "", "recovery-kit");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("never leave it") && r.err().contains("back the token up"), r.err());
    assertEquals("", r.out(), "no share is printed");
  }
}
