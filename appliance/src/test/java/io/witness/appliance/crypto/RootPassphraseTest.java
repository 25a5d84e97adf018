package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootPassphraseTest {
  @TempDir Path dir;

  @Test
  void from_theVariable() {
    assertEquals("a passphrase of some length",
        new String(RootPassphrase.from(Map.of(RootPassphrase.VARIABLE, "a passphrase of some length"))));
  }

  @Test
  void from_anOwnerOnlyFile_withoutItsTrailingNewline() throws Exception {
    Path f = dir.resolve("passphrase");
    Files.writeString(f, "a passphrase of some length\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals("a passphrase of some length",
        new String(RootPassphrase.from(Map.of(RootPassphrase.FILE_VARIABLE, f.toString()))));
  }

  @Test
  void from_aFileOthersCanRead_isRefused() throws Exception {
    Path f = dir.resolve("passphrase");
    Files.writeString(f, "a passphrase of some length");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    CustodyException e = assertThrows(CustodyException.class,
        () -> RootPassphrase.from(Map.of(RootPassphrase.FILE_VARIABLE, f.toString())));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void from_nothingBothOrTooShort_isRefusedWithWhatToSet() {
    CustodyException none = assertThrows(CustodyException.class, () -> RootPassphrase.from(Map.of()));
    assertTrue(none.getMessage().contains(RootPassphrase.VARIABLE), none.getMessage());
    assertThrows(CustodyException.class, () -> RootPassphrase.from(Map.of(RootPassphrase.VARIABLE,
        "a passphrase of some length", RootPassphrase.FILE_VARIABLE, "/x")));
    assertThrows(CustodyException.class, () -> RootPassphrase.from(Map.of(RootPassphrase.VARIABLE, "too short")));
  }
}
