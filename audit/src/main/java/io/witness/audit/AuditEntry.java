package io.witness.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One entry of the audit log: an {@link AuditEvent} with its sequence number ({@code seq}, from 1, without gaps;
 * its Merkle leaf is at index {@code seq - 1}) and the time the log took it (UTC, milliseconds). Its canonical JSON
 * ({@link #canonical()}) is what is hashed, stored and exported.
 */
public record AuditEntry(long seq, Instant time, AuditEvent event) {

  public AuditEntry {
    if (seq < 1) {
      throw new IllegalArgumentException("seq starts at 1");
    }
    time = time.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The entry as its canonical JSON (RFC 8785): exactly these bytes are hashed into the log. */
  public byte[] canonical() {
    Map<String, Object> m = new HashMap<>();
    m.put("seq", seq);
    m.put("time", time.toString());
    m.put("actorType", event.actorType());
    m.put("actor", event.actor());
    m.put("ip", event.ip());
    m.put("userAgent", event.userAgent());
    m.put("action", event.action());
    m.put("outcome", event.outcome().wire());
    m.put("resourceType", event.resourceType());
    m.put("resourceId", event.resourceId());
    m.put("site", event.site());
    m.put("reason", event.reason());
    m.put("detailsDigest", event.detailsDigest());
    m.put("note", event.note());
    return CanonicalJson.write(m);
  }

  /** Reads an entry from its canonical JSON; refuses unknown members and text that is not canonical. */
  public static AuditEntry parse(byte[] canonical) {
    Map<String, Object> m = new HashMap<>(CanonicalJson.parse(canonical));
    if (!(m.remove("seq") instanceof Long seq)) {
      throw new IllegalArgumentException("seq must be an integer");
    }
    Instant time;
    try {
      time = Instant.parse(str(m, "time"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("time must be an ISO-8601 UTC instant", e);
    }
    AuditEvent event = new AuditEvent(str(m, "actorType"), str(m, "actor"), str(m, "ip"), str(m, "userAgent"),
        str(m, "action"), AuditEvent.Outcome.ofWire(str(m, "outcome")), str(m, "resourceType"),
        str(m, "resourceId"), str(m, "site"), str(m, "reason"), str(m, "detailsDigest"), str(m, "note"));
    if (!m.isEmpty()) {
      throw new IllegalArgumentException("unknown members " + m.keySet());
    }
    AuditEntry e = new AuditEntry(seq, time, event);
    if (!Arrays.equals(e.canonical(), canonical)) {
      throw new IllegalArgumentException("not in canonical form");
    }
    return e;
  }

  private static String str(Map<String, Object> m, String name) {
    Object v = m.remove(name);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return (String) v;
  }
}
