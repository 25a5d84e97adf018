package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.platform.ProblemException;
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
  /** The most spaces a number stands for (a text node of a line break and that many spaces). */
  static final int MAX_INDENT = 999;
  private static final byte[] NODE = ascii("\"node\":");
  private static final byte[] ADDS = ascii("\"adds\":");
  private static final byte[] ATTRIBUTES = ascii(",\"attributes\":");
  private static final byte[] CHILD_NODES = ascii(",\"childNodes\":");
  private static final byte[] ELEMENT = ascii("{\"type\":2,\"tagName\":");
  private static final byte[] ID = ascii(",\"id\":");
  private static final byte[] INDENT = ascii("{\"type\":3,\"textContent\":\"\\n");
  private static final byte[] INDENT_ID = ascii("\",\"id\":");
  private static final byte[] NEXT_ID = ascii(",\"nextId\":");
  private static final byte[] NODE_FIELD = ascii(",\"node\":");
  private static final byte[] NO_CHILDREN = ascii("[]");
  private static final byte[] NULL = ascii("null");
  private static final byte[] OTHER_CHILD_NODES = ascii("\"childNodes\":");
  private static final byte[] OTHER_ID = ascii("\"id\":");
  private static final byte[] PARENT_ID = ascii("{\"parentId\":");
  private static final byte[] TEXT = ascii("{\"type\":3,\"textContent\":");

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
      Where where = new Where();
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
                  out = new Output(length + (length >> 1), maxBytes, length);
                }
                out.write(body, copied, start - copied);
                p.nextToken();
                where.event = index;
                where.key = key;
                where.row = -1;
                if (key.equals("n")) {
                  out.write(NODE, 0, NODE.length);
                  node(p, body, out, new int[] {1}, where);
                } else {
                  out.write(ADDS, 0, ADDS.length);
                  adds(p, body, out, where);
                }
                out.check();
                p.finishToken(); // a root that is a string was only scanned (copyValue)
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

  /** {@code [idDelta, parentId - id, nextId - id or 0, node]} rows → rrweb's added-node objects. */
  private void adds(JsonParser p, byte[] body, Output out, Where where) throws IOException {
    require(p.currentToken() == JsonToken.START_ARRAY, where, "must be an array of rows");
    out.write('[');
    long previous = 0;
    int row = 0;
    int[] next = new int[1];
    while (p.nextToken() != JsonToken.END_ARRAY) {
      where.row = row;
      require(p.currentToken() == JsonToken.START_ARRAY, where, "must be [idDelta, parent, next, node]");
      long id = previous + integer(p, where);
      requireId(id, where);
      long parent = id + integer(p, where);
      requireId(parent, where);
      long nextRel = integer(p, where);
      requireId(nextRel == 0 ? 1 : id + nextRel, where);
      previous = id;
      if (row++ > 0) {
        out.write(',');
      }
      out.ascii(PARENT_ID).number(parent).ascii(NEXT_ID);
      if (nextRel == 0) {
        out.ascii(NULL);
      } else {
        out.number(id + nextRel);
      }
      out.ascii(NODE_FIELD);
      p.nextToken();
      next[0] = (int) id;
      node(p, body, out, next, where);
      out.write('}');
      require(p.nextToken() == JsonToken.END_ARRAY, where, "must be [idDelta, parent, next, node]");
    }
    out.write(']');
    where.row = -1;
  }

  private static long integer(JsonParser p, Where where) throws IOException {
    require(p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT,
        where, "must be [idDelta, parent, next, node] with integers");
    return p.getIntValue();
  }

  /**
   * One packed node at the parser's current token, written as rrweb's; {@code next[0]} is the implicit id, moved
   * past the node's subtree. Strings, attributes and other values are copied as they are in the body (already
   * JSON), not decoded and written again.
   */
  private void node(JsonParser p, byte[] body, Output out, int[] next, Where where) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      out.ascii(TEXT);
      copyValue(p, body, out);
      out.ascii(ID).number(next[0]++).write('}');
    } else if (t == JsonToken.VALUE_NUMBER_INT) {
      require(p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 0
          && p.getIntValue() <= MAX_INDENT, where, "an indentation is 0 to " + MAX_INDENT + " spaces");
      out.ascii(INDENT).spaces(p.getIntValue());
      out.ascii(INDENT_ID).number(next[0]++).write('}');
    } else if (t == JsonToken.START_ARRAY) {
      element(p, body, out, next, where);
    } else if (t == JsonToken.START_OBJECT) {
      other(p, body, out, next, where);
    } else {
      throw ProblemException.validation(where.toString(),
          "a packed node is a string, a number (indentation), an array or an object");
    }
  }

  /** {@code [tagName, attributes, extra?, children?]}. */
  private void element(JsonParser p, byte[] body, Output out, int[] next, Where where) throws IOException {
    require(p.nextToken() == JsonToken.VALUE_STRING, where, "an element starts with its tag name");
    out.ascii(ELEMENT);
    copyValue(p, body, out);
    require(p.nextToken() == JsonToken.START_OBJECT, where, "an element's attributes are an object");
    out.ascii(ATTRIBUTES);
    copyValue(p, body, out);
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
    out.ascii(CHILD_NODES);
    if (t == JsonToken.START_ARRAY) {
      children(p, body, out, next, where);
      t = p.nextToken();
    } else {
      out.ascii(NO_CHILDREN);
    }
    require(t == JsonToken.END_ARRAY, where, "an element is [tagName, attributes, extra?, children?]");
    if (extra != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.write(',');
        out.bytes(mapper.writeValueAsBytes(e.getKey())).write(':').bytes(mapper.writeValueAsBytes(e.getValue()));
      }
    }
    out.ascii(ID).number(id).write('}');
  }

  /** Any other node: rrweb's object without an implicit id, an explicit id first, children packed. */
  private void other(JsonParser p, byte[] body, Output out, int[] next, Where where) throws IOException {
    out.write('{');
    int id = next[0];
    boolean first = true;
    boolean children = false;
    boolean written = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      int nameStart = (int) p.currentTokenLocation().getByteOffset();
      String field = p.currentName();
      p.nextToken();
      if (field.equals("id")) {
        require(first && p.currentToken() == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT, where, "an explicit id is an integer and comes first");
        id = p.getIntValue();
        requireId(id, where);
        first = false;
        continue;
      }
      first = false;
      if (written) {
        out.write(',');
      }
      written = true;
      if (field.equals("childNodes")) {
        require(p.currentToken() == JsonToken.START_ARRAY, where, "childNodes must be an array");
        next[0] = id + 1;
        children = true;
        out.ascii(OTHER_CHILD_NODES);
        children(p, body, out, next, where);
      } else {
        int valueStart = (int) p.currentTokenLocation().getByteOffset();
        out.write(body, nameStart, valueStart - nameStart); // "name" : (as sent)
        copyValue(p, body, out);
      }
    }
    if (!children) {
      next[0] = id + 1;
    }
    if (written) {
      out.write(',');
    }
    out.ascii(OTHER_ID).number(id).write('}');
  }

  /** The packed children array at the parser's current token, written as an array of rrweb's nodes. */
  private void children(JsonParser p, byte[] body, Output out, int[] next, Where where) throws IOException {
    out.write('[');
    for (boolean first = true; p.nextToken() != JsonToken.END_ARRAY; first = false) {
      if (!first) {
        out.write(',');
      }
      node(p, body, out, next, where);
    }
    out.write(']');
  }

  /**
   * The value at the parser's current token, copied from the body as it is (a string still escaped). A string is
   * only scanned for its closing quote, not decoded: the parser skips it by itself at its next token.
   */
  private static void copyValue(JsonParser p, byte[] body, Output out) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    JsonToken t = p.currentToken();
    int end = t == JsonToken.VALUE_STRING ? stringEnd(body, start, out.sourceLength) : -1;
    if (end < 0) {
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else {
        p.finishToken();
      }
      end = (int) p.currentLocation().getByteOffset();
    }
    out.write(body, start, end - start);
  }

  /** Just after the closing quote of the string starting at {@code start}; -1 if it does not end in the body. */
  private static int stringEnd(byte[] body, int start, int length) {
    for (int i = start + 1; i < length; i++) {
      byte b = body[i];
      if (b == '"') {
        return i + 1;
      }
      if (b == '\\') {
        i++;
      }
    }
    return -1; // the parser reports it
  }

  private static void requireId(long id, Where where) {
    require(id > 0 && id <= Integer.MAX_VALUE, where, "node ids are 1 to 2^31-1");
  }

  private static void require(boolean ok, Where where, String message) {
    if (!ok) {
      throw ProblemException.validation(where.toString(), message);
    }
  }

  /** Where in the batch the unpacking is, named only in an error (no string per row on the way). */
  private static final class Where {
    int event;
    String key;
    int row = -1;

    @Override
    public String toString() {
      return "events[" + event + "].data." + key + (row >= 0 ? "[" + row + "]" : "");
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The unpacked body, refused (413) as soon as it is over the limit. */
  private static final class Output {
    private final long max;
    /** The end of the body being unpacked. */
    final int sourceLength;
    private byte[] buf;
    private int count;

    Output(int initial, long max, int sourceLength) {
      this.buf = new byte[initial];
      this.max = max;
      this.sourceLength = sourceLength;
    }

    void check() {
      if (count > max) {
        throw ProblemException.tooLarge("the batch with its packed nodes written out is over " + max + " bytes");
      }
    }

    private void room(int more) {
      if (count + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(count + more, buf.length * 2));
      }
    }

    void write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
      check();
    }

    Output write(int b) {
      room(1);
      buf[count++] = (byte) b;
      return this;
    }

    /** Bytes of the unpacked form's own (no limit check: callers write a bounded few between checks). */
    Output ascii(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, count, b.length);
      count += b.length;
      return this;
    }

    Output spaces(int n) {
      room(n);
      java.util.Arrays.fill(buf, count, count + n, (byte) ' ');
      count += n;
      check();
      return this;
    }

    /** A non-negative number (ids are 1 to 2^31-1), written without a String. */
    Output number(long n) {
      int digits = 1;
      for (long rest = n / 10; rest > 0; rest /= 10) {
        digits++;
      }
      room(digits);
      for (int i = count + digits - 1; i >= count; i--, n /= 10) {
        buf[i] = (byte) ('0' + n % 10);
      }
      count += digits;
      return this;
    }

    Output bytes(byte[] b) {
      write(b, 0, b.length);
      return this;
    }

    int size() {
      return count;
    }

    byte[] bytes() {
      return buf;
    }
  }
}
