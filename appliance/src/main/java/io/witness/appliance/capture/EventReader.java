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
import java.util.Arrays;
import java.util.List;

/**
 * Reads an array of rrweb events from a parser positioned on its START_ARRAY, validating each event against the
 * capture protocol (integer {@code type} 0–6, positive integer {@code timestamp}, object {@code data}, each once)
 * and cutting the stream into {@link EventSlice}s of about {@link #SLICE_BYTES}. A schema error stops everything
 * with a 400 that names the event index.
 *
 * <p>Design: events are validated and interpreted as a token stream; a tree is built only for the parts the
 * {@link EventInterpreter} reads (a full snapshot, 3/4 of the bytes, goes straight into the DOM index). On the
 * live path the reader is given the body it parses, and each slice is a copy of the events' bytes as sent: no
 * tree is written back. Imports read a stream, so each event is parsed to a tree once and written from it.
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
  private final byte[] source;

  EventReader(ObjectMapper mapper, EventInterpreter interpreter, long maxEvents, String field) {
    this(mapper, interpreter, maxEvents, field, null);
  }

  /**
   * A reader whose parser reads {@code source} from offset 0: slices are then copied from it as sent (the live
   * ingest path).
   */
  EventReader(ObjectMapper mapper, EventInterpreter interpreter, long maxEvents, String field, byte[] source) {
    this.mapper = mapper;
    this.interpreter = interpreter;
    this.maxEvents = maxEvents;
    this.field = field;
    this.source = source;
  }

  /** The slice being built. */
  private final class Slice {
    final ByteArrayOutputStream json = source == null ? new ByteArrayOutputStream(64 << 10) : null;
    List<Fact> facts = new ArrayList<>();
    long[] activity = new long[64];
    int activityCount;
    int events;
    long first;
    long last;
    long start = -1;
    long end;

    long size() {
      return json != null ? json.size() : end - start;
    }

    void add(long ts, boolean active) {
      if (events == 0) {
        first = ts;
      }
      events++;
      first = Math.min(first, ts);
      last = Math.max(last, ts);
      if (active) {
        if (activityCount == activity.length) {
          activity = Arrays.copyOf(activity, activity.length * 2);
        }
        activity[activityCount++] = ts;
      }
    }

    EventSlice done() {
      byte[] bytes = json != null ? json.toByteArray() : Arrays.copyOfRange(source, (int) start, (int) end);
      return new EventSlice(bytes, events, first, last, Arrays.copyOf(activity, activityCount), facts,
          bytes.length);
    }
  }

  /** Reads to the matching END_ARRAY; returns the number of events. */
  long read(JsonParser p, SliceHandler handler) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ProblemException.validation(field, "must be a JSON array of rrweb events");
    }
    Slice slice = new Slice();
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
      if (source != null) {
        long start = p.currentTokenLocation().getByteOffset();
        readEvent(p, where, slice);
        if (slice.start < 0) {
          slice.start = start;
        }
        slice.end = p.currentLocation().getByteOffset();
      } else {
        JsonNode tree = mapper.readTree(p);
        try (JsonParser t = mapper.treeAsTokens(tree)) {
          t.nextToken();
          readEvent(t, where, slice);
        }
        if (slice.json.size() > 0) {
          slice.json.write(',');
        }
        mapper.writeValue(slice.json, tree);
      }
      if (slice.size() >= SLICE_BYTES) {
        handler.slice(slice.done());
        slice = new Slice();
      }
    }
    if (slice.events > 0) {
      handler.slice(slice.done());
    }
    return total;
  }

  /** Validates and interprets one event: the parser on its START_OBJECT, left on its END_OBJECT. */
  private void readEvent(JsonParser p, String where, Slice slice) throws IOException {
    int type = -1;
    long ts = -1;
    boolean hasData = false;
    JsonNode data = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> {
          if (type >= 0) {
            throw ProblemException.validation(where + ".type", "must appear once");
          }
          type = type(p, t, where);
        }
        case "timestamp" -> {
          if (ts >= 0) {
            throw ProblemException.validation(where + ".timestamp", "must appear once");
          }
          ts = timestamp(p, t, where);
        }
        case "data" -> {
          if (hasData) {
            throw ProblemException.validation(where + ".data", "must appear once");
          }
          if (t != JsonToken.START_OBJECT) {
            throw ProblemException.validation(where + ".data", "must be an object");
          }
          hasData = true;
          // rrweb writes type first; should data come first, it is read whole and interpreted afterwards.
          data = type >= 0 ? interpreter.readData(type, p, mapper) : mapper.readTree(p);
        }
        default -> p.skipChildren();
      }
    }
    if (type < 0) {
      throw ProblemException.validation(where + ".type", "must be an integer from 0 to 6");
    }
    if (ts < 0) {
      throw ProblemException.validation(where + ".timestamp", "must be a positive integer (epoch ms)");
    }
    if (!hasData) {
      throw ProblemException.validation(where + ".data", "must be an object");
    }
    slice.add(ts, interpreter.interpret(type, ts, data, slice.facts));
  }

  private static int type(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() < 0 || p.getIntValue() > 6) {
      throw ProblemException.validation(where + ".type", "must be an integer from 0 to 6");
    }
    return p.getIntValue();
  }

  private static long timestamp(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() <= 0) {
      throw ProblemException.validation(where + ".timestamp", "must be a positive integer (epoch ms)");
    }
    return p.getLongValue();
  }
}
