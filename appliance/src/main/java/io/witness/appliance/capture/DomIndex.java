package io.witness.appliance.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lightweight mirror of the recorded page's element tree, kept from full snapshots and mutations, just enough
 * to name a click or input target with a CSS-like selector ({@code form#login > button.primary}). Text and
 * attribute values other than id and class are not kept.
 */
final class DomIndex {
  private static final int MAX_DEPTH = 5;

  private record Element(String tag, String idAttr, String classAttr, int parent) {}

  private final Map<Integer, Element> elements = new HashMap<>();

  int size() {
    return elements.size();
  }

  /** A full snapshot replaces everything. */
  void reset(JsonNode root) {
    elements.clear();
    add(root, 0);
  }

  /** An rrweb mutation (incremental source 0). */
  void mutate(JsonNode data) {
    for (JsonNode r : data.path("removes")) {
      removeSubtree(r.path("id").asInt());
    }
    for (JsonNode a : data.path("adds")) {
      add(a.path("node"), a.path("parentId").asInt());
    }
    for (JsonNode a : data.path("attributes")) {
      int id = a.path("id").asInt();
      Element e = elements.get(id);
      JsonNode attrs = a.path("attributes");
      if (e != null && (attrs.has("id") || attrs.has("class"))) {
        elements.put(id, new Element(e.tag,
            attrs.has("id") ? text(attrs.get("id")) : e.idAttr,
            attrs.has("class") ? text(attrs.get("class")) : e.classAttr, e.parent));
      }
    }
  }

  private void add(JsonNode node, int parent) {
    Deque<JsonNode> stack = new ArrayDeque<>();
    Deque<Integer> parents = new ArrayDeque<>();
    stack.push(node);
    parents.push(parent);
    while (!stack.isEmpty()) {
      JsonNode n = stack.pop();
      int p = parents.pop();
      int id = n.path("id").asInt();
      int childParent = p;
      if (n.path("type").asInt() == 2) {
        JsonNode attrs = n.path("attributes");
        elements.put(id, new Element(n.path("tagName").asText("").toLowerCase(java.util.Locale.ROOT),
            text(attrs.get("id")), text(attrs.get("class")), p));
        childParent = id;
      } else if (n.path("type").asInt() == 0) {
        childParent = id;
      }
      for (JsonNode c : n.path("childNodes")) {
        stack.push(c);
        parents.push(childParent);
      }
    }
  }

  private void removeSubtree(int id) {
    elements.remove(id);
    // Children are left dangling; they are unreachable by id and cost little. A full snapshot clears them.
  }

  private static String text(JsonNode n) {
    return n == null || !n.isTextual() ? "" : n.asText();
  }

  /** The selector of element {@code id}, if it is known. */
  Optional<String> selector(int id) {
    Element e = elements.get(id);
    if (e == null) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (int depth = 0; e != null && depth < MAX_DEPTH; depth++) {
      if (e.tag.equals("html") || e.tag.equals("body")) {
        if (parts.isEmpty()) {
          parts.add(e.tag);
        }
        break;
      }
      parts.add(0, part(e));
      if (!e.idAttr.isBlank()) {
        break;
      }
      e = elements.get(e.parent);
    }
    String s = String.join(" > ", parts);
    return Optional.of(s.length() > 500 ? s.substring(s.length() - 500) : s);
  }

  private static String part(Element e) {
    StringBuilder b = new StringBuilder(e.tag);
    if (!e.idAttr.isBlank() && e.idAttr.length() <= 64 && e.idAttr.matches("[A-Za-z][\\w-]*")) {
      return b.append('#').append(e.idAttr).toString();
    }
    int n = 0;
    for (String c : e.classAttr.trim().split("\\s+", -1)) {
      if (!c.isEmpty() && c.matches("[A-Za-z_-][\\w-]*") && n++ < 2) {
        b.append('.').append(c);
      }
    }
    return b.toString();
  }
}
