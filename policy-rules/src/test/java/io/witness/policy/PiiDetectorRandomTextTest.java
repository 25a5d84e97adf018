package io.witness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random texts: the API's invariants hold on text made of the characters the rules look at (no exception at
 * any end of the text, ordered non-overlapping matches, contains/scan/redact agreeing), and every Luhn-valid PAN
 * planted in prose is found, plain or grouped.
 */
class PiiDetectorRandomTextTest {
  private static final String ALPHABET = "0123456789012345678901234567890123456789 --..()+@ABDEGNXZaex_%/:";
  private static final PiiDetector ALL = PiiDetector.all();

  @Test
  void scan_randomTextKeepsTheInvariants() {
    Random random = new Random(20_240_115);
    List<PiiDetector> detectors = List.of(ALL, new PiiDetector(EnumSet.of(PiiKind.PHONE)),
        new PiiDetector(EnumSet.of(PiiKind.CARD, PiiKind.EMAIL)), new PiiDetector(EnumSet.of(PiiKind.IBAN)),
        new PiiDetector(EnumSet.noneOf(PiiKind.class)));
    for (int round = 0; round < 100_000; round++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(48);
      for (int i = 0; i < length; i++) {
        b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String text = b.toString();
      for (PiiDetector d : detectors) {
        assertInvariants(d, text);
      }
    }
  }

  @Test
  void scan_neverMissesAPlantedPan() {
    Random random = new Random(4_111_111);
    for (int round = 0; round < 20_000; round++) {
      String pan = luhnValidPan(random);
      String shown = switch (round % 3) {
        case 0 -> pan;
        case 1 -> grouped(pan, ' ');
        default -> grouped(pan, '-');
      };
      String text = words(random) + shown + words(random).stripTrailing();
      List<PiiMatch> matches = ALL.scan(text);
      assertEquals(1, matches.size(), text);
      PiiMatch m = matches.get(0);
      assertEquals(PiiKind.CARD, m.kind(), text);
      assertEquals(shown, text.substring(m.start(), m.end()), text);
    }
  }

  private static void assertInvariants(PiiDetector d, String text) {
    List<PiiMatch> matches = d.scan(text);
    assertEquals(!matches.isEmpty(), d.contains(text), text);
    StringBuilder redacted = new StringBuilder();
    int last = 0;
    for (PiiMatch m : matches) {
      assertTrue(m.start() >= last && m.end() <= text.length(), text);
      redacted.append(text, last, m.start()).append('[').append(m.kind().wire()).append(']');
      last = m.end();
    }
    redacted.append(text, last, text.length());
    String result = d.redact(text);
    assertEquals(redacted.toString(), result, text);
    if (matches.isEmpty()) {
      assertSame(text, result, text);
    } else {
      assertNotSame(text, result, text);
    }
  }

  /** A PAN of 13 to 19 digits whose first digit is 2 to 6 (the payment schemes) and whose last makes Luhn hold. */
  private static String luhnValidPan(Random random) {
    int length = 13 + random.nextInt(7);
    StringBuilder b = new StringBuilder().append((char) ('2' + random.nextInt(5)));
    while (b.length() < length - 1) {
      b.append((char) ('0' + random.nextInt(10)));
    }
    for (char check = '0'; check <= '9'; check++) {
      String candidate = b.toString() + check;
      if (CardRule.luhn(candidate, 0, candidate.length())) {
        return candidate;
      }
    }
    throw new AssertionError("one check digit always fits");
  }

  /** The PAN in groups of four, the last group of 3 to 6 digits ("4111 1111 1111 1111", "6011 0009 9013 9424 009"). */
  private static String grouped(String pan, char separator) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (pan.length() - i > 6) {
      b.append(pan, i, i + 4).append(separator);
      i += 4;
    }
    return b.append(pan, i, pan.length()).toString();
  }

  /** Zero to four lower-case words, each followed by a space or a punctuation mark and a space. */
  private static String words(Random random) {
    StringBuilder b = new StringBuilder(" ");
    for (int w = random.nextInt(5); w > 0; w--) {
      for (int i = 1 + random.nextInt(8); i > 0; i--) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      b.append(random.nextBoolean() ? " " : ": ");
    }
    return b.toString();
  }
}
