package io.witness.appliance.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.WitnessApi;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/v1/recordings}: every filter, alone and combined, keyset pagination, and the literal treatment
 * of wildcards, quotes and SQL in {@code page} (the injection test of the list query builder).
 *
 * <p>The test imports its own small recordings, all starting inside a random window of a year long past, and
 * always queries within that window: other test classes may share the running appliance.
 */
@ExtendWith(ArquillianExtension.class)
class RecordingListIT {
  /** Start offset (minutes into the window), duration, first URL, console error. */
  record Fixture(int startMinute, long durationMs, String url, boolean error) {}

  static final List<Fixture> FIXTURES = List.of(
      new Fixture(0, 1_000, "https://shop.example/home", false),
      new Fixture(1, 5_000, "https://shop.example/checkout?step=2", true),
      new Fixture(2, 20_000, "https://shop.example/100%_off", false),
      new Fixture(3, 60_000, "https://shop.example/a_b/c", true),
      new Fixture(4, 120_000, "https://shop.example/o'reilly?q=\"x\"", false),
      new Fixture(5, 300_000, "https://Shop.Example/CaseTest", false),
      new Fixture(6, 2_000, "https://shop.example/it!s", true),
      new Fixture(6, 3_000, "https://shop.example/twin", false));

  private static final Map<String, Imported> IMPORTED = new HashMap<>();

  /** The window and the id of each fixture, per appliance (keyed by its URL). */
  record Imported(Instant base, List<String> ids) {}

  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  WitnessApi api;
  Imported data;

  @BeforeEach
  void importFixturesOnce() {
    api = WitnessApi.of(url);
    synchronized (IMPORTED) {
      data = IMPORTED.computeIfAbsent(url.toString(), k -> importFixtures(api));
    }
  }

  private static Imported importFixtures(WitnessApi api) {
    SecureRandom random = new SecureRandom();
    Instant base = Instant.parse("2001-01-01T00:00:00Z").plus(Duration.ofMinutes(random.nextInt(8_000_000)));
    List<String> ids = FIXTURES.stream().map(f -> {
      byte[] events = events(base.plus(Duration.ofMinutes(f.startMinute)).toEpochMilli(), f);
      return api.importRecording(events, false).assertStatus(201).json().path("id").asText();
    }).toList();
    return new Imported(base, ids);
  }

  static byte[] events(long t0, Fixture f) {
    ArrayNode events = WitnessApi.JSON.createArrayNode();
    ObjectNode meta = events.addObject().put("type", 4).put("timestamp", t0);
    meta.putObject("data").put("href", f.url).put("width", 1280).put("height", 720);
    ObjectNode full = events.addObject().put("type", 2).put("timestamp", t0 + 1);
    full.putObject("data").putObject("node").put("type", 0).put("id", 1).putArray("childNodes");
    if (f.error) {
      ObjectNode plugin = events.addObject().put("type", 6).put("timestamp", t0 + 2);
      ObjectNode data = plugin.putObject("data").put("plugin", "rrweb/console@1");
      data.putObject("payload").put("level", "error").putArray("payload").add("\"Error: boom\"");
    }
    ObjectNode move = events.addObject().put("type", 3).put("timestamp", t0 + f.durationMs);
    move.putObject("data").put("source", 1).putArray("positions").addObject().put("x", 1).put("y", 1)
        .put("id", 1).put("timeOffset", 0);
    return events.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Fixture numbers listed for {@code filters}, within the window unless the filters set {@code from} or
   * {@code to} themselves; asserts newest-first order.
   */
  private Set<Integer> list(String filters) {
    String query = (filters.matches("(^|.*&)from=.*") ? "" : "from=" + at(0) + "&")
        + (filters.matches("(^|.*&)to=.*") ? "" : "to=" + at(7) + "&") + filters;
    List<JsonNode> items = api.listAll(query.endsWith("&") ? query.substring(0, query.length() - 1) : query, 200);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < data.ids().size(); i++) {
      index.put(data.ids().get(i), i);
    }
    long previous = Long.MAX_VALUE;
    for (JsonNode item : items) {
      long started = Instant.parse(item.path("startedAt").asText()).toEpochMilli();
      assertEquals(true, started <= previous, "newest first: " + items);
      previous = started;
    }
    return items.stream().map(i -> index.getOrDefault(i.path("id").asText(), -1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private String window() {
    return "from=" + at(0) + "&to=" + at(7);
  }

  private String at(int minute) {
    return WitnessApi.encode(data.base().plus(Duration.ofMinutes(minute)).toString());
  }

  private static Set<Integer> set(Integer... fixtures) {
    return new TreeSet<>(List.of(fixtures));
  }

  @Test
  void timeRange_fromInclusiveToExclusive() {
    assertEquals(set(0, 1, 2, 3, 4, 5, 6, 7), list(""));
    assertEquals(set(2, 3), list("from=" + at(2) + "&to=" + at(4)));
    assertEquals(set(6, 7), list("from=" + at(6)));
    assertEquals(set(), list("from=" + at(3) + "&to=" + at(3)));
  }

  @Test
  void page_isAnExactPathMatch_throughItsBlindIndex() {
    assertEquals(set(1), list("page=" + WitnessApi.encode("/checkout")));
    assertEquals(set(1), list("page=" + WitnessApi.encode("https://other.example/checkout?step=9#x")),
        "a URL is reduced to its path");
    assertEquals(set(5), list("page=" + WitnessApi.encode("/CaseTest")));
    assertEquals(set(), list("page=" + WitnessApi.encode("/casetest")), "paths are case-sensitive");
    assertEquals(set(), list("page=" + WitnessApi.encode("/check")), "no substring match: values are sealed");
  }

  @Test
  void page_wildcardsQuotesAndSqlAreLiteral() {
    Map<String, Set<Integer>> cases = new java.util.LinkedHashMap<>();
    cases.put("/100%_off", set(2));
    cases.put("/a_b/c", set(3));
    cases.put("/o'reilly", set(4));
    cases.put("/it!s", set(6));
    cases.put("%", set());
    cases.put("_", set());
    cases.put("' OR '1'='1", set());
    cases.put("%' OR 1=1 --", set());
    cases.put("x'; DROP TABLE recordings; --", set());
    cases.forEach((text, expected) ->
        assertEquals(expected, list("page=" + WitnessApi.encode(text)), "page=" + text));
    assertEquals(set(0, 1, 2, 3, 4, 5, 6, 7), list(""), "every recording is still there");
  }

  @Test
  void urlContains_isRefusedWithAPointerToPage() {
    api.get("/api/v1/recordings?urlContains=checkout").assertProblem(400, "validation");
  }

  @Test
  void duration_minAndMaxAreInclusiveBounds() {
    assertEquals(set(2, 3, 4, 5), list("minDurationMs=20000"));
    assertEquals(set(0, 1, 6, 7), list("maxDurationMs=5000"));
    assertEquals(set(1, 2, 3), list("minDurationMs=5000&maxDurationMs=60000"));
    assertEquals(set(), list("minDurationMs=60001&maxDurationMs=119999"));
  }

  @Test
  void hasError_selectsRecordingsWithAndWithoutConsoleErrors() {
    assertEquals(set(1, 3, 6), list("hasError=true"));
    assertEquals(set(0, 2, 4, 5, 7), list("hasError=false"));
  }

  @Test
  void filters_combine() {
    assertEquals(set(1, 3), list("hasError=true&minDurationMs=5000"));
    assertEquals(set(3), list("hasError=true&page=" + WitnessApi.encode("/a_b/c") + "&from=" + at(1)));
    assertEquals(set(7), list("page=%2Ftwin&maxDurationMs=3000"));
  }

  @Test
  void limitAndCursor_walkEveryPageOnceNewestFirst() {
    List<String> all = api.listAll(window(), 200).stream().map(i -> i.path("id").asText()).toList();
    assertEquals(FIXTURES.size(), all.size());
    for (int limit : new int[] {1, 2, 3, 7, 8}) {
      List<String> walked = api.listAll(window(), limit).stream().map(i -> i.path("id").asText()).toList();
      assertEquals(all, walked, "the walk with limit " + limit + " gives the same list");
    }
    // The two recordings that start in the same millisecond come in a stable order on both sides of a cursor.
    assertEquals(Set.of(data.ids().get(6), data.ids().get(7)), Set.copyOf(all.subList(0, 2)));
    JsonNode first = api.getJson("/api/v1/recordings?" + window() + "&limit=3");
    assertEquals(3, first.path("items").size());
    JsonNode second = api.getJson("/api/v1/recordings?" + window() + "&limit=3&cursor="
        + WitnessApi.encode(first.path("nextCursor").asText()));
    assertEquals(all.get(3), second.path("items").get(0).path("id").asText());
  }

  @Test
  void badParameters_answerValidationProblems() {
    for (String query : List.of("cursor=not-a-cursor", "cursor=" + WitnessApi.encode("bm90OmE6Y3Vyc29y"),
        "limit=0", "limit=201", "minDurationMs=-1", "from=yesterday", "to=" + WitnessApi.encode("2026-13-01"))) {
      api.get("/api/v1/recordings?" + query).assertProblem(400, "validation");
    }
  }
}
