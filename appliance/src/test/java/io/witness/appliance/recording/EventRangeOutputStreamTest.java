package io.witness.appliance.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventRangeOutputStreamTest {
  // Strings with brackets, commas, braces and escaped quotes must not end an element.
  static final String[] EVENTS = {
    "{\"type\":4,\"data\":{\"href\":\"https://a.example/?q=[1,2]\"}}",
    "{\"type\":2,\"data\":{\"node\":{\"childNodes\":[{\"textContent\":\"a \\\"}],\\\\\"}]}}}",
    "{\"type\":3,\"data\":{\"source\":1,\"positions\":[{\"x\":1},{\"x\":2}]}}",
    "{\"type\":6,\"data\":{\"payload\":[\"\\\\\",\"]\"]}}",
  };

  static String array(String separator) {
    return "[" + String.join(separator, EVENTS) + "]";
  }

  /** Writes the input one piece of {@code step} bytes at a time; returns what came out. */
  static String range(String input, long from, long limit, int step) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventRangeOutputStream range = new EventRangeOutputStream(out, from, limit);
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length && !range.done(); i += step) {
      range.write(bytes, i, Math.min(step, bytes.length - i));
    }
    range.complete();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void range_everyOffsetAndLimit_givesThoseEventsByteForByte() throws IOException {
    for (int step : new int[] {1, 3, 7, 1000}) {
      for (int from = 0; from <= EVENTS.length; from++) {
        for (int limit = 1; limit <= EVENTS.length + 1; limit++) {
          StringBuilder expected = new StringBuilder("[");
          for (int i = from; i < Math.min(EVENTS.length, from + limit); i++) {
            expected.append(i > from ? "," : "").append(EVENTS[i]);
          }
          expected.append(']');
          assertEquals(expected.toString(), range(array(","), from, limit, step),
              "from " + from + " limit " + limit + " step " + step);
        }
      }
    }
  }

  @Test
  void range_toTheEnd_skipsTheFirstEventsAndSpacing() throws IOException {
    assertEquals("[" + EVENTS[2] + "," + EVENTS[3] + "]", range(array(" ,\n "), 2, Long.MAX_VALUE, 5));
  }

  @Test
  void range_stopsOnceTheRangeIsWritten() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventRangeOutputStream range = new EventRangeOutputStream(out, 0, 1);
    byte[] first = ("[" + EVENTS[0] + ",").getBytes(StandardCharsets.UTF_8);
    range.write(first, 0, first.length);
    assertTrue(range.done(), "done after the first event, before the rest is read");
    assertEquals("[" + EVENTS[0] + "]", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void range_ofAnEmptyArray_isEmpty() throws IOException {
    assertEquals("[]", range("[]", 0, 10, 1));
    assertEquals("[]", range("[]", 5, Long.MAX_VALUE, 1));
  }
}
