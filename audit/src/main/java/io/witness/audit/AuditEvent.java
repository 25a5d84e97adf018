package io.witness.audit;

import java.util.Locale;

/**
 * What happened, as the appliance reports it; the log adds the sequence number and the time
 * ({@link AuditEntry}). The fields PCI DSS 10.2.2 asks for: who ({@code actorType} such as {@code user} or
 * {@code service}, {@code actor}), from where ({@code ip}, {@code userAgent}), what ({@code action}, e.g.
 * {@code replay.view}), whether it worked ({@code outcome}), on what ({@code resourceType}, {@code resourceId},
 * {@code site}), why ({@code reason}, e.g. a break-glass justification) and a SHA-256 of any details
 * ({@code detailsDigest}, hex), so details can live elsewhere, or be erased, without breaking the log; {@code note}
 * is a short text without personal data that the entry itself must show (e.g. the intervals of a recording that
 * were watched). Personal data does not belong here in clear: a visitor is named by a pseudonymous id, never by
 * name or e-mail.
 */
public record AuditEvent(String actorType, String actor, String ip, String userAgent, String action,
    Outcome outcome, String resourceType, String resourceId, String site, String reason, String detailsDigest,
    String note) {

  /** How the action ended. */
  public enum Outcome {
    SUCCESS, FAILURE, DENIED;

    /** As written in the canonical JSON. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome ofWire(String s) {
      for (Outcome o : values()) {
        if (o.wire().equals(s)) {
          return o;
        }
      }
      throw new IllegalArgumentException("outcome must be success, failure or denied");
    }
  }

  public AuditEvent {
    require(actorType, "actorType");
    require(actor, "actor");
    require(action, "action");
    if (outcome == null) {
      throw new IllegalArgumentException("outcome is required");
    }
    if (note != null && note.length() > 2000) {
      throw new IllegalArgumentException("a note has at most 2000 characters");
    }
    if (detailsDigest != null && !detailsDigest.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("detailsDigest must be a SHA-256 in lower-case hex");
    }
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
  }

  /** A successful action of the appliance itself (start, stop, checkpoints). */
  public static AuditEvent system(String action) {
    return new AuditEvent("service", "witness", null, null, action, Outcome.SUCCESS, null, null, null, null, null, null);
  }
}
