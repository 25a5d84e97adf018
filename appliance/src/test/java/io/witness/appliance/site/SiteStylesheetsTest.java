package io.witness.appliance.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.platform.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteStylesheetsTest {
  /** A stylesheet as JSON string content (escaped quotes, a \\u escape, a newline), over the size remembered. */
  static final String CSS = ".a::before{content:\\\"\\u00e9 q\\\"}\\n" + ".row{margin:0 auto}".repeat(80);

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String sha256OfText() throws Exception {
    return sha256OfText(CSS);
  }

  static String sha256OfText(String escaped) throws Exception {
    // What the browser hashes: the stylesheet as text (JSON escapes undone), UTF-8.
    String text = new com.fasterxml.jackson.databind.ObjectMapper().readValue("\"" + escaped + "\"", String.class);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(text)));
  }

  @Test
  void find_hashesTheTextOfLongStylesheets_andRememberNamesThem() throws Exception {
    SiteStylesheets s = new SiteStylesheets();
    byte[] batch = bytes("{\"events\":[{\"type\":2,\"data\":{\"node\":{\"attributes\":{\"_cssText\":\"" + CSS
        + "\"}},\"childNodes\":[{\"attributes\":{\"_cssText\":\"b{x:1}\"}}]}}]}");
    List<SiteStylesheets.Found> found = s.find(batch, batch.length);
    assertEquals(1, found.size(), "short stylesheets are not remembered");
    assertEquals(sha256OfText(), found.get(0).hash());
    assertEquals(List.of(sha256OfText()), s.remember("site-1", found));
    assertEquals(List.of(sha256OfText()), s.recent("site-1", 32), "named in the browser's policy");
    assertEquals(List.of(), s.recent("site-2", 32));
  }

  @Test
  void indexOf_findsTheNeedleAtEitherEndAndOnlyWithinTheRange() {
    byte[] needle = "\"_css\"".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "\"_css\"..\"_cs\"_css\"".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, SiteStylesheets.indexOf(b, 0, b.length, needle));
    assertEquals(b.length - needle.length, SiteStylesheets.indexOf(b, 1, b.length, needle));
    assertEquals(-1, SiteStylesheets.indexOf(b, 1, b.length - 1, needle), "a needle cut by the range's end");
    assertEquals(-1, SiteStylesheets.indexOf(b, b.length - 2, b.length, needle));
    assertEquals(-1, SiteStylesheets.indexOf(new byte[0], 0, 0, needle));
  }

  @Test
  void indexOf_agreesWithAPlainSearch_atEveryOffsetAndWordBoundary() {
    byte[] needle = "\"_cssText\":\"".getBytes(StandardCharsets.US_ASCII);
    java.util.Random random = new java.util.Random(18);
    byte[] alphabet = "\"_cssText:ab\\{}".getBytes(StandardCharsets.US_ASCII);
    for (int round = 0; round < 2_000; round++) {
      byte[] b = new byte[random.nextInt(80)];
      for (int i = 0; i < b.length; i++) {
        b[i] = alphabet[random.nextInt(alphabet.length)];
      }
      if (b.length >= needle.length && random.nextBoolean()) {
        System.arraycopy(needle, 0, b, random.nextInt(b.length - needle.length + 1), needle.length);
      }
      int from = b.length == 0 ? 0 : random.nextInt(b.length);
      int to = from + random.nextInt(b.length - from + 1);
      assertEquals(plainIndexOf(b, from, to, needle), SiteStylesheets.indexOf(b, from, to, needle),
          "round " + round + ": " + new String(b, StandardCharsets.US_ASCII) + " [" + from + ", " + to + ")");
    }
  }

  private static int plainIndexOf(byte[] b, int from, int to, byte[] needle) {
    outer:
    for (int start = from; start + needle.length <= to; start++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[start + j] != needle[j]) {
          continue outer;
        }
      }
      return start;
    }
    return -1;
  }

  @Test
  void find_hashesAStylesheetSeenBefore_andNotAnotherOfTheSameLength() throws Exception {
    SiteStylesheets s = new SiteStylesheets();
    String other = CSS.replace('a', 'b');
    assertEquals(CSS.length(), other.length());
    for (String css : List.of(CSS, other, CSS, other)) {
      byte[] batch = bytes("{\"events\":[{\"attributes\":{\"_cssText\":\"" + css + "\"}}]}");
      List<SiteStylesheets.Found> found = s.find(batch, batch.length);
      assertEquals(1, found.size());
      assertEquals(sha256OfText(css), found.get(0).hash(), "the hash of this batch's own text");
    }
  }

  @Test
  void expand_putsTheStylesheetBack_exactlyAsItWasSent() throws Exception {
    SiteStylesheets s = new SiteStylesheets();
    String inline = "{\"events\":[{\"type\":2,\"data\":{\"node\":{\"attributes\":{\"_cssText\":\"" + CSS
        + "\",\"media\":\"all\"}}}}]}";
    byte[] sent = bytes(inline);
    s.remember("site-1", s.find(sent, sent.length));
    byte[] reference = bytes(inline.replace("\"_cssText\":\"" + CSS + "\"", "\"_cssText\":\"\",\"rr_css\":\"" + sha256OfText() + "\""));
    int[] n = new int[1];
    byte[] expanded = s.expand("site-1", reference, reference.length, n, 1 << 20);
    assertArrayEquals(sent, java.util.Arrays.copyOf(expanded, n[0]));
  }

  @Test
  void expand_withoutReferences_isTheSameArray() {
    byte[] body = bytes("{\"events\":[{\"type\":3,\"data\":{\"text\":\"\\\"_cssText\\\":\\\"\\\",\\\"rr_css\\\":\\\"\"}}]}");
    int[] n = new int[1];
    assertSame(body, new SiteStylesheets().expand("site-1", body, body.length, n, 1 << 20), "an escaped look-alike is text");
    assertEquals(body.length, n[0]);
  }

  @Test
  void expand_unknownOrAnotherSitesStylesheet_is409_malformedIs400_tooLargeIs413() throws Exception {
    SiteStylesheets s = new SiteStylesheets();
    byte[] sent = bytes("{\"_cssText\":\"" + CSS + "\"}");
    s.remember("site-1", s.find(sent, sent.length));
    byte[] reference = bytes("{\"_cssText\":\"\",\"rr_css\":\"" + sha256OfText() + "\"}");
    int[] n = new int[1];
    ProblemException other = assertThrows(ProblemException.class,
        () -> s.expand("site-2", reference, reference.length, n, 1 << 20));
    assertEquals(409, other.problem().status());
    assertEquals(io.witness.appliance.platform.ProblemType.STYLESHEET_UNKNOWN, other.problem().type());
    byte[] bad = bytes("{\"_cssText\":\"\",\"rr_css\":\"" + "Z".repeat(64) + "\"}");
    assertEquals(400, assertThrows(ProblemException.class, () -> s.expand("site-1", bad, bad.length, n, 1 << 20))
        .problem().status());
    assertEquals(413, assertThrows(ProblemException.class,
        () -> s.expand("site-1", reference, reference.length, n, 100)).problem().status());
  }

  @Test
  void remember_isBoundedByBytes_leastRecentlyUsedOut() {
    SiteStylesheets s = new SiteStylesheets();
    byte[] big = new byte[(int) (SiteStylesheets.MAX_BYTES / 3) + 1];
    List<String> first = s.remember("site-1", List.of(new SiteStylesheets.Found("a".repeat(64), big)));
    s.remember("site-1", List.of(new SiteStylesheets.Found("b".repeat(64), big)));
    s.remember("site-1", List.of(new SiteStylesheets.Found("c".repeat(64), big)));
    assertEquals(List.of("a".repeat(64)), first);
    byte[] reference = bytes("{\"_cssText\":\"\",\"rr_css\":\"" + "a".repeat(64) + "\"}");
    assertEquals(409, assertThrows(ProblemException.class,
        () -> s.expand("site-1", reference, reference.length, new int[1], Long.MAX_VALUE)).problem().status());
  }

  @Test
  void expand_looksUpAtMost32UnknownReferencesOfABatchInTheDatabase() {
    int[] lookups = new int[1];
    SiteStylesheets s = new SiteStylesheets();
    s.store = new StylesheetStore() {
      @Override
      public java.util.Optional<byte[]> load(String siteId, String hash) {
        lookups[0]++;
        return java.util.Optional.empty();
      }
    };
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 1_000; i++) {
      body.append(i == 0 ? "" : ",").append("{\"_cssText\":\"\",\"rr_css\":\"")
          .append(String.format("%064x", i)).append("\"}");
    }
    byte[] hostile = bytes(body.append(']').toString());
    assertEquals(409, assertThrows(ProblemException.class,
        () -> s.expand("site-1", hostile, hostile.length, new int[1], 1 << 20)).problem().status());
    assertEquals(SiteStylesheets.LOOKUPS_PER_BATCH, lookups[0], "a batch of made-up references costs 32 look-ups");
  }
}
