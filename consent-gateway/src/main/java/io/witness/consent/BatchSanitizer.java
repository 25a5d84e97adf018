package io.witness.consent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Applies an {@link EventSanitizer} to an SDK batch held as bytes ({@code {"v":1,"sessionId":…,"seq":…,
 * "events":[…]}}) in one pass over its tokens, copying every byte it does not change (issue 3/6: building a tree
 * of each batch and writing it back halved the ingest rate).
 *
 * <p>Full snapshots (two thirds of the bytes) are streamed: each serialized node is added to the session's DOM
 * as it is read, and only the strings the rules change are spliced into the copy. Interaction events that the
 * rules never change (mouse moves, clicks, scrolls, viewport: rrweb sources other than mutation and input) are
 * copied as they are. The data of every other event (mutations, inputs, Meta, console, custom) is read as a tree,
 * given to {@link EventSanitizer#apply} and spliced back. An event whose fields are not in rrweb's order (type
 * before data; in a snapshot's nodes type, tagName and attributes before childNodes) is detected and redone as a
 * whole tree, with the same result as if the streaming had never started. One difference from sanitizing the whole snapshot as a tree: a table cell's
 * column header is known only from header rows that come before the cell (as in every real table).
 *
 * <p>Thread-safe (immutable); the session is the caller's, one batch at a time.
 */
public final class BatchSanitizer {
  /** The envelope's session id and seq, as far as they are valid: null and -1 when absent or of another type. */
  public record Head(String sessionId, int seq) {}

  /** A sanitized batch: {@code bytes[0..length)} (the caller's array when it was large enough). */
  @SuppressWarnings("ArrayRecordComponent") // a buffer handed over, read once
  public record Output(byte[] bytes, int length) {}

  /** A snapshot (or its node) in an order this pass does not stream: the event is sanitized as a tree instead. */
  private static final class Unusual extends Exception {
    Unusual() {
      super(null, null, false, false);
    }
  }

  private static final Unusual UNUSUAL = new Unusual();
  private static final byte[] EMPTY_ARRAY = "[]".getBytes(StandardCharsets.US_ASCII);
  /** What a blocked element keeps of its attributes (as {@link EventSanitizer} does). */
  private static final List<String> KEPT_WHEN_BLOCKED = List.of("class", "rr_width", "rr_height");

  private final EventSanitizer rules;
  private final ObjectMapper mapper;

  /** {@code mapper}: its factory's read constraints (nesting, string length) apply to every batch. */
  public BatchSanitizer(EventSanitizer rules, ObjectMapper mapper) {
    this.rules = rules;
    this.mapper = mapper;
  }

  public EventSanitizer rules() {
    return rules;
  }

  /**
   * Reads the top-level {@code sessionId} and {@code seq} (the SDK writes them before the events, so this stops
   * early).
   */
  public Head head(byte[] bytes, int length) throws IOException {
    String sessionId = null;
    int seq = -1;
    boolean id = false;
    boolean sq = false;
    try (JsonParser p = mapper.getFactory().createParser(bytes, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Head(null, -1);
      }
      while ((!id || !sq) && p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("sessionId")) {
          id = true;
          sessionId = t == JsonToken.VALUE_STRING ? p.getText() : null;
        } else if (name.equals("seq")) {
          sq = true;
          seq = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue() : -1;
        } else {
          p.skipChildren();
        }
      }
    }
    return new Head(sessionId, seq);
  }

  /**
   * The batch with its events sanitized, written into {@code into} when it fits (else into a larger array); empty
   * when events were dropped (out of scope) and none is left. A body that is not an object, events that are not
   * objects and everything after the envelope are copied unchanged for the envelope's own validation to judge.
   * Malformed JSON throws the parser's exception.
   */
  public Optional<Output> sanitize(SanitizerSession s, byte[] bytes, int length, byte[] into,
      EventSanitizer.Report report) throws IOException {
    Splice out = new Splice(bytes, into);
    int kept = 0;
    boolean events = false;
    try (JsonParser p = mapper.getFactory().createParser(bytes, 0, length)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        boolean sessionId = false;
        boolean seq = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          // The DOM was picked by the first sessionId: a second one could name another session's.
          if (name.equals("sessionId") && sessionId || name.equals("seq") && seq) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "duplicate field \"" + name + "\"");
          }
          sessionId |= name.equals("sessionId");
          seq |= name.equals("seq");
          if (name.equals("events") && t == JsonToken.START_ARRAY) {
            events = true;
            kept += events(s, p, out, report);
          } else {
            p.skipChildren();
          }
        }
      }
    }
    out.copyTo(length);
    return events && kept == 0 && report.dropped() > 0 ? Optional.empty() : Optional.of(new Output(out.buf, out.size));
  }

  /** Sanitizes an events array (the parser on its START_ARRAY); returns how many events were kept. */
  private int events(SanitizerSession s, JsonParser p, Splice out, EventSanitizer.Report report) throws IOException {
    JsonStreamContext array = p.getParsingContext();
    out.copyTo(start(p) + 1);
    int kept = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      int start = start(p);
      out.skipTo(start);
      int mark = out.size();
      if (kept > 0) {
        out.write(',');
      }
      boolean keep;
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        p.finishToken();
        keep = true;
      } else {
        int body = out.size();
        EventSanitizer.Report before = report.copy();
        try {
          keep = stream(s, p, out, report);
        } catch (Unusual u) {
          skipToEnd(p, array);
          out.truncate(body, start);
          report.restore(before);
          report.asTree++;
          keep = asTree(s, p, start, out, report);
        }
      }
      if (keep) {
        out.copyTo(end(p));
        kept++;
      } else {
        out.truncate(mark, end(p));
      }
    }
    out.skipTo(start(p));
    return kept;
  }

  /**
   * Streams one event (the parser on its START_OBJECT, left on its END_OBJECT); false when it is dropped.
   * Throws {@link Unusual} for the events it leaves to {@link #asTree}.
   */
  private boolean stream(SanitizerSession s, JsonParser p, Splice out, EventSanitizer.Report report)
      throws IOException, Unusual {
    // type, then data (scalars such as the timestamp may come between): rrweb's order.
    Integer type = null;
    for (;;) {
      if (p.nextToken() != JsonToken.FIELD_NAME) {
        throw UNUSUAL;
      }
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("data")) {
        if (type == null || t != JsonToken.START_OBJECT) {
          throw UNUSUAL;
        }
        break;
      }
      if (name.equals("type")) {
        if (type != null || t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
          throw UNUSUAL;
        }
        type = p.getIntValue();
      } else if (t.isStructStart()) {
        throw UNUSUAL;
      } else {
        scan(p, out, null, report); // a string beside type and data: scanned like any other
      }
    }
    int dataStart = start(p);
    ObjectNode data = null;
    if (type == 3) {
      // rrweb writes the source first; mutations (0) and inputs (5) need the tree rules, other sources none.
      data = mapper.createObjectNode();
      if (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("source") && t == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() != 0 && p.getIntValue() != 5) {
          data = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (p.currentName().equals("source")) {
              throw UNUSUAL;
            }
            p.nextToken();
            scan(p, out, null, report);
          }
        } else {
          data.set(name, mapper.readTree(p));
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            data.set(field, mapper.readTree(p));
          }
        }
      }
    } else if (type == 2 && !s.outOfScope) {
      fullSnapshot(s, p, out, report);
    } else if (type == 2) {
      p.skipChildren();
    } else {
      data = (ObjectNode) mapper.readTree(p);
    }
    int dataEnd = end(p);
    // The rest of the event: a second type or data would be what the tree rules (last one wins) look at.
    List<Splice.Edit> after = new ArrayList<>(0); // no element array until an edit is added
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (p.currentName().equals("type") || p.currentName().equals("data")) {
        throw UNUSUAL;
      }
      p.nextToken();
      scan(p, out, after, report);
    }
    if (data != null) {
      // Mutations, inputs, Meta, console, custom: the data object through the tree rules, spliced back.
      ObjectNode event = mapper.createObjectNode().put("type", type);
      event.set("data", data);
      if (!rules.apply(s, event, report)) {
        return false;
      }
      out.replace(dataStart, dataEnd, mapper.writeValueAsBytes(data));
    }
    for (Splice.Edit e : after) {
      out.replace(e.start(), e.end(), e.bytes());
    }
    if (data != null) {
      return true;
    }
    if (s.outOfScope) {
      report.dropped++;
      return false;
    }
    return true;
  }

  /** The event from {@code start} to the parser's position (its END_OBJECT), through the tree rules. */
  private boolean asTree(SanitizerSession s, JsonParser p, int start, Splice out, EventSanitizer.Report report)
      throws IOException {
    int end = end(p);
    JsonNode event;
    try (JsonParser again = mapper.getFactory().createParser(out.source, start, end - start)) {
      event = mapper.readTree(again);
    }
    if (!rules.apply(s, (ObjectNode) event, report)) {
      return false;
    }
    out.write(mapper.writeValueAsBytes(event));
    out.skipTo(end);
    return true;
  }

  /** A full snapshot's data (the parser on its START_OBJECT, left on its END_OBJECT). */
  private void fullSnapshot(SanitizerSession s, JsonParser p, Splice out, EventSanitizer.Report report)
      throws IOException, Unusual {
    s.nodes.clear();
    boolean root = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("node")) {
        if (root) {
          throw UNUSUAL;
        }
        root = true;
        if (t == JsonToken.START_OBJECT) {
          node(s, p, out, null, true, report);
          continue;
        }
      }
      scan(p, out, null, report);
    }
  }

  /**
   * The value at the parser's current token, with every string in it scanned for PII (a field rrweb does not
   * define): each change is made at once ({@code into} null) or added to {@code into}. Field names are not scanned.
   */
  private void scan(JsonParser p, Splice out, List<Splice.Edit> into, EventSanitizer.Report report) throws IOException {
    JsonToken t = p.currentToken();
    if (!t.isStructStart()) {
      redactString(p, out, into, report);
      return;
    }
    int depth = 0;
    do {
      if (t.isStructStart()) {
        depth++;
      } else if (t.isStructEnd()) {
        depth--;
      } else {
        redactString(p, out, into, report);
      }
    } while (depth > 0 && (t = p.nextToken()) != null);
  }

  private void redactString(JsonParser p, Splice out, List<Splice.Edit> into, EventSanitizer.Report report)
      throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return;
    }
    int from = start(p);
    String text = p.getText();
    String redacted = rules.redact(text, report);
    if (!redacted.equals(text)) {
      Splice.Edit e = new Splice.Edit(from, end(p), Splice.quoted(redacted));
      if (into == null) {
        out.replace(e.start(), e.end(), e.bytes());
      } else {
        into.add(e);
      }
    }
  }

  /**
   * One attribute as read: its value's byte range, its text when it is a string, else the PII edits of the strings
   * inside it (a style object of a mutation, say).
   */
  private record Attribute(String name, String text, int start, int end, List<Splice.Edit> inner) {}

  /**
   * One serialized node and its children (the parser on its START_OBJECT, left on its END_OBJECT): added to the
   * session's DOM, then its attributes or text sanitized. {@code write} false: under a blocked element (tracked for
   * later mutations, not recorded: the blocked element's children are replaced by an empty array).
   */
  private DomNode node(SanitizerSession s, JsonParser p, Splice out, DomNode parent, boolean write,
      EventSanitizer.Report report) throws IOException, Unusual {
    Node n = new Node();
    DomNode node = null;
    Integer id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (!name.equals("type") && !name.equals("id") && !name.equals("childNodes")) {
        // What a field means depends on the type, which rrweb writes first.
        if (n.type == null) {
          throw UNUSUAL;
        }
        boolean element = n.type == 2;
        boolean known = element ? name.equals("tagName") || name.equals("attributes") : name.equals("textContent");
        if (!known) {
          // A field the rules do not deal with: its strings are scanned. Made with this node's other edits (which
          // may come before it in the bytes) or, after its children, at once.
          if (write) {
            scan(p, out, node == null ? n.pending() : null, report);
          } else {
            p.skipChildren();
          }
          continue;
        }
      }
      switch (name) {
        case "type" -> {
          if (node != null || n.type != null || t != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() != JsonParser.NumberType.INT) {
            throw UNUSUAL;
          }
          n.type = p.getIntValue();
        }
        case "tagName" -> {
          if (node != null || n.tagName != null || t != JsonToken.VALUE_STRING) {
            throw UNUSUAL;
          }
          n.tagStart = start(p);
          n.tagName = p.getText();
          n.tagEnd = end(p);
        }
        case "attributes" -> {
          if (node != null || n.attributes != null || t != JsonToken.START_OBJECT) {
            throw UNUSUAL;
          }
          n.attributesStart = start(p);
          n.attributes = new ArrayList<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String attribute = p.currentName();
            JsonToken v = p.nextToken();
            int from = start(p);
            String text = v == JsonToken.VALUE_STRING ? p.getText() : null;
            List<Splice.Edit> inner = null;
            if (text == null && v.isStructStart()) {
              inner = new ArrayList<>(0);
              scan(p, out, inner, report);
            }
            p.finishToken();
            n.attributes.add(new Attribute(attribute, text, from, end(p), inner));
          }
          n.attributesEnd = end(p);
        }
        case "textContent" -> {
          if (node != null || n.text != null || t != JsonToken.VALUE_STRING) {
            throw UNUSUAL;
          }
          n.textStart = start(p);
          n.text = p.getText();
          n.textEnd = end(p);
        }
        case "id" -> {
          if (id != null || t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw UNUSUAL;
          }
          id = p.getIntValue();
        }
        case "childNodes" -> {
          if (node != null || t != JsonToken.START_ARRAY) {
            throw UNUSUAL;
          }
          node = add(parent, n, write, out, report);
          boolean blockedHere = write && node.blocked && (parent == null || !parent.blocked);
          int from = start(p);
          for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            if (c == JsonToken.START_OBJECT) {
              node(s, p, out, node, write && !blockedHere, report);
            } else {
              p.skipChildren();
            }
          }
          if (blockedHere) {
            out.replace(from, end(p), EMPTY_ARRAY);
          }
        }
        default -> throw new IllegalStateException(name); // dealt with above
      }
    }
    if (node == null) {
      node = add(parent, n, write, out, report);
    }
    node.id = id == null ? Integer.MIN_VALUE : id;
    s.nodes.put(node);
    return node;
  }

  /** The fields of a node read before its children. */
  private static final class Node {
    Integer type;
    String tagName;
    int tagStart;
    int tagEnd;
    /** This node's edits before its children (PII in fields rrweb does not define among them); null: none. */
    List<Splice.Edit> pending;
    List<Attribute> attributes;
    int attributesStart;
    int attributesEnd;
    String text;
    int textStart;
    int textEnd;

    List<Splice.Edit> pending() {
      if (pending == null) {
        pending = new ArrayList<>(1);
      }
      return pending;
    }
  }

  /** Adds a node to the DOM under {@code parent}; when {@code write}, splices its sanitized attributes or text. */
  private DomNode add(DomNode parent, Node n, boolean write, Splice out, EventSanitizer.Report report)
      throws IOException, Unusual {
    int type = n.type == null ? 0 : n.type;
    if (type == 2 && (n.tagName == null || n.tagName.isEmpty())) {
      throw UNUSUAL; // an element without a tag is no element to the rules: its fields mean what a text's do
    }
    String tag = type == 2 ? (n.tagName == null ? "" : n.tagName).toLowerCase(Locale.ROOT) : "";
    Map<String, String> attributes = tag.isEmpty() ? Map.of() : new HashMap<>();
    if (n.attributes != null && !tag.isEmpty()) {
      for (Attribute a : n.attributes) {
        if (a.text() != null) {
          attributes.put(a.name().toLowerCase(Locale.ROOT), a.text());
        }
      }
    }
    DomNode node = new DomNode(Integer.MIN_VALUE, parent, tag, attributes);
    node.text = type == 3 && parent != null && parent.isElement() && "th".equals(parent.tag) && n.text != null
        ? n.text : "";
    if (parent != null) {
      parent.append(node);
    }
    if (!write) {
      return node;
    }
    if (node.isElement()) {
      rules.flags(node);
      if (n.tagName != null) {
        String redacted = rules.redact(n.tagName, report);
        if (!redacted.equals(n.tagName)) {
          n.pending().add(new Splice.Edit(n.tagStart, n.tagEnd, Splice.quoted(redacted))); // the DOM keeps the tag as sent
        }
      }
      if (n.attributes == null) {
        // nothing more
      } else if (node.blocked && (parent == null || !parent.blocked)) {
        n.pending().add(new Splice.Edit(n.attributesStart, n.attributesEnd, kept(n.attributes, out.source, report)));
      } else {
        for (Attribute a : n.attributes) {
          if (a.text() != null) {
            String value = rules.attributeValue(node, a.name(), a.text(), report);
            if (!value.equals(a.text())) {
              n.pending().add(new Splice.Edit(a.start(), a.end(), Splice.quoted(value)));
            }
          } else if (a.inner() != null && !a.inner().isEmpty()) {
            n.pending().addAll(a.inner());
          }
        }
      }
    } else if (n.text != null) {
      String text = rules.text(parent, n.text, report);
      if (!text.equals(n.text)) {
        n.pending().add(new Splice.Edit(n.textStart, n.textEnd, Splice.quoted(text)));
      }
    }
    if (n.pending != null) {
      n.pending.sort(java.util.Comparator.comparingInt(Splice.Edit::start));
      for (Splice.Edit e : n.pending) {
        out.replace(e.start(), e.end(), e.bytes());
      }
    }
    return node;
  }

  /** A blocked element's attributes: class and size only, their values as sent with PII redacted. */
  private byte[] kept(List<Attribute> attributes, byte[] source, EventSanitizer.Report report) throws IOException {
    Map<String, Attribute> last = new HashMap<>();
    for (Attribute a : attributes) {
      last.put(a.name(), a);
    }
    StringBuilder b = new StringBuilder("{");
    for (String name : KEPT_WHEN_BLOCKED) {
      Attribute a = last.get(name);
      if (a != null) {
        b.append(b.length() > 1 ? "," : "").append('"').append(name).append("\":");
        if (a.text() != null) {
          b.append(new String(Splice.quoted(rules.redact(a.text(), report)), StandardCharsets.UTF_8));
        } else {
          JsonNode value = mapper.readTree(new String(source, a.start(), a.end() - a.start(), StandardCharsets.UTF_8));
          rules.redactAll(value, report);
          b.append(mapper.writeValueAsString(value));
        }
      }
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads on until the END_OBJECT of the event whose enclosing array is {@code array}. */
  private static void skipToEnd(JsonParser p, JsonStreamContext array) throws IOException {
    while (p.currentToken() != JsonToken.END_OBJECT || p.getParsingContext() != array) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of the batch");
      }
      p.skipChildren();
    }
  }

  /** The byte offset where the current token starts. */
  private static int start(JsonParser p) {
    return (int) p.currentTokenLocation().getByteOffset();
  }

  /** The byte offset just after the current token (a string token is read to its end first). */
  private static int end(JsonParser p) throws IOException {
    p.finishToken();
    return (int) p.currentLocation().getByteOffset();
  }
}
