package io.witness.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.policy.Policy;
import io.witness.policy.PolicyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The streaming batch pass must give exactly what the tree rules give ({@link EventSanitizer}, tested on its own
 * in {@link EventSanitizerTest}): every corpus session, cut into SDK-sized batches, under the default policy and
 * under one with block, maskText and unmask selectors.
 */
class BatchSanitizerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Policy SELECTORS = parse("""
      {"masking": {"block": ["nav", ".card-header"], "maskText": ["table", "h1"], "unmask": [".todo-count"],
       "inputs": ["password", "email"]}}""");

  @Test
  void everyCorpusSession_streamedInBatches_equalsTheTreeRules_underDefaultAndSelectorPolicies() throws IOException {
    List<String> sessions;
    try (var dirs = Files.list(EventSanitizerTest.corpusDir())) {
      sessions = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
    assertTrue(sessions.size() >= 12, "the corpus has its 12 sessions: " + sessions);
    for (Policy policy : List.of(Policy.defaults(), SELECTORS)) {
      for (String session : sessions) {
        ArrayNode events = EventSanitizerTest.corpus(session);
        ArrayNode expected = EventSanitizerTest.sanitize(policy, events.deepCopy());
        EventSanitizer.Report report = new EventSanitizer.Report();
        assertEquals(expected, streamed(policy, events, 40, report), session + " under " + policy.masking());
        assertEquals(0, report.asTree, session + ": every event is in rrweb's order: none redone as a tree");
      }
    }
  }

  @Test
  void secretsOfTheCorpus_areGoneAfterTheStreamingPass() throws IOException {
    String modal = streamed(Policy.defaults(), EventSanitizerTest.corpus("jqueryui-modal-form"), 25).toString();
    for (String secret : List.of("hunter2Secret", "johndoe1", "maria.garcia@example.org")) {
      assertFalse(modal.contains(secret), secret + " is still in the events");
    }
    String petstore = streamed(Policy.defaults(), EventSanitizerTest.corpus("swagger-petstore"), 25).toString();
    assertFalse(petstore.contains("S3cret-pass"));
  }

  @Test
  void snapshotInAnotherFieldOrder_isSanitizedAsATree_withTheSameResult() throws IOException {
    // childNodes before tagName and attributes: the streaming pass cannot decide, the tree rules do.
    String events = """
        [{"type":2,"timestamp":2,"data":{"node":{"type":0,"id":1,"childNodes":[{"childNodes":[{"type":3,"id":3,
          "textContent":"mail me: jane@example.com"}],"type":2,"id":2,"tagName":"p","attributes":{"title":
          "jane@example.com"}},{"type":2,"tagName":"input","attributes":{"type":"text","value":"secret"},
          "childNodes":[],"id":4}]}}},
         {"type":3,"timestamp":3,"data":{"source":2,"type":2,"id":2,"x":1,"y":1}}]""";
    ArrayNode tree = (ArrayNode) JSON.readTree(events);
    EventSanitizer.Report report = new EventSanitizer.Report();
    ArrayNode out = streamed(Policy.defaults(), (ArrayNode) JSON.readTree(events), 10, report);
    assertEquals(1, report.asTree, "the snapshot was redone as a tree, the mouse move streamed");
    assertEquals(EventSanitizerTest.sanitize(Policy.defaults(), tree), out);
    assertFalse(out.toString().contains("jane@example.com"));
    assertFalse(out.toString().contains("secret"));
  }

  @Test
  void droppedEvents_leaveValidJson_andABatchLeftEmptyIsEmpty() throws IOException {
    Policy p = parse("{\"capture\": {\"deny\": [\"/checkout/payment/**\"]}}");
    BatchSanitizer s = new BatchSanitizer(new EventSanitizer(p), JSON);
    SanitizerSession session = new SanitizerSession();
    String batch = """
        {"v":1,"sessionId":"abcdefghijklmnop","seq":0,"events":[
         {"type":4,"timestamp":1,"data":{"href":"https://shop.example/checkout/payment","width":8,"height":6}},
         {"type":3,"timestamp":2,"data":{"source":1,"positions":[]}}, 7 ,
         {"type":4,"timestamp":3,"data":{"href":"https://shop.example/cart?x=1","width":8,"height":6}},
         {"type":3,"timestamp":4,"data":{"source":1,"positions":[]}}], "after": true}""";
    EventSanitizer.Report report = new EventSanitizer.Report();
    JsonNode out = JSON.readTree(run(s, session, batch, report).orElseThrow());
    assertEquals(2, report.dropped());
    assertEquals("[7,{\"type\":4,\"timestamp\":3,\"data\":{\"href\":\"https://shop.example/cart\",\"width\":8,"
        + "\"height\":6}},{\"type\":3,\"timestamp\":4,\"data\":{\"source\":1,\"positions\":[]}}]",
        out.path("events").toString());
    assertTrue(out.path("after").asBoolean(), "fields after the events are kept");

    String outOfScope = """
        {"v":1,"sessionId":"abcdefghijklmnop","seq":1,"events":[
         {"type":4,"timestamp":5,"data":{"href":"https://shop.example/checkout/payment","width":8,"height":6}},
         {"type":3,"timestamp":6,"data":{"source":1,"positions":[]}}]}""";
    assertEquals(Optional.empty(), run(s, session, outOfScope, new EventSanitizer.Report()));
  }

  @Test
  void aSecondSessionIdOrMalformedJson_isRefused_andTrailingContentIsLeftForTheEnvelopeCheck() throws IOException {
    BatchSanitizer s = new BatchSanitizer(new EventSanitizer(Policy.defaults()), JSON);
    String twice = "{\"v\":1,\"sessionId\":\"abcdefghijklmnop\",\"events\":[],\"sessionId\":\"qrstuvwxyzabcdef\"}";
    assertThrows(JsonProcessingException.class, () -> run(s, new SanitizerSession(), twice, new EventSanitizer.Report()));
    assertThrows(JsonProcessingException.class, () -> run(s, new SanitizerSession(),
        "{\"v\":1,\"events\":[{\"type\":2,\"data\":{\"node\":{\"type\":0,", new EventSanitizer.Report()));
    String trailing = "{\"v\":1,\"events\":[]} {\"x\":1}";
    assertEquals(trailing, new String(run(s, new SanitizerSession(), trailing, new EventSanitizer.Report())
        .orElseThrow(), StandardCharsets.UTF_8));
    byte[] head = bytes("{\"v\":1,\"sessionId\":\"abcdefghijklmnop\",\"seq\":3,\"events\":[]}");
    assertEquals(new BatchSanitizer.Head("abcdefghijklmnop", 3), s.head(head, head.length));
  }

  /**
   * A key sent twice (a client's own doing; also what a protocol-v2 batch with both {@code n} and {@code node}
   * becomes once unpacked): one snapshot and one text survive, and what survives is sanitized; no PII slips through
   * in the copy the policy did not look at.
   */
  @Test
  void duplicateKeys_leaveOneSanitizedCopy() throws IOException {
    BatchSanitizer s = new BatchSanitizer(new EventSanitizer(Policy.defaults()), JSON);
    String batch = "{\"v\":1,\"sessionId\":\"abcdefghijklmnop\",\"seq\":0,\"events\":["
        + "{\"type\":4,\"timestamp\":1,\"data\":{\"href\":\"https://a.example/\",\"width\":1,\"height\":1}},"
        + "{\"type\":2,\"timestamp\":2,\"data\":{\"node\":{\"type\":0,\"childNodes\":[{\"type\":2,"
        + "\"tagName\":\"p\",\"attributes\":{},\"childNodes\":[{\"type\":3,\"textContent\":\"ok\","
        + "\"textContent\":\"4111 1111 1111 1111 x@y.example\",\"id\":3}],\"id\":2}],\"id\":1},"
        + "\"node\":{\"type\":0,\"childNodes\":[{\"type\":3,\"textContent\":\"4111 1111 1111 1111\",\"id\":5}],"
        + "\"id\":4},\"initialOffset\":{}}}]}";
    String out = new String(run(s, new SanitizerSession(), batch, new EventSanitizer.Report()).orElseThrow(),
        StandardCharsets.UTF_8);
    assertFalse(out.contains("4111"), out);
    assertFalse(out.contains("x@y.example"), out);
    JsonNode data = JSON.readTree(out).path("events").path(1).path("data");
    assertEquals(1, data.path("node").path("childNodes").size(), out);
  }

  /**
   * Card numbers in fields rrweb does not define (a hostile or broken client could put them anywhere): beside an
   * event's type and data, in a snapshot's data and nodes, in a mutation, a mouse move and an input. Card data is
   * never stored, so every string is scanned wherever it is.
   */
  @Test
  void cardNumbersInFieldsRrwebDoesNotDefine_areRedactedToo_alikeStreamedAndAsATree() throws IOException {
    String card = "4111 1111 1111 1111";
    String events = ("["
        + "{'type':4,'timestamp':1,'x':'@','data':{'href':'https://a.example/','width':1,'height':1,'x':'@'}},"
        + "{'type':2,'timestamp':2,'x':'@','data':{'x':'@','node':{'type':0,'x':'@','childNodes':[{'type':2,"
        + "'tagName':'p','attributes':{'style':{'color':'@'}},'x':['@'],'childNodes':[{'type':3,'textContent':'ok',"
        + "'id':3,'x':'@','attributes':{'a':'@'},'tagName':'@'}],'id':2,'y':{'z':'@'},'textContent':'@'},"
        + "{'type':2,'tagName':'nav','attributes':{'class':'@','href':'@'},'x':'@','childNodes':[],'id':5}],"
        + "'id':1},'initialOffset':{'x':'@'}},'after':'@'},"
        + "{'type':3,'timestamp':3,'data':{'source':0,'x':'@','adds':[{'parentId':2,'nextId':null,'x':'@','node':"
        + "{'type':3,'textContent':'ok','id':4,'x':'@'}},'@'],'removes':[{'id':9,'x':'@'}],"
        + "'texts':[{'id':3,'value':'ok','x':'@'},{'id':3,'value':{'x':'@'}}],"
        + "'attributes':[{'id':2,'attributes':{'title':'ok','style':{'x':'@'}},'x':'@'}]}},"
        + "{'type':3,'timestamp':4,'x':'@','data':{'source':1,'positions':[{'x':1,'y':1,'id':2,'timeOffset':0,"
        + "'z':'@'}],'x':'@'}},"
        + "{'type':3,'timestamp':5,'data':{'source':5,'id':2,'text':'ok','isChecked':false,'x':'@'}},"
        + "{'type':5,'timestamp':6,'data':{'tag':'t','payload':{'x':'@'}}}]")
        .replace('\'', '"').replace("@", card);
    Policy blockNav = parse("{\"masking\": {\"block\": [\"nav\"]}}");
    for (Policy policy : List.of(Policy.defaults(), blockNav)) {
      ArrayNode tree = EventSanitizerTest.sanitize(policy, (ArrayNode) JSON.readTree(events));
      EventSanitizer.Report report = new EventSanitizer.Report();
      ArrayNode out = streamed(policy, (ArrayNode) JSON.readTree(events), 10, report);
      assertFalse(out.toString().contains("4111"), out.toString());
      assertFalse(tree.toString().contains("4111"), tree.toString());
      assertEquals(tree, out);
      assertEquals(0, report.asTree, "in rrweb's order: streamed");
      assertEquals(6, out.size());
    }
  }

  /** The events through the streaming pass, cut into batches of {@code perBatch} events of one session. */
  static ArrayNode streamed(Policy policy, ArrayNode events, int perBatch) throws IOException {
    return streamed(policy, events, perBatch, new EventSanitizer.Report());
  }

  static ArrayNode streamed(Policy policy, ArrayNode events, int perBatch, EventSanitizer.Report report)
      throws IOException {
    BatchSanitizer s = new BatchSanitizer(new EventSanitizer(policy), JSON);
    SanitizerSession session = new SanitizerSession();
    ArrayNode kept = JSON.createArrayNode();
    List<JsonNode> all = new ArrayList<>();
    events.forEach(all::add);
    for (int from = 0, seq = 0; from < all.size(); from += perBatch, seq++) {
      ObjectNode batch = JSON.createObjectNode().put("v", 1).put("sessionId", "abcdefghijklmnop").put("seq", seq);
      batch.putArray("events").addAll(all.subList(from, Math.min(all.size(), from + perBatch)));
      Optional<byte[]> out = run(s, session, JSON.writeValueAsString(batch), report);
      if (out.isPresent()) {
        kept.addAll((ArrayNode) JSON.readTree(out.get()).path("events"));
      }
    }
    return kept;
  }

  private static Optional<byte[]> run(BatchSanitizer s, SanitizerSession session, String batch,
      EventSanitizer.Report report) throws IOException {
    byte[] b = bytes(batch);
    // The body sits at the start of a larger pooled array on the ingest path.
    byte[] pooled = java.util.Arrays.copyOf(b, b.length + 100);
    // A small output array: the output grows it as needed.
    return s.sanitize(session, pooled, b.length, new byte[16], report)
        .map(o -> java.util.Arrays.copyOf(o.bytes(), o.length()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Policy parse(String json) {
    try {
      return PolicyParser.parse(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
