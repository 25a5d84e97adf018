package io.witness.appliance.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Assertions on rrweb event arrays that name the first differing event instead of dumping megabytes. */
public final class EventAssertions {
  private EventAssertions() {}

  /** The same events in the same order, each equal as JSON (member order and number spelling aside). */
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
