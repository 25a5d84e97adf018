package io.witness.appliance.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Assertions on rrweb event arrays that name the first differing event instead of dumping megabytes. */
public final class EventAssertions {
  private EventAssertions() {}

  /** The same events in the same order, each equal as JSON (member order and number spelling aside). */
  /**
   * The events as the appliance admits them under the demo site's default policy: the recorded events after
   * {@link io.witness.consent.EventSanitizer} (inputs masked, PII redacted, URLs without query strings, console
   * levels other than error dropped), in one session as the server sanitizes a session's batches.
   */
  public static JsonNode admitted(JsonNode recorded) {
    io.witness.consent.EventSanitizer sanitizer =
        new io.witness.consent.EventSanitizer(io.witness.policy.Policy.defaults());
    io.witness.consent.SanitizerSession session = new io.witness.consent.SanitizerSession();
    io.witness.consent.EventSanitizer.Report report = new io.witness.consent.EventSanitizer.Report();
    com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .arrayNode();
    for (JsonNode e : recorded.deepCopy()) {
      if (!(e instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || sanitizer.apply(session, o, report)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The events of one session's batches (each an array, by seq) as the appliance admits them when they arrive in
   * the order {@code arrival} (seqs): sanitized in that order in one session — which fails closed, masking what it
   * cannot place, when its first batch to arrive is not seq 0 —, stored in seq order.
   */
  public static JsonNode admittedInArrivalOrder(java.util.List<JsonNode> batchesBySeq, int[] arrival) {
    io.witness.consent.EventSanitizer sanitizer =
        new io.witness.consent.EventSanitizer(io.witness.policy.Policy.defaults());
    io.witness.consent.SanitizerSession session = new io.witness.consent.SanitizerSession();
    io.witness.consent.EventSanitizer.Report report = new io.witness.consent.EventSanitizer.Report();
    java.util.Map<Integer, java.util.List<JsonNode>> kept = new java.util.TreeMap<>();
    for (int seq : arrival) {
      java.util.List<JsonNode> out = kept.computeIfAbsent(seq, k -> new java.util.ArrayList<>());
      for (JsonNode e : batchesBySeq.get(seq).deepCopy()) {
        if (!(e instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || sanitizer.apply(session, o, report)) {
          out.add(e);
        }
      }
    }
    com.fasterxml.jackson.databind.node.ArrayNode all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .arrayNode();
    kept.values().forEach(all::addAll);
    return all;
  }

  /** {@link #assertSameEvents} against {@link #admitted}{@code (recorded)}. */
  public static void assertAdmittedEvents(JsonNode recorded, JsonNode actual, String what) {
    assertSameEvents(admitted(recorded), actual, what);
  }

  public static void assertSameEvents(JsonNode expected, JsonNode actual, String what) {
    assertTrue(actual.isArray(), what + ": the answer is a JSON array");
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      JsonNode e = expected.get(i);
      JsonNode a = actual.get(i);
      if (!e.equals(a)) {
        throw new AssertionError(what + ": event " + i + " differs (of " + expected.size() + ")\n expected: "
            + abbreviate(e) + "\n actual:   " + abbreviate(a));
      }
    }
    assertEquals(expected.size(), actual.size(), what + ": number of events");
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }
}
