package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.platform.ProblemException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Capture protocol v2's packed nodes (consent-gateway/docs/capture-protocol.md, "Packed nodes") written back as
 * rrweb's, before admission sees the batch: an event's {@code data.n} becomes {@code data.node} (a full snapshot's
 * tree) and {@code data.a} becomes {@code data.adds} (a mutation's added nodes). Everything else in the body is
 * copied as it is. One streaming pass: no tree of the snapshot is built.
 *
 * <p>A v1 body, or a body that is not JSON, comes back unchanged: admission reports what is wrong with it. A packed
 * value of the wrong shape is a 400 naming the event; output over the decompressed limit is a 413 while it is
 * written, so a small body of empty text nodes cannot unfold into a large one.
 */
public final class PackedNodes {
  public static final int PACKED_VERSION = 2;
  private static final byte[] NODE = "\"node\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ADDS = "\"adds\":".getBytes(StandardCharsets.US_ASCII);
  private static final int TEXT = 3;
  private static final int ELEMENT = 2;

  private final ObjectMapper mapper;
  private final long maxBytes;

  public PackedNodes(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /** The body with packed nodes written as rrweb's; the same array when there are none. */
  public byte[] unpack(byte[] body, int length, int[] newLength) {
    newLength[0] = length;
    Output out = null;
    int copied = 0;
    try (JsonParser p = mapper.getFactory().createParser(body, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return body;
      }
      Integer version = null;
      boolean eventsBeforeVersion = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("v")) {
          version = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue() : -1;
          if (version != PACKED_VERSION) {
            return body; // v1 (the SDK writes v first): nothing packed, no further pass
          }
        } else if (field.equals("events") && value == JsonToken.START_ARRAY && version == null) {
          eventsBeforeVersion = true;
          p.skipChildren();
        } else if (field.equals("events") && value == JsonToken.START_ARRAY && version == PACKED_VERSION) {
          int index = 0;
          for (JsonToken event = p.nextToken(); event != null && event != JsonToken.END_ARRAY;
              event = p.nextToken(), index++) {
            if (event != JsonToken.START_OBJECT) {
              p.skipChildren(); // admission refuses it
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              boolean data = p.currentName().equals("data");
              if (p.nextToken() != JsonToken.START_OBJECT || !data) {
                p.skipChildren();
                continue;
              }
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (!key.equals("n") && !key.equals("a")) {
                  p.nextToken();
                  p.skipChildren();
                  continue;
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (out == null) {
                  out = new Output(length + (length >> 1), maxBytes);
                }
                out.write(body, copied, start - copied);
                p.nextToken();
                String where = "events[" + index + "].data." + key;
                if (key.equals("n")) {
                  out.write(NODE, 0, NODE.length);
                  try (JsonGenerator g = generator(out)) {
                    node(p, g, new int[] {1}, out, where);
                  }
                } else {
                  out.write(ADDS, 0, ADDS.length);
                  try (JsonGenerator g = generator(out)) {
                    adds(p, g, out, where);
                  }
                }
                copied = (int) p.currentLocation().getByteOffset();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (eventsBeforeVersion && version != null && version == PACKED_VERSION) {
        throw ProblemException.validation("v", "must come before events in a version 2 batch");
      }
    } catch (JsonProcessingException e) {
      return body; // admission answers with the line and column
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out == null) {
      return body;
    }
    out.write(body, copied, length - copied);
    newLength[0] = out.size();
    return out.bytes();
  }

  private JsonGenerator generator(Output out) throws IOException {
    JsonGenerator g = mapper.getFactory().createGenerator(out);
    g.setRootValueSeparator(null);
    return g;
  }

  /** {@code [idDelta, parentId - id, nextId - id or 0, node]} rows → rrweb's added-node objects. */
  private void adds(JsonParser p, JsonGenerator g, Output out, String where) throws IOException {
    require(p.currentToken() == JsonToken.START_ARRAY, where, "must be an array of rows");
    g.writeStartArray();
    long previous = 0;
    int row = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = where + "[" + row++ + "]";
      require(p.currentToken() == JsonToken.START_ARRAY, at, "must be [idDelta, parent, next, node]");
      long id = previous + integer(p, at);
      requireId(id, at);
      long parent = id + integer(p, at);
      requireId(parent, at);
      long next = integer(p, at);
      requireId(next == 0 ? 1 : id + next, at);
      previous = id;
      g.writeStartObject();
      g.writeNumberField("parentId", parent);
      g.writeFieldName("nextId");
      if (next == 0) {
        g.writeNull();
      } else {
        g.writeNumber(id + next);
      }
      g.writeFieldName("node");
      p.nextToken();
      node(p, g, new int[] {(int) id}, out, at);
      g.writeEndObject();
      require(p.nextToken() == JsonToken.END_ARRAY, at, "must be [idDelta, parent, next, node]");
    }
    g.writeEndArray();
  }

  private static long integer(JsonParser p, String where) throws IOException {
    require(p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT,
        where, "must be [idDelta, parent, next, node] with integers");
    return p.getIntValue();
  }

  /**
   * One packed node at the parser's current token, written as rrweb's; {@code next[0]} is the implicit id, moved
   * past the node's subtree.
   */
  private void node(JsonParser p, JsonGenerator g, int[] next, Output out, String where) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      g.writeStartObject();
      g.writeNumberField("type", TEXT);
      g.writeStringField("textContent", p.getText());
      g.writeNumberField("id", next[0]++);
      g.writeEndObject();
    } else if (t == JsonToken.START_ARRAY) {
      element(p, g, next, out, where);
    } else if (t == JsonToken.START_OBJECT) {
      other(p, g, next, out, where);
    } else {
      throw ProblemException.validation(where, "a packed node is a string, an array or an object");
    }
    out.check();
  }

  /** {@code [tagName, attributes, extra?, children?]}. */
  private void element(JsonParser p, JsonGenerator g, int[] next, Output out, String where) throws IOException {
    require(p.nextToken() == JsonToken.VALUE_STRING, where, "an element starts with its tag name");
    String tag = p.getText();
    require(p.nextToken() == JsonToken.START_OBJECT, where, "an element's attributes are an object");
    g.writeStartObject();
    g.writeNumberField("type", ELEMENT);
    g.writeStringField("tagName", tag);
    g.writeFieldName("attributes");
    g.copyCurrentStructure(p);
    JsonToken t = p.nextToken();
    ObjectNode extra = null;
    if (t == JsonToken.START_OBJECT) {
      extra = mapper.readTree(p);
      t = p.nextToken();
    }
    int id = next[0];
    if (extra != null && extra.has("id")) {
      JsonNode explicit = extra.remove("id");
      require(explicit.isInt(), where, "id must be an integer");
      id = explicit.intValue();
      requireId(id, where);
    }
    next[0] = id + 1;
    g.writeArrayFieldStart("childNodes");
    if (t == JsonToken.START_ARRAY) {
      while (p.nextToken() != JsonToken.END_ARRAY) {
        node(p, g, next, out, where);
      }
      t = p.nextToken();
    }
    g.writeEndArray();
    require(t == JsonToken.END_ARRAY, where, "an element is [tagName, attributes, extra?, children?]");
    if (extra != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        g.writeFieldName(e.getKey());
        g.writeTree(e.getValue());
      }
    }
    g.writeNumberField("id", id);
    g.writeEndObject();
  }

  /** Any other node: rrweb's object without an implicit id, an explicit id first, children packed. */
  private void other(JsonParser p, JsonGenerator g, int[] next, Output out, String where) throws IOException {
    g.writeStartObject();
    int id = next[0];
    boolean first = true;
    boolean children = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("id")) {
        require(first && p.currentToken() == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT, where, "an explicit id is an integer and comes first");
        id = p.getIntValue();
        requireId(id, where);
      } else if (field.equals("childNodes")) {
        require(p.currentToken() == JsonToken.START_ARRAY, where, "childNodes must be an array");
        next[0] = id + 1;
        children = true;
        g.writeArrayFieldStart("childNodes");
        while (p.nextToken() != JsonToken.END_ARRAY) {
          node(p, g, next, out, where);
        }
        g.writeEndArray();
      } else {
        g.writeFieldName(field);
        g.copyCurrentStructure(p);
      }
      first = false;
    }
    if (!children) {
      next[0] = id + 1;
    }
    g.writeNumberField("id", id);
    g.writeEndObject();
  }

  private static void requireId(long id, String where) {
    require(id > 0 && id <= Integer.MAX_VALUE, where, "node ids are 1 to 2^31-1");
  }

  private static void require(boolean ok, String where, String message) {
    if (!ok) {
      throw ProblemException.validation(where, message);
    }
  }

  /** The unpacked body, refused (413) as soon as it is over the limit. */
  private static final class Output extends ByteArrayOutputStream {
    private final long max;

    Output(int initial, long max) {
      super(initial);
      this.max = max;
    }

    void check() {
      if (count > max) {
        throw ProblemException.tooLarge("the batch with its packed nodes written out is over " + max + " bytes");
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      super.write(b, off, len);
      check();
    }

    byte[] bytes() {
      return buf;
    }
  }
}
