package io.witness.policy;

import java.util.Optional;

/**
 * A kind of personal data that {@link PiiDetector} finds in free text. Each kind has a stable lower-case wire name
 * ({@code "card"}, {@code "ssn"}, {@code "email"}, {@code "phone"}, {@code "iban"}) used in policies and reports,
 * and the redaction marker {@code "[" + wire() + "]"}. When two kinds claim the same text the detector prefers card,
 * then IBAN, SSN, phone, e-mail (not the declaration order).
 */
public enum PiiKind {
  /** A payment card number (PAN): 13 to 19 digits passing the Luhn check. */
  CARD("card"),
  /** A US social security number written {@code AAA-GG-SSSS} or {@code AAA GG SSSS}. */
  SSN("ssn"),
  /** An e-mail address. */
  EMAIL("email"),
  /** A telephone number: international ({@code +} and 8 to 15 digits) or North American. */
  PHONE("phone"),
  /** An international bank account number, valid per ISO 13616 (mod 97). */
  IBAN("iban");

  private final String wire;
  private final String marker;

  PiiKind(String wire) {
    this.wire = wire;
    this.marker = "[" + wire + "]";
  }

  /** The stable lower-case name of this kind in policies, reports and APIs. */
  public String wire() {
    return wire;
  }

  /** The kind whose {@link #wire()} name is {@code name} (exact, lower case), or empty. */
  public static Optional<PiiKind> fromWire(String name) {
    for (PiiKind k : values()) {
      if (k.wire.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The placeholder that {@link PiiDetector#redact(String)} puts in place of a match of this kind. */
  String marker() {
    return marker;
  }
}
