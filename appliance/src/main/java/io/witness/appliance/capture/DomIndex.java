package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.capture.DomElements.Element;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A lightweight mirror of the recorded page's element tree, kept from full snapshots and mutations, just enough
 * to name a click or input target with a CSS-like selector ({@code form#login > button.primary}). Text and
 * attribute values other than id and class are not kept.
 */
final class DomIndex {
  private static final int MAX_DEPTH = 5;
  /** Reads the parts of a tree-given mutation that cannot be applied in stream order. */
  private static final ObjectMapper TREES = new ObjectMapper();

  private final DomElements elements = new DomElements();

  int size() {
    return elements.size();
  }

  /**
   * A full snapshot replaces everything; reads its {@code data} object from the parser (positioned on its
   * START_OBJECT, left on its END_OBJECT) without building a tree: only ids, tags, and the id and class
   * attributes are kept, everything else is skipped. rrweb writes a node's {@code id} after its
   * {@code childNodes}, so children learn their parent when their parent's object ends.
   */
  void reset(JsonParser p) throws IOException {
    elements.clear();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (p.nextToken() == JsonToken.START_OBJECT && name.equals("node")) {
        addNode(p, 0);
      } else {
        p.skipChildren();
      }
    }
  }

  /** Reads one serialized node (the parser on its START_OBJECT) and its subtree, under {@code parent}. */
  private void addNode(JsonParser p, int parent) throws IOException {
    for (int orphan : readNode(p, new ArrayList<>())) {
      setParent(orphan, parent);
    }
  }

  /** Reads one serialized node; returns the ids of elements below it (or itself) still without a parent. */
  private List<Integer> readNode(JsonParser p, List<Integer> out) throws IOException {
    int type = -1;
    int id = 0;
    String tag = "";
    String idAttr = "";
    String classAttr = "";
    List<Integer> pending = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> type = t == JsonToken.VALUE_NUMBER_INT ? p.getValueAsInt() : -1;
        case "id" -> id = t == JsonToken.VALUE_NUMBER_INT ? p.getValueAsInt() : 0;
        case "tagName" -> tag = t == JsonToken.VALUE_STRING ? p.getText() : "";
        case "attributes" -> {
          if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String attr = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.VALUE_STRING && attr.equals("id")) {
                idAttr = p.getText();
              } else if (v == JsonToken.VALUE_STRING && attr.equals("class")) {
                classAttr = p.getText();
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        case "childNodes" -> {
          if (t == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readNode(p, pending);
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    if (type == 2) {
      elements.put(id, tag, idAttr, classAttr, 0);
    }
    if (type == 2 || type == 0) {
      for (int child : pending) {
        setParent(child, id);
      }
      if (type == 2) {
        out.add(id);
      }
    } else {
      out.addAll(pending);
    }
    return out;
  }

  private void setParent(int id, int parent) {
    elements.setParent(id, parent);
  }

  /** A full snapshot replaces everything (from a parsed tree: the DOM index rebuilt from stored events). */
  void reset(JsonNode root) {
    elements.clear();
    add(root, 0);
  }

  /** An rrweb mutation (incremental source 0) given as a tree: read like a streamed one. */
  void mutate(JsonNode data) {
    try (JsonParser p = data.traverse(TREES)) {
      p.nextToken();
      mutate(p, TREES);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a tree parser does no I/O
    }
  }

  /**
   * An rrweb mutation read from the token stream: the parser is inside its {@code data} object (after
   * {@code source}, or anywhere before its first array), and is left on the object's END_OBJECT. Applied like {@link #mutate(JsonNode)} (removes, then
   * adds, then attributes) without building the added subtrees: rrweb writes {@code removes} before
   * {@code adds} and each add's {@code parentId} before its {@code node}; in any other order the part that
   * cannot be applied yet is read as a tree and applied at the end.
   */
  void mutate(JsonParser p, ObjectMapper mapper) throws IOException {
    boolean removed = false;
    JsonNode laterAdds = null;
    List<Rename> renames = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      switch (name) {
        case "removes" -> {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            int id = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && field.equals("id")) {
                id = p.getValueAsInt();
              } else {
                p.skipChildren();
              }
            }
            removeSubtree(id);
          }
          skipRest(p);
          removed = true;
        }
        case "adds" -> {
          if (!removed) {
            laterAdds = mapper.readTree(p);
            continue;
          }
          while (p.nextToken() == JsonToken.START_OBJECT) {
            streamAdd(p, mapper);
          }
          skipRest(p);
        }
        case "attributes" -> {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            renames.add(readRename(p));
          }
          skipRest(p);
        }
        default -> p.skipChildren();
      }
    }
    if (laterAdds != null) {
      for (JsonNode a : laterAdds) {
        add(a.path("node"), a.path("parentId").asInt());
      }
    }
    for (Rename r : renames) {
      Element e = elements.get(r.id);
      if (e != null && (r.idAttr != null || r.classAttr != null)) {
        elements.put(r.id, e.tag(), r.idAttr != null ? r.idAttr : e.idAttr(),
            r.classAttr != null ? r.classAttr : e.classAttr(), e.parent());
      }
    }
  }

  /** An attribute change of element {@code id}; null where the id or class attribute did not change. */
  private record Rename(int id, String idAttr, String classAttr) {}

  private static Rename readRename(JsonParser p) throws IOException {
    int id = 0;
    String idAttr = null;
    String classAttr = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals("id") && t == JsonToken.VALUE_NUMBER_INT) {
        id = p.getValueAsInt();
      } else if (field.equals("attributes") && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String attr = p.currentName();
          JsonToken v = p.nextToken();
          if (attr.equals("id")) {
            idAttr = v == JsonToken.VALUE_STRING ? p.getText() : "";
          } else if (attr.equals("class")) {
            classAttr = v == JsonToken.VALUE_STRING ? p.getText() : "";
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return new Rename(id, idAttr, classAttr);
  }

  /** One {@code {parentId, node}} of {@code adds}, the parser on its START_OBJECT, left on its END_OBJECT. */
  private void streamAdd(JsonParser p, ObjectMapper mapper) throws IOException {
    int parent = 0;
    JsonNode early = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals("parentId") && t == JsonToken.VALUE_NUMBER_INT) {
        parent = p.getValueAsInt();
      } else if (field.equals("node") && t == JsonToken.START_OBJECT) {
        if (parent != 0) {
          addNode(p, parent);
        } else {
          early = mapper.readTree(p);
        }
      } else {
        p.skipChildren();
      }
    }
    if (early != null) {
      add(early, parent);
    }
  }

  /** Leaves an array whose elements were read up to a non-object (normally its END_ARRAY). */
  private static void skipRest(JsonParser p) throws IOException {
    while (p.currentToken() != JsonToken.END_ARRAY && p.currentToken() != null) {
      p.skipChildren();
      p.nextToken();
    }
  }

  /** A node of a parsed tree (a mutation's added node, or a stored snapshot), read like a streamed one. */
  private void add(JsonNode node, int parent) {
    if (!node.isObject()) {
      return;
    }
    try (JsonParser p = node.traverse()) {
      p.nextToken();
      addNode(p, parent);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a tree parser does no I/O
    }
  }

  private void removeSubtree(int id) {
    elements.remove(id);
    // Children are left dangling; they are unreachable by id and cost little. A full snapshot clears them.
  }

  /** The selector of element {@code id}, if it is known. */
  Optional<String> selector(int id) {
    Element e = elements.get(id);
    if (e == null) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (int depth = 0; e != null && depth < MAX_DEPTH; depth++) {
      if (e.tag().equals("html") || e.tag().equals("body")) {
        if (parts.isEmpty()) {
          parts.add(e.tag());
        }
        break;
      }
      parts.add(0, part(e));
      if (!e.idAttr().isBlank()) {
        break;
      }
      e = elements.get(e.parent());
    }
    String s = String.join(" > ", parts);
    return Optional.of(s.length() > 500 ? s.substring(s.length() - 500) : s);
  }

  /** Compiled once: {@code String.matches} compiled these for every element of every click's path. */
  private static final Pattern ID = Pattern.compile("[A-Za-z][\\w-]*");
  private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_-][\\w-]*");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static String part(Element e) {
    StringBuilder b = new StringBuilder(e.tag());
    if (!e.idAttr().isBlank() && e.idAttr().length() <= 64 && ID.matcher(e.idAttr()).matches()) {
      return b.append('#').append(e.idAttr()).toString();
    }
    int n = 0;
    for (String c : WHITESPACE.split(e.classAttr().trim(), -1)) {
      if (!c.isEmpty() && CLASS_NAME.matcher(c).matches() && n++ < 2) {
        b.append('.').append(c);
      }
    }
    return b.toString();
  }
}
