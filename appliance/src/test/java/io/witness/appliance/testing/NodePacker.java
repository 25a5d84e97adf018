package io.witness.appliance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Capture protocol v2's packing, as the SDK does it ({@code consent-gateway/sdk/src/packing.ts}), for tests and
 * benchmarks that send the corpus as the SDK would: the shared fixture {@code packing/} keeps the two in step
 * ({@code PackedNodesTest}).
 */
public final class NodePacker {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** A line break and 0 to 999 spaces: packed as the number of spaces. */
  private static final java.util.regex.Pattern INDENT = java.util.regex.Pattern.compile("\n {0,999}");

  private NodePacker() {}

  /** The event with its nodes packed; the same event when they do not have rrweb's shape. */
  public static JsonNode packEvent(JsonNode event) {
    JsonNode data = event.path("data");
    int type = event.path("type").asInt(-1);
    try {
      if (type == 2 && data.has("node") && !data.has("n")) {
        ObjectNode out = event.deepCopy();
        ObjectNode d = F.objectNode();
        d.set("n", node(data.get("node"), new int[] {1}));
        data.fields().forEachRemaining(e -> {
          if (!e.getKey().equals("node")) {
            d.set(e.getKey(), e.getValue());
          }
        });
        out.set("data", d);
        return out;
      }
      if (type == 3 && data.path("source").asInt(-1) == 0 && data.path("adds").isArray() && !data.has("a")) {
        ArrayNode rows = F.arrayNode();
        int previous = 0;
        for (JsonNode add : data.get("adds")) {
          if (add.size() != 3 || !add.path("node").isObject()) {
            return event;
          }
          int id = id(add.get("node").get("id"));
          int parent = id(add.get("parentId"));
          JsonNode next = add.get("nextId");
          int nextRel = next == null || next.isNull() ? 0 : id(next) - id;
          rows.add(F.arrayNode().add(id - previous).add(parent - id).add(nextRel)
              .add(node(add.get("node"), new int[] {id})));
          previous = id;
        }
        ObjectNode out = event.deepCopy();
        ObjectNode d = F.objectNode();
        data.fields().forEachRemaining(e -> d.set(e.getKey().equals("adds") ? "a" : e.getKey(),
            e.getKey().equals("adds") ? rows : e.getValue()));
        out.set("data", d);
        return out;
      }
    } catch (IllegalArgumentException foreign) {
      return event;
    }
    return event;
  }

  private static JsonNode node(JsonNode n, int[] next) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a node");
    }
    int id = id(n.get("id"));
    boolean implicit = id == next[0];
    next[0] = id + 1;
    int type = n.path("type").asInt(-1);
    if (type == 3 && implicit && n.path("textContent").isTextual() && n.size() == 3) {
      String text = n.get("textContent").asText();
      return INDENT.matcher(text).matches() ? F.numberNode(text.length() - 1) : n.get("textContent");
    }
    ArrayNode children = null;
    if (n.path("childNodes").isArray()) {
      children = F.arrayNode();
      for (JsonNode c : n.get("childNodes")) {
        children.add(node(c, next));
      }
    }
    if (type == 2 && n.path("tagName").isTextual() && n.path("attributes").isObject() && children != null) {
      ObjectNode extra = F.objectNode();
      if (!implicit) {
        extra.put("id", id);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!Map.of("type", 1, "tagName", 1, "attributes", 1, "childNodes", 1, "id", 1).containsKey(e.getKey())) {
          extra.set(e.getKey(), e.getValue());
        }
      }
      ArrayNode packed = F.arrayNode().add(n.get("tagName")).add(n.get("attributes"));
      if (!extra.isEmpty()) {
        packed.add(extra);
      }
      if (!children.isEmpty()) {
        packed.add(children);
      }
      return packed;
    }
    ObjectNode other = F.objectNode();
    if (!implicit) {
      other.put("id", id);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("id")) {
        other.set(e.getKey(), e.getKey().equals("childNodes") && children != null ? children : e.getValue());
      }
    }
    return other;
  }

  private static int id(JsonNode v) {
    if (v == null || !v.isInt() || v.intValue() <= 0) {
      throw new IllegalArgumentException("not a node id");
    }
    return v.intValue();
  }
}
