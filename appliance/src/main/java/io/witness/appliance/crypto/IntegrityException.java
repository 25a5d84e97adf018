package io.witness.appliance.crypto;

/**
 * A ciphertext failed authentication: it was altered, truncated, moved to another place (its associated data
 * differs) or sealed under another key. Nothing of its content is returned; the message names no content.
 */
public final class IntegrityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
