package io.witness.appliance.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * Where the root keystore's passphrase comes from: {@code WITNESS_ROOT_PASSPHRASE}, or a file named by
 * {@code WITNESS_ROOT_PASSPHRASE_FILE} that only its owner may read (a systemd credential, a TPM-unsealed file).
 * A file others can read is refused: a passphrase in a world-readable file protects nothing.
 */
public final class RootPassphrase {
  public static final String VARIABLE = "WITNESS_ROOT_PASSPHRASE";
  public static final String FILE_VARIABLE = "WITNESS_ROOT_PASSPHRASE_FILE";
  private static final long MAX_FILE_BYTES = 4096;

  private RootPassphrase() {}

  /** The passphrase from {@code env} (the process environment, or a map in tests). */
  public static char[] from(Map<String, String> env) {
    String value = env.get(VARIABLE);
    String file = env.get(FILE_VARIABLE);
    if (value != null && file != null) {
      throw new CustodyException("set " + VARIABLE + " or " + FILE_VARIABLE + ", not both");
    }
    char[] passphrase;
    if (value != null) {
      passphrase = value.toCharArray();
    } else if (file != null) {
      passphrase = readOwnerOnly(Path.of(file), "passphrase file", FILE_VARIABLE);
    } else {
      throw new CustodyException("the root keystore needs a passphrase: set " + VARIABLE + ", or " + FILE_VARIABLE
          + " to a file only the appliance's user can read");
    }
    PassphraseCustody.checkPassphrase(passphrase);
    return passphrase;
  }

  /**
   * The secret in {@code file} (without one trailing newline), refused if its group or others may read it; shared
   * with the PKCS#11 PIN file. {@code what} names the file in messages, {@code setting} the setting that named it.
   */
  static char[] readOwnerOnly(Path file, String what, String setting) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new CustodyException(setting + " names " + file + ", which is not a file");
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          throw new CustodyException("the " + what + " " + file + " may be read by others: chmod 600 it");
        }
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: no permission bits to check (the appliance is supported on Linux).
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new CustodyException("the " + what + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      // One trailing newline (as editors and echo write it) is not part of the secret.
      return text.endsWith("\n") ? text.substring(0, text.length() - 1).toCharArray() : text.toCharArray();
    } catch (IOException e) {
      throw new CustodyException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
    }
  }
}
