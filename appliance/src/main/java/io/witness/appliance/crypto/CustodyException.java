package io.witness.appliance.crypto;

/**
 * The root key cannot be used: the keystore is missing, damaged or sealed under another passphrase, the
 * passphrase is unsafe, or a key version is gone. The message says what to do and holds no secret.
 */
public final class CustodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CustodyException(String message) {
    super(message);
  }

  public CustodyException(String message, Throwable cause) {
    super(message, cause);
  }
}
