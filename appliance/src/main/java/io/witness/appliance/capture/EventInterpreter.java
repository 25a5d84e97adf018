package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import io.witness.appliance.recording.Fact;
import java.util.List;

/**
 * Reads the rrweb event kinds listed in the capture protocol ("Event kinds the server interprets") and turns
 * them into facts. Keeps the recording's {@link DomIndex} current so click and input targets get selectors.
 * Input values are never read.
 */
final class EventInterpreter {
  static final int FULL_SNAPSHOT = 2;
  static final int INCREMENTAL = 3;
  static final int META = 4;
  static final int PLUGIN = 6;
  static final int MUTATION = 0;
  private static final int MAX_ERROR_CHARS = 1000;

  private final DomIndex dom;
  private int lastInputNode = -1;
  private long lastInputTs;

  EventInterpreter(DomIndex dom) {
    this.dom = dom;
  }

  /**
   * Reads an event's {@code data} object (the parser on its START_OBJECT, left on its END_OBJECT) as far as
   * {@link #interpret} needs it: a full snapshot, and a mutation whose {@code source} comes first (as rrweb
   * writes it), go straight into the DOM index (null is returned); other incremental events are read whole only
   * for the sources that carry facts (mutations, clicks, viewport, input), else just their {@code source}; event
   * kinds without facts are skipped (null).
   */
  JsonNode readData(int type, JsonParser p, ObjectMapper mapper) throws IOException {
    switch (type) {
      case FULL_SNAPSHOT -> {
        dom.reset(p);
        return null;
      }
      case META, PLUGIN -> {
        return mapper.readTree(p);
      }
      case INCREMENTAL -> {
        ObjectNode data = mapper.createObjectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          // A mutation (most of the bytes after the snapshot) goes straight into the DOM index, like a snapshot.
          if (data.isEmpty() && name.equals("source") && t == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() == MUTATION) {
            dom.mutate(p, mapper);
            return null;
          }
          data.set(name, mapper.readTree(p));
          if (name.equals("source") && !FACT_SOURCES.contains(data.get(name).asInt(-1))) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              p.nextToken();
              p.skipChildren();
            }
            break;
          }
        }
        return data;
      }
      default -> {
        p.skipChildren();
        return null;
      }
    }
  }

  private static final java.util.Set<Integer> FACT_SOURCES = java.util.Set.of(0, 2, 4, 5);

  /**
   * Adds the facts of one event to {@code out}; returns true when the event is user activity. {@code data} is
   * what {@link #readData} gave, or the whole object when it was read before the type was known.
   */
  boolean interpret(int type, long ts, JsonNode data, List<Fact> out) {
    if (data == null) {
      return false;
    }
    switch (type) {
      case META -> {
        out.add(Fact.page(ts, data.path("href").asText("")));
        if (data.path("width").asInt() > 0) {
          out.add(Fact.viewport(ts, data.path("width").asInt(), data.path("height").asInt()));
        }
      }
      case FULL_SNAPSHOT -> dom.reset(data.path("node"));
      case INCREMENTAL -> {
        return incremental(ts, data, out);
      }
      case PLUGIN -> {
        if (data.path("plugin").asText().startsWith("rrweb/console")
            && "error".equals(data.path("payload").path("level").asText())) {
          out.add(Fact.error(ts, errorText(data.path("payload").path("payload"))));
        }
      }
      default -> { }
    }
    return false;
  }

  private boolean incremental(long ts, JsonNode data, List<Fact> out) {
    int source = data.path("source").asInt(-1);
    switch (source) {
      case 0 -> dom.mutate(data);
      case 2 -> {
        if (data.path("type").asInt() == 2) {
          int node = data.path("id").asInt();
          out.add(Fact.click(ts, data.path("x").asInt(), data.path("y").asInt(), node, dom.selector(node)));
        }
        return true;
      }
      case 4 -> out.add(Fact.viewport(ts, data.path("width").asInt(), data.path("height").asInt()));
      case 5 -> {
        int node = data.path("id").asInt();
        // One input fact per burst of typing into a field, not one per keystroke.
        if (node != lastInputNode || ts - lastInputTs > 2_000) {
          out.add(Fact.input(ts, node, dom.selector(node)));
        }
        lastInputNode = node;
        lastInputTs = ts;
        return true;
      }
      case 1, 3, 6, 12 -> {
        return true;
      }
      default -> { }
    }
    return false;
  }

  private static String errorText(JsonNode payload) {
    StringBuilder b = new StringBuilder();
    for (JsonNode p : payload) {
      if (b.length() > 0) {
        b.append(' ');
      }
      String s = p.isTextual() ? p.asText() : p.toString();
      // The console plugin stores each argument JSON-stringified: "\"Uncaught Error: boom\"".
      if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
        s = s.substring(1, s.length() - 1);
      }
      b.append(s);
      if (b.length() > MAX_ERROR_CHARS) {
        break;
      }
    }
    String s = b.toString();
    return s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS) : s;
  }
}
