package io.witness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  @Test
  void writesMembersSortedWithJcsEscapes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", "line\nbreak \"quoted\" back\\slash \u0001 é €");
    m.put("a", 42L);
    m.put("skipped", null);
    assertEquals("{\"a\":42,\"b\":\"line\\nbreak \\\"quoted\\\" back\\\\slash \\u0001 é €\"}",
        new String(CanonicalJson.write(m), StandardCharsets.UTF_8));
  }

  @Test
  void parseRefusesAnythingButTheCanonicalForm() {
    assertEquals(Map.of("a", 1L, "b", "x"), CanonicalJson.parse(bytes("{\"a\":1,\"b\":\"x\"}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"b\":\"x\",\"a\":1}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"a\": 1}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"a\":\"\\u0041\"}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"a\":1,\"a\":2}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"a\":1}x")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.parse(bytes("{\"a\":1")));
  }

  @Test
  void anEntryHashesTheSameWhateverBuiltIt() {
    AuditEvent event = new AuditEvent("user", "alice", "10.0.0.1", "Firefox", "replay.view",
        AuditEvent.Outcome.SUCCESS, "recording", "r-1", "demo", null, null, null);
    AuditEntry e = new AuditEntry(7, Instant.parse("2026-12-03T10:15:30.123456Z"), event);
    assertEquals("{\"action\":\"replay.view\",\"actor\":\"alice\",\"actorType\":\"user\",\"ip\":\"10.0.0.1\","
        + "\"outcome\":\"success\",\"resourceId\":\"r-1\",\"resourceType\":\"recording\",\"seq\":7,\"site\":\"demo\","
        + "\"time\":\"2026-12-03T10:15:30.123Z\",\"userAgent\":\"Firefox\"}", new String(e.canonical(), StandardCharsets.UTF_8));
    assertEquals(e, AuditEntry.parse(e.canonical()));
    assertThrows(IllegalArgumentException.class, () -> AuditEntry.parse(bytes(
        new String(e.canonical(), StandardCharsets.UTF_8).replace("}", ",\"extra\":\"x\"}"))));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
