package io.witness.appliance.crypto;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the PKCS#11 user PIN comes from: {@code witness.pkcs11.pin} ({@code WITNESS_PKCS11_PIN}), or a file named by
 * {@code witness.pkcs11.pin-file} ({@code WITNESS_PKCS11_PIN_FILE}) that only its owner may read, under the same
 * rules as the root passphrase file ({@link RootPassphrase}).
 */
public final class Pkcs11Pin {
  public static final String SETTING = "witness.pkcs11.pin";
  public static final String FILE_SETTING = "witness.pkcs11.pin-file";

  private Pkcs11Pin() {}

  /** The PIN from {@code settings} (keyed by {@link #SETTING} and {@link #FILE_SETTING}). */
  public static char[] from(Map<String, String> settings) {
    String value = settings.get(SETTING);
    String file = settings.get(FILE_SETTING);
    if (value != null && file != null) {
      throw new CustodyException("set " + SETTING + " or " + FILE_SETTING + ", not both");
    }
    char[] pin;
    if (value != null) {
      pin = value.toCharArray();
    } else if (file != null) {
      pin = RootPassphrase.readOwnerOnly(Path.of(file), "PIN file", FILE_SETTING);
    } else {
      throw new CustodyException("the PKCS#11 token needs its user PIN: set " + SETTING + " (WITNESS_PKCS11_PIN), or "
          + FILE_SETTING + " (WITNESS_PKCS11_PIN_FILE) to a file only the appliance's user can read");
    }
    if (pin.length == 0) {
      throw new CustodyException("the PKCS#11 user PIN is empty: set " + SETTING + " or " + FILE_SETTING);
    }
    return pin;
  }
}
