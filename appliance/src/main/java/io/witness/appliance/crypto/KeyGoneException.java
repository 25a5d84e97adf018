package io.witness.appliance.crypto;

/**
 * The key that protected some data no longer exists: its subject was erased or its retention bucket expired
 * (crypto-shredding). The data can never be read again; an API answers 410 Gone.
 */
public final class KeyGoneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyGoneException(String message) {
    super(message);
  }
}
