package io.witness.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.policy.PiiKind;
import io.witness.policy.Policy;
import io.witness.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class EventSanitizerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void defaultPolicy_jqueryUiModalForm_passwordEchoedIntoATableCellIsMasked() throws IOException {
    ArrayNode events = corpus("jqueryui-modal-form");
    String before = events.toString();
    assertTrue(before.contains("hunter2Secret") && before.contains("johndoe1"), "control: the secrets are recorded");
    String after = sanitize(Policy.defaults(), events).toString();
    for (String secret : List.of("hunter2Secret", "johndoe1", "maria.garcia@example.org")) {
      assertFalse(after.contains(secret), secret + " is still in the events");
    }
    assertFalse(after.contains("\"text\":\"Maria G"), "what was typed into the name field is masked");
    assertTrue(after.contains("Password"), "the column header itself stays readable");
  }

  @Test
  void defaultPolicy_swaggerPetstore_passwordInATextFieldIsMasked() throws IOException {
    ArrayNode events = corpus("swagger-petstore");
    assertTrue(events.toString().contains("S3cret-pass"), "control: the secret is recorded");
    String after = sanitize(Policy.defaults(), events).toString();
    assertFalse(after.contains("S3cret-pass"));
    assertFalse(after.contains("jdoe\""), "typed user name masked with every input");
  }

  @Test
  void cardNumberInAPlainTextField_neverStaysInClear_evenWhenTextInputsAreUnmasked() throws IOException {
    Policy unmaskedText = PolicyParser.parse("{\"masking\": {\"inputs\": [\"password\"]}}");
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":4,"timestamp":1,"data":{"href":"https://shop.example/pay?email=a@b.example","width":800,"height":600}},
         {"type":2,"timestamp":2,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"body",
           "attributes":{},"childNodes":[{"type":2,"id":3,"tagName":"input","attributes":{"type":"text",
           "value":"4111 1111 1111 1111"},"childNodes":[]},{"type":2,"id":4,"tagName":"p","attributes":{},
           "childNodes":[{"type":3,"id":5,"textContent":"Card 4111-1111-1111-1111 saved"}]}]}]}}},
         {"type":3,"timestamp":3,"data":{"source":5,"id":3,"text":"5500 0000 0000 0004","isChecked":false}},
         {"type":3,"timestamp":4,"data":{"source":5,"id":3,"text":"hello","isChecked":false}},
         {"type":3,"timestamp":5,"data":{"source":0,"texts":[{"id":5,"value":"now 378282246310005"}],"attributes":[],
           "removes":[],"adds":[]}}]""");
    String after = sanitize(unmaskedText, events).toString();
    for (String pan : List.of("4111 1111 1111 1111", "4111-1111-1111-1111", "5500 0000 0000 0004",
        "378282246310005", "a@b.example")) {
      assertFalse(after.contains(pan), pan + " stayed in clear: " + after);
    }
    assertTrue(after.contains("[card]"));
    assertTrue(after.contains("\"hello\""), "a plain value of an unmasked text field stays");
    assertTrue(after.contains("https://shop.example/pay\""), "the query string is dropped by default");
  }

  @Test
  void blockAndMaskSelectors_applyToSnapshotsAndLaterMutations() throws IOException {
    Policy p = PolicyParser.parse("{\"masking\": {\"block\": [\".card-form\"], \"maskText\": [\".balance\"],"
        + " \"unmask\": [\".balance .label\"]}}");
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":4,"timestamp":1,"data":{"href":"https://bank.example/","width":800,"height":600}},
         {"type":2,"timestamp":2,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"body",
           "attributes":{},"childNodes":[
             {"type":2,"id":3,"tagName":"form","attributes":{"class":"card-form","action":"/pay"},"childNodes":[
               {"type":3,"id":4,"textContent":"BLOCKED-TEXT"}]},
             {"type":2,"id":5,"tagName":"div","attributes":{"class":"balance"},"childNodes":[
               {"type":3,"id":6,"textContent":"EUR 1234"},
               {"type":2,"id":7,"tagName":"span","attributes":{"class":"label"},"childNodes":[
                 {"type":3,"id":8,"textContent":"Balance"}]}]}]}]}}},
         {"type":3,"timestamp":3,"data":{"source":0,"texts":[{"id":4,"value":"LATER-BLOCKED"},{"id":6,"value":"EUR 99"}],
           "attributes":[{"id":3,"attributes":{"data-x":"LEAK"}}],"removes":[],
           "adds":[{"parentId":3,"nextId":null,"node":{"type":3,"id":9,"textContent":"ADDED-BLOCKED"}},
                   {"parentId":5,"nextId":null,"node":{"type":3,"id":10,"textContent":"EUR 5"}}]}}]""");
    String after = sanitize(p, events).toString();
    for (String hidden : List.of("BLOCKED-TEXT", "LATER-BLOCKED", "ADDED-BLOCKED", "LEAK", "/pay", "1234", "99",
        "EUR 5")) {
      assertFalse(after.contains(hidden), hidden + " in " + after);
    }
    assertTrue(after.contains("card-form"), "a blocked element keeps its class (its box is replayed)");
    assertTrue(after.contains("\"Balance\""), "unmask exempts the label");
    assertTrue(after.contains("*** ****"), "masked text keeps its shape");
  }

  @Test
  void inputAndAttributeEventsNamingATextNode_areMaskedWithoutError() throws IOException {
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":2,"timestamp":1,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"p",
           "attributes":{},"childNodes":[{"type":3,"id":3,"textContent":"hello"}]}]}}},
         {"type":3,"timestamp":2,"data":{"source":5,"id":3,"text":"typed secret","isChecked":false}},
         {"type":3,"timestamp":3,"data":{"source":0,"texts":[],"attributes":[{"id":3,"attributes":{"value":"x y"}}],
           "removes":[],"adds":[]}}]""");
    String after = sanitize(Policy.defaults(), events).toString();
    assertFalse(after.contains("typed secret"));
    assertTrue(after.contains("\"value\":\"* *\""), after);
  }

  @Test
  void sessionWhoseDomIsUnknown_failsClosed_untilItsNextFullSnapshot() throws IOException {
    // Batch 4 of a recording whose earlier batches this process never saw (eviction, restart).
    String mutations = """
        [{"type":3,"timestamp":1,"data":{"source":0,"texts":[{"id":40,"value":"Balance 1,234.56"}],"attributes":[],
           "removes":[],"adds":[{"parentId":41,"nextId":null,"node":{"type":2,"id":42,"tagName":"span",
           "attributes":{},"childNodes":[{"type":3,"id":43,"textContent":"Jane Roe"}]}},
           {"parentId":41,"nextId":null,"node":{"type":3,"id":44,"textContent":"Account 12"}}]}},
         {"type":2,"timestamp":2,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"p",
           "attributes":{},"childNodes":[{"type":3,"id":3,"textContent":"Welcome back"}]}]}}}]""";
    EventSanitizer sanitizer = new EventSanitizer(Policy.defaults());
    SanitizerSession unknown = new SanitizerSession();
    ArrayNode events = (ArrayNode) JSON.readTree(mutations);
    EventSanitizer.Report report = new EventSanitizer.Report();
    for (JsonNode e : events) {
      assertTrue(sanitizer.apply(unknown, (ObjectNode) e, report));
    }
    String after = events.toString();
    for (String clear : List.of("Balance", "Jane Roe", "Account 12")) {
      assertFalse(after.contains(clear), clear + " left in clear while the DOM is unknown: " + after);
    }
    assertTrue(after.contains("Welcome back"), "after the full snapshot, text is judged by the rules again");

    // Control: once the snapshot is known, a mutation under a known parent keeps its plain text.
    ArrayNode later = (ArrayNode) JSON.readTree("""
        [{"type":3,"timestamp":3,"data":{"source":0,"texts":[],"attributes":[],"removes":[],"adds":[{"parentId":2,
           "nextId":null,"node":{"type":3,"id":50,"textContent":"Jane Roe"}}]}}]""");
    assertTrue(sanitizer.apply(unknown, (ObjectNode) later.get(0), new EventSanitizer.Report()));
    assertTrue(later.toString().contains("Jane Roe"), later.toString());
  }

  /**
   * Regression (found in the console's policy preview): DataTables re-renders rows in one mutation that lists a
   * cell's text before the cell; the text was placed without its parent and escaped the table's maskText rule.
   */
  @Test
  void maskTextSelector_coversTextAddedBeforeItsParentInTheSameMutation() throws IOException {
    Policy maskTables = PolicyParser.parse("{\"masking\": {\"maskText\": [\"table\"]}}");
    ArrayNode events = corpus("sb-admin-tables-charts");
    assertTrue(events.toString().contains("Tiger Nixon"), "control: the table's rows are recorded");
    String after = sanitize(maskTables, events).toString();
    assertFalse(after.contains("Tiger Nixon") || after.contains("System Architect"), "table text left in clear");
    assertTrue(after.contains("DataTables Example"), "text outside tables stays");
  }

  @Test
  void quarantineAction_redactsAndReportsTheValues_butNeverKeepsACardNumber() throws IOException {
    Policy quarantine = PolicyParser.parse("{\"pii\": {\"action\": \"quarantine\"}}");
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":2,"timestamp":1,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,"tagName":"p",
           "attributes":{"title":"call +1 415 555 0100"},"childNodes":[{"type":3,"id":3,
           "textContent":"Write to jane@example.com, card 4111 1111 1111 1111"}]}]}}}]""");
    EventSanitizer.Report report = new EventSanitizer.Report();
    String after = sanitize(quarantine, events, report).toString();
    assertFalse(after.contains("jane@example.com") || after.contains("4111"), after);
    assertTrue(after.contains("[email]"), "the stored text is redacted as under the redact action");
    List<String> kept = report.quarantined().stream().map(q -> q.kind().wire() + "=" + q.value()).toList();
    assertTrue(kept.contains("email=jane@example.com"), kept.toString());
    assertTrue(kept.stream().anyMatch(k -> k.startsWith("phone=")), kept.toString());
    assertFalse(kept.stream().anyMatch(k -> k.contains("4111")), "card numbers are never kept: " + kept);
    assertEquals(1, report.redacted().get(PiiKind.CARD));

    EventSanitizer.Report redactOnly = new EventSanitizer.Report();
    sanitize(Policy.defaults(), (ArrayNode) JSON.readTree(events.toString().replace("[email]", "a@b.example")),
        redactOnly);
    assertTrue(redactOnly.quarantined().isEmpty(), "the default action keeps nothing");
  }

  @Test
  void outOfScopePage_isDroppedUntilAnInScopePage() throws IOException {
    Policy p = PolicyParser.parse("{\"capture\": {\"deny\": [\"/checkout/payment/**\"]}}");
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":4,"timestamp":1,"data":{"href":"https://shop.example/cart","width":800,"height":600}},
         {"type":3,"timestamp":2,"data":{"source":2,"type":2,"id":1,"x":1,"y":1}},
         {"type":4,"timestamp":3,"data":{"href":"https://shop.example/Checkout/Payment?step=1","width":800,"height":600}},
         {"type":2,"timestamp":4,"data":{"node":{"type":0,"id":1,"childNodes":[]}}},
         {"type":3,"timestamp":5,"data":{"source":2,"type":2,"id":1,"x":2,"y":2}},
         {"type":4,"timestamp":6,"data":{"href":"https://shop.example/thanks","width":800,"height":600}},
         {"type":3,"timestamp":7,"data":{"source":2,"type":2,"id":1,"x":3,"y":3}}]""");
    ArrayNode kept = sanitize(p, events);
    assertEquals(List.of(1L, 2L, 6L, 7L), timestamps(kept));
  }

  @Test
  void consoleLevelsNotCaptured_areDropped_andMessagesRedacted() throws IOException {
    ArrayNode events = (ArrayNode) JSON.readTree("""
        [{"type":6,"timestamp":1,"data":{"plugin":"rrweb/console@1","payload":{"level":"warn","payload":["w"]}}},
         {"type":6,"timestamp":2,"data":{"plugin":"rrweb/console@1","payload":{"level":"error",
           "payload":["\\"failed for jane@example.com\\""],"trace":["at x"]}}}]""");
    ArrayNode kept = sanitize(Policy.defaults(), events);
    assertEquals(List.of(2L), timestamps(kept));
    assertFalse(kept.toString().contains("jane@example.com"));
  }

  @Test
  void networkRequests_droppedByDefault_keptWhereCapturedWithoutQueryHeadersOrBodies() throws IOException {
    String network = """
        [{"type":6,"timestamp":1,"data":{"plugin":"rrweb/network@1","payload":{"requests":[
          {"url":"https://shop.example/api/users/jane@example.com/orders?token=s3cret","initiatorType":"fetch",
           "method":"GET","status":200,"startTime":10.5,"endTime":42.25,
           "requestHeaders":{"Authorization":"Bearer abc"},"responseBody":"{\\"iban\\":\\"DE89370400440532013000\\"}"}]}}}]""";
    assertEquals(List.of(), timestamps(sanitize(Policy.defaults(), (ArrayNode) JSON.readTree(network))),
        "the default policy captures no network requests");

    Policy captured = PolicyParser.parse("{\"network\": {\"capture\": true}}");
    ArrayNode kept = sanitize(captured, (ArrayNode) JSON.readTree(network));
    JsonNode request = kept.get(0).path("data").path("payload").path("requests").get(0);
    assertEquals(List.of("url", "initiatorType", "method", "status", "startTime", "endTime"),
        iterable(request.fieldNames()), request.toString());
    String url = request.path("url").asText();
    assertFalse(url.contains("token") || url.contains("s3cret"), "query stripped: " + url);
    assertFalse(url.contains("jane@example.com"), "PII in the path redacted: " + url);
    assertEquals(200, request.path("status").asInt());
    assertFalse(kept.toString().contains("Bearer") || kept.toString().contains("DE89"), kept.toString());
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> out = new java.util.ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

  @Test
  void everyCorpusSession_isSanitizedWithoutLoss_ofItsEventsOrStructure() throws IOException {
    for (String session : List.of("todomvc-react", "todomvc-angularjs-rrweb1", "sb-admin-tables-charts",
        "jsoneditor-basic", "pgdocs-tutorial", "jqueryui-datepicker-tabs")) {
      ArrayNode events = corpus(session);
      int count = events.size();
      EventSanitizer.Report report = new EventSanitizer.Report();
      ArrayNode kept = sanitize(Policy.defaults(), events, report);
      long warnings = 0;
      for (JsonNode e : corpus(session)) {
        if (e.path("type").asInt() == 6 && !e.path("data").path("payload").path("level").asText().equals("error")) {
          warnings++;
        }
      }
      assertEquals(count - warnings, kept.size(), session + ": only console events of other levels are dropped");
      assertTrue(report.redacted().getOrDefault(PiiKind.CARD, 0) == 0, session + ": no card numbers expected");
    }
  }

  private static List<Long> timestamps(ArrayNode events) {
    List<Long> out = new java.util.ArrayList<>();
    events.forEach(e -> out.add(e.path("timestamp").asLong()));
    return out;
  }

  static ArrayNode sanitize(Policy p, ArrayNode events) {
    return sanitize(p, events, new EventSanitizer.Report());
  }

  static ArrayNode sanitize(Policy p, ArrayNode events, EventSanitizer.Report report) {
    EventSanitizer sanitizer = new EventSanitizer(p);
    SanitizerSession session = new SanitizerSession();
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode e : events) {
      if (sanitizer.apply(session, (ObjectNode) e, report)) {
        kept.add(e);
      }
    }
    return kept;
  }

  static ArrayNode corpus(String session) throws IOException {
    Path dir = corpusDir().resolve(session);
    Path plain = dir.resolve("events.json");
    try (InputStream in = Files.exists(plain) ? Files.newInputStream(plain)
        : new GZIPInputStream(Files.newInputStream(dir.resolve("events.json.gz")))) {
      return (ArrayNode) JSON.readTree(in);
    }
  }

  static Path corpusDir() {
    for (Path p : List.of(Path.of("../../shared/corpus"), Path.of("../shared/corpus"))) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new AssertionError("the shared rrweb corpus is missing: it lives in shared/corpus beside the repository");
  }
}
