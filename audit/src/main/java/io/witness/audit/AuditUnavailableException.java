package io.witness.audit;

/** The audit log could not make an entry durable: whatever needed the entry must not happen (fail closed). */
public class AuditUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
