package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DomIndexTest {
  static final ObjectMapper JSON = new ObjectMapper();

  DomIndex dom;

  static ObjectNode element(int id, String tag, String idAttr, String classAttr, JsonNode... children) {
    ObjectNode n = JSON.createObjectNode().put("type", 2).put("id", id).put("tagName", tag);
    ObjectNode attributes = n.putObject("attributes");
    if (idAttr != null) {
      attributes.put("id", idAttr);
    }
    if (classAttr != null) {
      attributes.put("class", classAttr);
    }
    ArrayNode kids = n.putArray("childNodes");
    for (JsonNode c : children) {
      kids.add(c);
    }
    return n;
  }

  static ObjectNode text(int id) {
    return JSON.createObjectNode().put("type", 3).put("id", id).put("textContent", "secret text");
  }

  /**
   * document(1) > html(2) > body(3) > form#login(4) > div.row.wide.third(5) > button.btn.primary(6) + text(7);
   * body > main(8) > section(9) > article(10) > ul(11) > li(12) > a.link(13); body > p#9lives(14) > span(15).
   */
  ObjectNode document;

  @BeforeEach
  void snapshot() {
    document = JSON.createObjectNode().put("type", 0).put("id", 1);
    document.putArray("childNodes").add(element(2, "HTML", null, null,
        element(3, "body", null, "page",
            element(4, "form", "login", "card",
                element(5, "div", null, "row wide third",
                    element(6, "button", null, "btn primary", text(7)))),
            element(8, "main", null, null, element(9, "section", null, null, element(10, "article", null, null,
                element(11, "ul", null, null, element(12, "li", null, null, element(13, "a", null, "link")))))),
            element(14, "p", "9lives", "x:y ok", element(15, "span", null, null)))));
    dom = new DomIndex();
    dom.reset(document);
  }

  /** rrweb writes each node's id after its children; the streaming reader must still find every parent. */
  static void moveIdsLast(JsonNode n) {
    if (n instanceof ObjectNode o && o.has("id")) {
      JsonNode id = o.remove("id");
      o.path("childNodes").forEach(DomIndexTest::moveIdsLast);
      o.set("id", id);
    }
  }

  @Test
  void reset_fromTheTokenStream_indexesLikeTheTree() throws java.io.IOException {
    moveIdsLast(document);
    String data = "{\"initialOffset\":{\"left\":0,\"top\":0},\"node\":" + document + "}";
    DomIndex streamed = new DomIndex();
    try (var p = JSON.getFactory().createParser(data)) {
      p.nextToken();
      streamed.reset(p);
      assertEquals(com.fasterxml.jackson.core.JsonToken.END_OBJECT, p.currentToken());
    }
    assertEquals(dom.size(), streamed.size());
    for (int id = 1; id <= 15; id++) {
      assertEquals(dom.selector(id), streamed.selector(id), "node " + id);
    }
  }

  @Test
  void selector_stopsAtTheNearestAncestorWithAnId() {
    assertEquals(Optional.of("form#login > div.row.wide > button.btn.primary"), dom.selector(6));
    assertEquals(Optional.of("form#login"), dom.selector(4));
  }

  @Test
  void selector_keepsAtMostTwoValidClasses() {
    assertEquals(Optional.of("form#login > div.row.wide"), dom.selector(5));
    assertEquals(Optional.of("p.ok > span"), dom.selector(15), "'9lives' is no CSS id, 'x:y' no class");
  }

  @Test
  void selector_isAtMostFiveLevelsDeep() {
    assertEquals(Optional.of("section > article > ul > li > a.link"), dom.selector(13));
  }

  @Test
  void selector_ofBodyAndHtml_isTheirTag() {
    assertEquals(Optional.of("body"), dom.selector(3));
    assertEquals(Optional.of("html"), dom.selector(2), "tags are lower-cased");
  }

  @Test
  void selector_ofUnknownOrNonElementNodes_isEmpty() {
    assertEquals(Optional.empty(), dom.selector(7), "text nodes are not kept");
    assertEquals(Optional.empty(), dom.selector(999));
    assertEquals(13, dom.size(), "elements only");
  }

  @Test
  void mutate_addsRemovesAndRenames() {
    ObjectNode add = JSON.createObjectNode();
    add.putArray("adds").addObject().put("parentId", 4).set("node", element(20, "input", "email", null));
    add.putArray("removes").addObject().put("id", 5);
    dom.mutate(add);
    assertEquals(Optional.of("input#email"), dom.selector(20));
    assertEquals(Optional.empty(), dom.selector(5));

    ObjectNode rename = JSON.createObjectNode();
    rename.putArray("attributes").addObject().put("id", 4).putObject("attributes").put("id", "signin");
    dom.mutate(rename);
    assertEquals(Optional.of("form#signin"), dom.selector(4));
    ObjectNode reclass = JSON.createObjectNode();
    reclass.putArray("attributes").addObject().put("id", 13).putObject("attributes").put("class", "cta big");
    dom.mutate(reclass);
    assertEquals(Optional.of("section > article > ul > li > a.cta.big"), dom.selector(13));
  }

  /** Applies {@code data} (a mutation) through the token stream, as the ingest path reads it. */
  void streamMutation(String data) throws java.io.IOException {
    try (var p = JSON.getFactory().createParser(data)) {
      p.nextToken();
      p.nextToken();
      assertEquals("source", p.currentName());
      p.nextToken();
      dom.mutate(p, JSON);
      assertEquals(com.fasterxml.jackson.core.JsonToken.END_OBJECT, p.currentToken());
      assertEquals(null, p.nextToken(), "the whole object is read");
    }
  }

  @Test
  void mutate_fromTheTokenStream_inRrwebOrder_movesAddsAndRenames() throws java.io.IOException {
    // rrweb's order: texts, attributes, removes, adds. div.row (5) moves under main (8); a new input is added
    // under it; the form is renamed in the same mutation (applied after the adds, like the tree reader).
    streamMutation("{\"source\":0,\"texts\":[{\"id\":7,\"value\":\"x\"}],"
        + "\"attributes\":[{\"id\":4,\"attributes\":{\"id\":\"signin\",\"style\":{\"color\":\"red\"}}}],"
        + "\"removes\":[{\"parentId\":4,\"id\":5}],"
        + "\"adds\":[{\"parentId\":8,\"nextId\":null,\"node\":" + element(5, "div", null, "moved") + "},"
        + "{\"parentId\":5,\"nextId\":null,\"node\":" + element(20, "input", null, "field") + "}],"
        + "\"isAttachIframe\":true}");
    assertEquals(Optional.of("main > div.moved > input.field"), dom.selector(20));
    assertEquals(Optional.of("form#signin"), dom.selector(4));
    assertEquals(Optional.of("main > div.moved"), dom.selector(5));
  }

  @Test
  void mutate_fromTheTokenStream_inAnyOrder_appliesRemovesBeforeAdds() throws java.io.IOException {
    // Adds before removes, and a node before its parentId: both are read as trees and applied in order.
    streamMutation("{\"source\":0,"
        + "\"adds\":[{\"node\":" + element(5, "div", null, "moved") + ",\"parentId\":8}],"
        + "\"removes\":[{\"id\":5,\"parentId\":4}],\"texts\":[],\"attributes\":[]}");
    assertEquals(Optional.of("main > div.moved"), dom.selector(5));
    streamMutation("{\"source\":0,\"removes\":[],"
        + "\"adds\":[{\"node\":" + element(21, "span", null, null) + ",\"parentId\":5}]}");
    assertEquals(Optional.of("main > div.moved > span"), dom.selector(21));
  }

  @Test
  void reset_forgetsThePreviousDocument() {
    ObjectNode document = JSON.createObjectNode().put("type", 0).put("id", 1);
    document.putArray("childNodes").add(element(2, "html", null, null, element(30, "body", null, null)));
    dom.reset(document);
    assertEquals(Optional.empty(), dom.selector(6));
    assertEquals(Optional.of("body"), dom.selector(30));
  }
}
