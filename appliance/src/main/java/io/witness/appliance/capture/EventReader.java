package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.recording.EventSlice;
import io.witness.appliance.recording.Fact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an array of rrweb events from a parser positioned on its START_ARRAY, validating each event against the
 * capture protocol (integer {@code type} 0–6, integer {@code timestamp}, object {@code data}) and cutting the
 * stream into {@link EventSlice}s of about {@link #SLICE_BYTES}. A schema error stops everything with a 400 that
 * names the event index.
 */
final class EventReader {
  static final int SLICE_BYTES = 256 << 10;

  /** Receives each slice as it is completed. */
  interface SliceHandler {
    void slice(EventSlice slice) throws IOException;
  }

  private final ObjectMapper mapper;
  private final EventInterpreter interpreter;
  private final long maxEvents;
  private final String field;

  EventReader(ObjectMapper mapper, EventInterpreter interpreter, long maxEvents, String field) {
    this.mapper = mapper;
    this.interpreter = interpreter;
    this.maxEvents = maxEvents;
    this.field = field;
  }

  /** Reads to the matching END_ARRAY; returns the number of events. */
  long read(JsonParser p, SliceHandler handler) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ProblemException.validation(field, "must be a JSON array of rrweb events");
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream(64 << 10);
    List<Fact> facts = new ArrayList<>();
    long[] activity = new long[64];
    int activityCount = 0;
    int inSlice = 0;
    long first = 0;
    long last = 0;
    long total = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == null) {
        throw ProblemException.malformed("the JSON ends before the events array is closed");
      }
      String where = field + "[" + total + "]";
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw ProblemException.validation(where, "each event must be a JSON object");
      }
      if (++total > maxEvents) {
        throw ProblemException.validation(field, "more than " + maxEvents + " events");
      }
      JsonNode event = mapper.readTree(p);
      long ts = validate(event, where);
      if (inSlice > 0) {
        json.write(',');
      } else {
        first = ts;
      }
      mapper.writeValue(json, event);
      inSlice++;
      first = Math.min(first, ts);
      last = Math.max(last, ts);
      if (interpreter.interpret(event, facts)) {
        if (activityCount == activity.length) {
          activity = java.util.Arrays.copyOf(activity, activity.length * 2);
        }
        activity[activityCount++] = ts;
      }
      if (json.size() >= SLICE_BYTES) {
        handler.slice(slice(json, inSlice, first, last, activity, activityCount, facts));
        json.reset();
        facts = new ArrayList<>();
        activityCount = 0;
        inSlice = 0;
        last = 0;
      }
    }
    if (inSlice > 0) {
      handler.slice(slice(json, inSlice, first, last, activity, activityCount, facts));
    }
    return total;
  }

  private static EventSlice slice(ByteArrayOutputStream json, int n, long first, long last, long[] activity,
      int activityCount, List<Fact> facts) {
    byte[] bytes = json.toByteArray();
    return new EventSlice(bytes, n, first, last, java.util.Arrays.copyOf(activity, activityCount), facts,
        bytes.length);
  }

  /** Checks one event; returns its timestamp. */
  static long validate(JsonNode e, String where) {
    JsonNode type = e.get("type");
    if (type == null || !type.isIntegralNumber() || !type.canConvertToInt()
        || type.asInt() < 0 || type.asInt() > 6) {
      throw ProblemException.validation(where + ".type", "must be an integer from 0 to 6");
    }
    JsonNode ts = e.get("timestamp");
    if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong() || ts.asLong() <= 0) {
      throw ProblemException.validation(where + ".timestamp", "must be a positive integer (epoch ms)");
    }
    JsonNode data = e.get("data");
    if (data == null || !data.isObject()) {
      throw ProblemException.validation(where + ".data", "must be an object");
    }
    return ts.asLong();
  }
}
