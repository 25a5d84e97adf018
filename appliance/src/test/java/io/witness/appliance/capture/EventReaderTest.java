package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.recording.EventSlice;
import io.witness.appliance.recording.Fact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventReaderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String META = "{\"type\":4,\"timestamp\":1000,\"data\":{\"href\":\"https://a.example/\",\"width\":800,"
      + "\"height\":600}}";

  final List<EventSlice> slices = new ArrayList<>();

  /** Reads as the live path does: the parser over the bytes, slices copied from them. */
  long read(String array, long maxEvents) throws IOException {
    byte[] bytes = array.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      p.nextToken();
      return new EventReader(JSON, new EventInterpreter(new DomIndex()), maxEvents, "events", bytes)
          .read(p, slices::add);
    }
  }

  /** Reads as an import does: a stream, each event parsed to a tree and written from it. */
  long readAsImport(String array, long maxEvents) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(
        new java.io.ByteArrayInputStream(array.getBytes(StandardCharsets.UTF_8)))) {
      p.nextToken();
      return new EventReader(JSON, new EventInterpreter(new DomIndex()), maxEvents, "events").read(p, slices::add);
    }
  }

  ProblemException refused(String array) {
    return assertThrows(ProblemException.class, () -> read(array, 100));
  }

  static String field(ProblemException e) {
    return e.problem().violations().isEmpty() ? "" : e.problem().violations().get(0).field();
  }

  @Test
  void merge_ofTheSlicesOfALargeBatch_isItsEventsAsSentInOrder() throws IOException {
    StringBuilder array = new StringBuilder("[").append(META);
    StringBuilder events = new StringBuilder(META);
    String padding = "x".repeat(1000);
    int n = 1;
    while (events.length() < 2 * EventReader.SLICE_BYTES + 1000) {
      String e = "{\"type\":5,\"timestamp\":" + (1000 + n) + ",\"data\":{\"tag\":\"t" + n + "\",\"payload\":{\"p\":\""
          + padding + "\"}}}";
      array.append(',').append(e);
      events.append(',').append(e);
      n++;
    }
    assertEquals(n, read(array.append(']').toString(), 100_000));
    assertTrue(slices.size() >= 2, slices.size() + " slices");

    EventSlice merged = CaptureService.merge(slices);
    assertEquals(events.toString(), new String(merged.json(), StandardCharsets.UTF_8));
    assertEquals(n, merged.eventCount());
    assertEquals(merged.json().length, merged.rawBytes());
    assertEquals(1000, merged.firstTs());
    assertEquals(1000 + n - 1, merged.lastTs());
  }

  @Test
  void read_validEvents_givesOneSliceWithTheirJsonFactsAndTimes() throws IOException {
    String click = "{\"type\":3,\"timestamp\":1500,\"data\":{\"source\":2,\"type\":2,\"id\":5,\"x\":10,\"y\":20}}";
    String move = "{\"type\":3,\"timestamp\":1200,\"data\":{\"source\":1,\"positions\":[]}}";
    assertEquals(3, read("[" + META + "," + move + "," + click + "]", 100));
    assertEquals(1, slices.size());
    EventSlice s = slices.get(0);
    assertEquals(3, s.eventCount());
    assertEquals(1000, s.firstTs());
    assertEquals(1500, s.lastTs());
    assertEquals(JSON.readTree("[" + META + "," + move + "," + click + "]"),
        JSON.readTree("[" + new String(s.json(), StandardCharsets.UTF_8) + "]"), "the events, joined by commas");
    assertEquals(List.of(Fact.Kind.PAGE, Fact.Kind.VIEWPORT, Fact.Kind.CLICK),
        s.facts().stream().map(Fact::kind).toList());
    assertEquals(2, s.activityTs().length, "mouse move and click are activity");
  }

  @Test
  void read_withSource_keepsEachEventsBytesAsSent() throws IOException {
    // Numbers, escapes and spacing as a browser may send them; the tree-and-write path would change all three.
    String odd = "{ \"type\":3, \"timestamp\":1200,\"data\":{\"source\":3,\"x\":1.50,\"t\":\"\\u00e9\\/\"}}";
    String array = "[" + META + ",\n  " + odd + "]";
    byte[] bytes = array.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      p.nextToken();
      new EventReader(JSON, new EventInterpreter(new DomIndex()), 100, "events", bytes).read(p, slices::add);
    }
    assertEquals(META + ",\n  " + odd, new String(slices.get(0).json(), StandardCharsets.UTF_8));
  }

  @Test
  void read_cutsSlicesOfAboutSliceBytes() throws IOException {
    String padding = "x".repeat(10_000);
    StringBuilder array = new StringBuilder("[");
    int n = 80;
    for (int i = 0; i < n; i++) {
      array.append(i == 0 ? "" : ",").append("{\"type\":5,\"timestamp\":").append(1000 + i)
          .append(",\"data\":{\"tag\":\"t\",\"payload\":\"").append(padding).append("\"}}");
    }
    assertEquals(n, read(array.append(']').toString(), 1000));
    assertTrue(slices.size() >= 3, "slices: " + slices.size());
    assertEquals(n, slices.stream().mapToInt(EventSlice::eventCount).sum());
    for (EventSlice s : slices.subList(0, slices.size() - 1)) {
      assertTrue(s.json().length >= EventReader.SLICE_BYTES && s.json().length < EventReader.SLICE_BYTES + 11_000,
          "slice of " + s.json().length + " bytes");
    }
    assertEquals(1000 + n - 1, slices.get(slices.size() - 1).lastTs());
  }

  @Test
  void read_schemaViolations_nameTheEventAndMember() {
    assertEquals("events[1].type", field(refused("[" + META + ",{\"type\":7,\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].type", field(refused("[{\"type\":-1,\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].type", field(refused("[{\"type\":\"4\",\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].type", field(refused("[{\"type\":4.0,\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].type", field(refused("[{\"type\":4294967298,\"timestamp\":1,\"data\":{}}]")),
        "an integer that only wraps around to 2");
    assertEquals("events[0].type", field(refused("[{\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].timestamp", field(refused("[{\"type\":4,\"timestamp\":0,\"data\":{}}]")));
    assertEquals("events[0].timestamp", field(refused("[{\"type\":4,\"timestamp\":-5,\"data\":{}}]")));
    assertEquals("events[0].timestamp", field(refused("[{\"type\":4,\"timestamp\":\"1\",\"data\":{}}]")));
    assertEquals("events[0].timestamp", field(refused("[{\"type\":4,\"timestamp\":1.5,\"data\":{}}]")));
    assertEquals("events[0].data", field(refused("[{\"type\":4,\"timestamp\":1,\"data\":[]}]")));
    assertEquals("events[0].data", field(refused("[{\"type\":4,\"timestamp\":1,\"data\":null}]")));
    assertEquals("events[0].data", field(refused("[{\"type\":4,\"timestamp\":1,\"data\":\"{}\"}]")));
    assertEquals("events[0].data", field(refused("[{\"type\":4,\"timestamp\":1}]")));
    assertEquals("events[2]", field(refused("[" + META + "," + META + ",[]]")));
    for (ProblemException e : List.of(refused("[{\"type\":9,\"timestamp\":1,\"data\":{}}]"), refused("[5]"))) {
      assertEquals(400, e.problem().status());
      assertTrue(e.problem().type().uri().endsWith("/validation"));
    }
  }

  @Test
  void read_moreThanTheMaximum_isRefused() throws IOException {
    assertEquals(3, read("[" + META + "," + META + "," + META + "]", 3));
    ProblemException e = assertThrows(ProblemException.class,
        () -> read("[" + META + "," + META + "," + META + "," + META + "]", 3));
    assertEquals("events", field(e));
    assertTrue(e.getMessage().contains("more than 3 events"), e.getMessage());
  }

  @Test
  void read_aNonArray_isRefused() throws IOException {
    try (JsonParser p = JSON.getFactory().createParser("{\"type\":4}")) {
      p.nextToken();
      EventReader reader = new EventReader(JSON, new EventInterpreter(new DomIndex()), 10, "events");
      assertEquals("events", field(assertThrows(ProblemException.class, () -> reader.read(p, slices::add))));
    }
  }

  @Test
  void read_anEmptyArray_givesNoSlice() throws IOException {
    assertEquals(0, read("[]", 10));
    assertEquals(List.of(), slices);
  }

  @Test
  void read_anArrayThatEndsTooSoon_isAParseError() {
    // CaptureService turns parse errors into 400 malformed problems.
    assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> read("[" + META, 10));
    assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> read("[" + META + ",{", 10));
    assertEquals(List.of(), slices, "no slice of an unfinished array");
  }

  @Test
  void readAsImport_givesTheSameEventsAndFactsAsTheLivePath() throws IOException {
    String click = "{\"type\":3,\"timestamp\":1500,\"data\":{\"source\":2,\"type\":2,\"id\":5,\"x\":10,\"y\":20}}";
    String array = "[" + META + ", " + click + "]";
    read(array, 10);
    readAsImport(array, 10);
    assertEquals(2, slices.size());
    assertEquals(JSON.readTree("[" + new String(slices.get(0).json(), StandardCharsets.UTF_8) + "]"),
        JSON.readTree("[" + new String(slices.get(1).json(), StandardCharsets.UTF_8) + "]"));
    assertEquals(slices.get(0).facts(), slices.get(1).facts());
  }

  @Test
  void read_takesTheTimestampAsALong() throws IOException {
    read("[{\"type\":6,\"timestamp\":1795433480496,\"data\":{}}]", 10);
    assertEquals(1795433480496L, slices.get(0).firstTs());
  }

  @Test
  void read_dataBeforeType_isInterpretedAllTheSame() throws IOException {
    read("[{\"data\":{\"source\":2,\"type\":2,\"id\":5,\"x\":10,\"y\":20},\"timestamp\":1500,\"type\":3}]", 10);
    assertEquals(List.of(Fact.Kind.CLICK), slices.get(0).facts().stream().map(Fact::kind).toList());
    assertEquals(1, slices.get(0).activityTs().length);
  }

  @Test
  void read_aFieldTwice_isRefused() {
    assertEquals("events[0].type",
        field(refused("[{\"type\":3,\"type\":2,\"timestamp\":1,\"data\":{}}]")));
    assertEquals("events[0].data",
        field(refused("[{\"type\":3,\"timestamp\":1,\"data\":{},\"data\":{}}]")));
  }

  @Test
  void read_sourcesWithoutFacts_countAsActivityOnly() throws IOException {
    String scroll = "{\"type\":3,\"timestamp\":1200,\"data\":{\"source\":3,\"id\":1,\"x\":0,\"y\":50}}";
    read("[" + scroll + "]", 10);
    assertEquals(List.of(), slices.get(0).facts());
    assertEquals(1, slices.get(0).activityTs().length);
  }
}
