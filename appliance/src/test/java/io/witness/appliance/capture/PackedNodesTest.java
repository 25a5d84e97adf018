package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.NodePacker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Capture protocol v2's packed nodes against the shared fixtures the SDK's packer is tested with
 * ({@code consent-gateway/fixtures/protocol/packing}), and against bodies an attacker would send.
 */
class PackedNodesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PackedNodes NODES = new PackedNodes(JSON, 16 << 20);

  static Path fixtures() {
    Path dir = Path.of(System.getProperty("witness.repo.dir", ".."), "consent-gateway", "fixtures", "protocol")
        .toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("valid-packed-nodes.json"))) {
      throw new AssertionError("the shared protocol fixtures are missing: no " + dir
          + " (set -Dwitness.repo.dir to the repository root)");
    }
    return dir;
  }

  static String unpacked(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int[] length = new int[1];
    byte[] out = NODES.unpack(bytes, bytes.length, length);
    return new String(out, 0, length[0], StandardCharsets.UTF_8);
  }

  @Test
  void theSharedFixture_unpacksToTheRrwebEventsTheSdkPacked() throws IOException {
    String body = Files.readString(fixtures().resolve("valid-packed-nodes.json"));
    JsonNode envelope = JSON.readTree(unpacked(body));
    JsonNode rrweb = JSON.readTree(fixtures().resolve("packing/rrweb-events.json").toFile());
    assertEquals(rrweb, envelope.get("events"));
    assertEquals("fixture-packed-nodes-0001", envelope.get("sessionId").asText());
    assertEquals(2, envelope.get("v").asInt());
  }

  @Test
  void theTestsPacker_packsTheSharedFixtureAsTheSdkDoes() throws IOException {
    JsonNode rrweb = JSON.readTree(fixtures().resolve("packing/rrweb-events.json").toFile());
    JsonNode packed = JSON.readTree(fixtures().resolve("packing/packed-events.json").toFile());
    for (int i = 0; i < rrweb.size(); i++) {
      assertEquals(packed.get(i), NodePacker.packEvent(rrweb.get(i)), "event " + i);
    }
  }

  @Test
  void everyCorpusRecording_packedAndUnpacked_isTheSameEvents() throws IOException {
    for (String session : Corpus.sessions()) {
      JsonNode events = Corpus.events(session);
      ArrayNode packed = JSON.createArrayNode();
      int changed = 0;
      for (JsonNode e : events) {
        JsonNode p = NodePacker.packEvent(e);
        changed += p == e ? 0 : 1;
        packed.add(p);
      }
      ObjectNode envelope = JSON.createObjectNode().put("v", 2).put("sessionId", "corpus-" + session);
      envelope.set("events", packed);
      JsonNode back = JSON.readTree(unpacked(JSON.writeValueAsString(envelope))).get("events");
      assertTrue(changed > 0, session);
      assertEquals(events, back, session);
    }
  }

  @Test
  void rrwebFieldOrder_isKeptForTheSanitizer() {
    String out = unpacked("{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"b\",{\"x\":\"1\"},{\"isSVG\":true},"
        + "[\"t\"]],\"initialOffset\":{}},\"timestamp\":1}]}");
    assertEquals("{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"node\":{\"type\":2,\"tagName\":\"b\",\"attributes\":"
        + "{\"x\":\"1\"},\"childNodes\":[{\"type\":3,\"textContent\":\"t\",\"id\":2}],\"isSVG\":true,\"id\":1},"
        + "\"initialOffset\":{}},\"timestamp\":1}]}", out);
  }

  @Test
  void addsRows_becomeRrwebsAddedNodes() {
    String out = unpacked("{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"source\":0,\"texts\":[],\"a\":"
        + "[[10,-3,0,\"x\"],[2,-1,-2,{\"type\":5,\"textContent\":\"c\"}]],\"removes\":[]},\"timestamp\":1}]}");
    assertEquals("{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"source\":0,\"texts\":[],\"adds\":["
        + "{\"parentId\":7,\"nextId\":null,\"node\":{\"type\":3,\"textContent\":\"x\",\"id\":10}},"
        + "{\"parentId\":11,\"nextId\":10,\"node\":{\"type\":5,\"textContent\":\"c\",\"id\":12}}],\"removes\":[]},"
        + "\"timestamp\":1}]}", out);
  }

  @Test
  void aNumber_isALineBreakAndThatManySpaces() {
    String out = unpacked("{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"ul\",{},[0,[\"li\",{}],3]]}}]}");
    assertEquals("{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"node\":{\"type\":2,\"tagName\":\"ul\",\"attributes\":{},"
        + "\"childNodes\":[{\"type\":3,\"textContent\":\"\\n\",\"id\":2},{\"type\":2,\"tagName\":\"li\",\"attributes\":{},"
        + "\"childNodes\":[],\"id\":3},{\"type\":3,\"textContent\":\"\\n   \",\"id\":4}],\"id\":1}}}]}", out);
  }

  @Test
  void smallBodyOfIndentations_isRefusedBeforeItUnfolds() {
    // 1 MB packed: ≈ 250,000 indentations of 999 spaces, ≈ 250 MB unfolded; the limit here is 4 MB.
    String body = "{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"div\",{},["
        + String.join(",", java.util.Collections.nCopies(250_000, "999")) + "]]}}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    PackedNodes small = new PackedNodes(JSON, 4 << 20);
    ProblemException e = assertThrows(ProblemException.class, () -> small.unpack(bytes, bytes.length, new int[1]));
    assertEquals(413, e.problem().status());
  }

  @Test
  void versionOneAndNonJson_comeBackUnchanged() {
    for (String body : new String[] {
        "{\"v\":1,\"events\":[{\"type\":2,\"data\":{\"n\":\"x\"},\"timestamp\":1}]}",
        "{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"source\":1,\"positions\":[]},\"timestamp\":1}]}",
        "{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":",
        "[1,2]", "not json"}) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      int[] length = new int[1];
      assertSame(bytes, NODES.unpack(bytes, bytes.length, length), body);
      assertEquals(bytes.length, length[0]);
    }
  }

  @Test
  void wrongShapes_are400sNamingTheEvent() {
    String[][] cases = {
        {"{\"v\":2,\"events\":[{\"type\":1,\"data\":{}},{\"type\":2,\"data\":{\"n\":true}}]}", "events[1].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},[-1]]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},[1000]]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},[4.5]]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},[9999999999]]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"a\":[[1,1]]}}]}", "events[0].data.a[0]"},
        {"{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"a\":[[0,1,0,\"x\"]]}}]}", "events[0].data.a[0]"},
        {"{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"a\":[[1,-1,0,\"x\"]]}}]}", "events[0].data.a[0]"},
        {"{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"a\":[[2147483647,1,0,\"x\"]]}}]}", "events[0].data.a[0]"},
        {"{\"v\":2,\"events\":[{\"type\":3,\"data\":{\"a\":[[1,1,0,\"x\",9]]}}]}", "events[0].data.a[0]"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[5,{}]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},[],{}]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"p\",{},{\"id\":\"7\"}]}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":{\"type\":0,\"id\":0}}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":{\"type\":0,\"id\":3,\"id\":4}}}]}", "events[0].data.n"},
        {"{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":{\"type\":0,\"childNodes\":{}}}}]}", "events[0].data.n"},
        {"{\"events\":[{\"type\":2,\"data\":{\"n\":\"x\"}}],\"v\":2}", "v"},
    };
    for (String[] c : cases) {
      byte[] bytes = c[0].getBytes(StandardCharsets.UTF_8);
      ProblemException e = assertThrows(ProblemException.class, () -> NODES.unpack(bytes, bytes.length, new int[1]),
          c[0]);
      assertEquals(400, e.problem().status(), c[0]);
      assertTrue(e.problem().detail().startsWith(c[1] + ":"), c[0] + " → " + e.problem().detail());
    }
  }

  @Test
  void smallBodyOfEmptyTexts_isRefusedBeforeItUnfolds() {
    // 1 MB packed: ≈ 330,000 empty text nodes, ≈ 13 MB as rrweb's objects; the limit here is 4 MB.
    char[] texts = new char[330_000 * 3];
    for (int i = 0; i < 330_000; i++) {
      texts[3 * i] = '"';
      texts[3 * i + 1] = '"';
      texts[3 * i + 2] = ',';
    }
    String body = "{\"v\":2,\"events\":[{\"type\":2,\"data\":{\"n\":[\"div\",{},[" + new String(texts, 0, texts.length - 1)
        + "]]}}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    PackedNodes small = new PackedNodes(JSON, 4 << 20);
    ProblemException e = assertThrows(ProblemException.class, () -> small.unpack(bytes, bytes.length, new int[1]));
    assertEquals(413, e.problem().status());
  }

  @Test
  void bytesAroundThePackedValues_areCopiedAsTheyAre() {
    String body = "{\"v\":2 , \"sessionId\":\"s\\u00e9\",\"events\":[ {\"type\":2,\"data\":{ \"n\" : \"a\" , "
        + "\"initialOffset\" : { \"top\" : 1.50 } },\"timestamp\":1} ],\"x\":[1,{\"n\":1}]}";
    String out = unpacked(body);
    assertEquals(body.replace("\"n\" : \"a\"", "\"node\":{\"type\":3,\"textContent\":\"a\",\"id\":1}"), out);
  }
}
