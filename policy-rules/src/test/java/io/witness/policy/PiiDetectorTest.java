package io.witness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of every kind with the numbers their issuers publish for testing, the API contract, and redaction. */
class PiiDetectorTest {
  private static final PiiDetector ALL = PiiDetector.all();

  /** The matches of {@code text} as "kind:matched text". */
  private static List<String> found(PiiDetector d, String text) {
    List<String> out = new ArrayList<>();
    for (PiiMatch m : d.scan(text)) {
      out.add(m.kind().wire() + ":" + text.substring(m.start(), m.end()));
    }
    assertEquals(!out.isEmpty(), d.contains(text), "contains() agrees with scan() on: " + text);
    return out;
  }

  private static List<String> found(String text) {
    return found(ALL, text);
  }

  /** Each value alone, and inside a sentence, is exactly one match of {@code kind} covering the value. */
  private static void assertFound(PiiKind kind, String... values) {
    for (String v : values) {
      assertEquals(List.of(kind.wire() + ":" + v), found(v), v);
      assertEquals(List.of(kind.wire() + ":" + v), found("see " + v + ", thanks"), v);
    }
  }

  /** Neither the value alone nor inside a sentence holds any match. */
  private static void assertClean(String... values) {
    for (String v : values) {
      assertEquals(List.of(), found(v), v);
      assertEquals(List.of(), found("see " + v + ", thanks"), v);
    }
  }

  @Test
  void scan_testPansOfTheCardSchemes() {
    assertFound(PiiKind.CARD, "4111111111111111", "4012888888881881", "4222222222222", "5555555555554444",
        "5105105105105100", "2223003122003222", "378282246310005", "371449635398431", "6011111111111117",
        "6011000990139424", "30569309025904", "3530111333300000", "6011000990139424009");
  }

  @Test
  void scan_groupedPans() {
    assertFound(PiiKind.CARD, "4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005", "3714-496353-98431",
        "3056 930902 5904", "6011 0009 9013 9424 009");
    assertEquals(List.of("card:4111 1111 1111 1111"), found("4111 1111 1111 1111 2025"), "longest valid prefix");
    assertEquals(List.of("card:4111 1111 1111 1111"), found("4111 1111 1111 1111 1111 1111"), "at most 19 digits");
  }

  @Test
  void scan_panInsideMarkupUrlsAndJson() {
    assertEquals(List.of("card:4111111111111111"), found("https://shop.test/pay?pan=4111111111111111&cvc=123"));
    assertEquals(List.of("card:5555555555554444"), found("{\"card\":\"5555555555554444\"}"));
    assertEquals(List.of("card:4111111111111111"), found("card_4111111111111111"));
    assertEquals(List.of("card:4111111111111111"), found("+4111111111111111"));
  }

  @Test
  void scan_luhnInvalidOrUnboundedDigits() {
    assertClean("4111111111111112", "4111 1111 1111 1112", "1234567812345678", "1575599819000",
        "411111111111", "41111111111111111111", "94111111111111111111",
        "411 1111 1111 1111 1", "4111 11 1111 1111 111", "4111 1111-1111 1111", "41111 11111111111");
    assertClean("abc4111111111111111", "4111111111111111xyz", "é4111111111111111", "width: 33.33333333333333%");
  }

  @Test
  void scan_validSsns() {
    assertFound(PiiKind.SSN, "123-45-6789", "123 45 6789", "078-05-1120", "899-99-9999", "665-01-0001");
  }

  @Test
  void scan_invalidSsns() {
    assertClean("000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
        "123456789", "123-456789", "12-345-6789", "123-45-67890", "1234-45-6789", "123-45 6789", "123 45-6789");
    assertClean("a123-45-6789", "123-45-6789b", "9.123-45-6789", "123-45-6789-1", "123-45-6789.5");
  }

  @Test
  void scan_emails() {
    assertFound(PiiKind.EMAIL, "john.doe@example.com", "a+tag@sub.example.co.uk", "X_Y%z@ex-ample.org",
        "user123@mail2.example.io", "first.last-name@example.museum");
    assertEquals(List.of("email:jane@example.com"), found("mailto:jane@example.com?subject=hi"));
    assertEquals(List.of("email:bob@example.com"), found("<bob@example.com>"));
    assertEquals(List.of("email:tom@example.com"), found("...tom@example.com."));
  }

  @Test
  void scan_notEmails() {
    assertClean("@media screen", "@font-face", "logo@2x.png", "icon@3x.JPG", "user@localhost", "a@b.c",
        "npm i left-pad@1.3.0", "x@.com", "@example.com", "foo@bar", "a@b.c1", "jsoneditor@10.4.3");
  }

  @Test
  void scan_internationalPhones() {
    assertFound(PiiKind.PHONE, "+1 (415) 555-0132", "+44 20 7946 0958", "+4915112345679", "+33 1 23 45 67 89",
        "+49-30-1234567", "+41.44.668.18.00", "+44 (0) 20 7946 0958", "+12345678");
  }

  @Test
  void scan_northAmericanPhones() {
    assertFound(PiiKind.PHONE, "(415) 555-0132", "(415)555-0132", "(415) 555.0132", "415-555-0132", "415.555.0132",
        "1-415-555-0132", "212-123-4567");
  }

  @Test
  void scan_phoneLookalikes() {
    assertClean("4155550132", "14155550132", "2024-01-15", "2024-01-15T10:30:00Z", "10:30:15", "v1.2.3",
        "1.2.3.4", "192.168.100.200", "12px 14px", "width: 1280px; height: 800px", "0.5 1.5 2.5");
    assertClean("+1234567", "+1234567890123456", "+0 800 123 4567", "123-456-7890", "415 555 0132",
        "415-555-01321", "1.415.555.0132.5", "415-555-0132-9", "5.415.555.0132", "calc(100% + 12px)",
        "rgb(255, 255, 255)", "translate(120px, 415px)", "x+12345678", "2.22.3", "10.15.7", "(415) 555-013");
  }

  @Test
  void scan_validIbans() {
    assertFound(PiiKind.IBAN, "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300",
        "CH9300762011623852957", "AT611904300234573201", "BE68539007547034", "BE68 5390 0754 7034",
        "ES9121000418450200051332", "IT60X0542811101000000123456", "NO9386011117947",
        "SA0380000000608010167519", "MU17BOMM0101101030300200000MUR");
  }

  @Test
  void scan_ibansSideBySide() {
    assertEquals(List.of("iban:DE89370400440532013000", "iban:GB82WEST12345698765432"),
        found("DE89370400440532013000 GB82WEST12345698765432"));
    assertEquals(List.of("iban:NL91ABNA0417164300", "iban:BE68 5390 0754 7034"),
        found("IBAN:NL91ABNA0417164300/BE68 5390 0754 7034 THANKS"));
  }

  @Test
  void scan_invalidIbans() {
    assertClean("DE89 3704 0044 0532 0130 01", "GB82WEST12345698765433", "DE8937040044053201300",
        "DE893704004405320130000", "XDE89370400440532013000", "de89370400440532013000", "DE89 3704 0044 0532 013 000",
        "DE89  3704 0044 0532 0130 00", "GB82WEST1234", "ZZ12");
  }

  @Test
  void scan_severalKindsInTextOrder() {
    String text = "Mail a@b.io, call (415) 555-0132, SSN 123-45-6789, IBAN DE89370400440532013000, card "
        + "4111 1111 1111 1111 or +44 20 7946 0958.";
    assertEquals(List.of("email:a@b.io", "phone:(415) 555-0132", "ssn:123-45-6789", "iban:DE89370400440532013000",
        "card:4111 1111 1111 1111", "phone:+44 20 7946 0958"), found(text));
    List<PiiMatch> matches = ALL.scan(text);
    for (int i = 1; i < matches.size(); i++) {
      assertTrue(matches.get(i - 1).end() <= matches.get(i).start(), "ordered, no overlap");
    }
  }

  @Test
  void scan_pageTextCssAndNonLatinText() {
    assertEquals(List.of(), found("margin: 0 auto; padding: 12px 14px; font: 400 1rem/1.5 'Nunito'; color: #4e73df; "
        + "transform: matrix(0.707107, 0.707107, -0.707107, 0.707107, 0, 0); unicode-range: U+0000-00FF, U+0131"));
    assertEquals(List.of(), found("Showing 1 to 10 of 57 entries. Tiger Nixon, System Architect, Edinburgh, 61, "
        + "2011/04/25, $320,800. Build 2.2.2 (2024-01-15 10:30:15), id 1575599819000, size 1280x800"));
    assertEquals(List.of("phone:415-555-0132", "email:li.wei@example.cn"),
        found("电话：415-555-0132，邮件 li.wei@example.cn"));
    assertEquals(List.of("phone:+33 1 23 45 67 89"), found("Tél : +33 1 23 45 67 89 ☎"));
    assertEquals(List.of(PiiKind.CARD), ALL.scan(CharBuffer.wrap("pan 4111111111111111")).stream()
        .map(PiiMatch::kind).toList());
  }

  @Test
  void scan_overlapPrefersCard() {
    assertEquals(List.of("card:4111111111111111"), found("4111111111111111@example.com"));
    assertEquals(List.of("card:4111111111111111"), found("+4111111111111111"));
    assertEquals(List.of("card:4915112345678"), found("tel:+4915112345678"), "a Luhn-valid E.164 run");
    assertEquals(List.of("phone:+14155550132"), found("+14155550132@sms.example.com"));
    assertEquals(List.of("card:4111 1111 1111 1111"), found("+49 4111 1111 1111 1111"));
  }

  @Test
  void scan_onlyTheChosenKinds() {
    String text = "4111111111111111 a@b.io 123-45-6789 415-555-0132 GB82WEST12345698765432";
    PiiDetector emails = new PiiDetector(EnumSet.of(PiiKind.EMAIL));
    assertEquals(List.of("email:a@b.io"), found(emails, text));
    PiiDetector noCards = new PiiDetector(EnumSet.complementOf(EnumSet.of(PiiKind.CARD)));
    assertEquals(List.of("email:a@b.io", "ssn:123-45-6789", "phone:415-555-0132", "iban:GB82WEST12345698765432"),
        found(noCards, text));
    assertEquals(List.of("iban:GB82WEST12345698765432"), found(new PiiDetector(Set.of(PiiKind.IBAN)), text));
    assertEquals(List.of(), found(new PiiDetector(Set.of()), text));
    assertEquals(List.of("phone:+4111111111111"), found(new PiiDetector(Set.of(PiiKind.PHONE)), "+4111111111111"));
  }

  @Test
  void scan_cleanTextIsListOf() {
    assertSame(List.of(), ALL.scan("Nothing here: 12px, 2024-01-15, v1.2.3, @media, Hello World"));
    assertSame(List.of(), ALL.scan(""));
    assertFalse(ALL.contains(""));
    assertThrows(UnsupportedOperationException.class, () -> ALL.scan("a@b.io").clear());
  }

  @Test
  void redact_replacesEachMatchByItsMarker() {
    assertEquals("Card [card], mail [email], call [phone] or [phone], SSN [ssn], IBAN [iban].",
        ALL.redact("Card 4111 1111 1111 1111, mail jane@example.com, call +1 (415) 555-0132 or 415.555.0132, "
            + "SSN 123-45-6789, IBAN DE89 3704 0044 0532 0130 00."));
    assertEquals("[card]", ALL.redact("4111111111111111"));
    assertEquals("[email][email]", ALL.redact("a@b.io") + ALL.redact("x@y.org"));
  }

  @Test
  void redact_cleanTextIsTheSameInstance() {
    String clean = new String("width: 1280px; 2024-01-15 at 10:30; version 2.2.2; 4111111111111112");
    assertSame(clean, ALL.redact(clean));
    assertSame(clean, new PiiDetector(EnumSet.of(PiiKind.IBAN)).redact(clean));
  }

  @Test
  void wire_roundTripsEveryKind() {
    assertEquals(List.of("card", "ssn", "email", "phone", "iban"),
        EnumSet.allOf(PiiKind.class).stream().map(PiiKind::wire).toList());
    for (PiiKind k : PiiKind.values()) {
      assertEquals(Optional.of(k), PiiKind.fromWire(k.wire()));
    }
    assertEquals(Optional.empty(), PiiKind.fromWire("CARD"));
    assertEquals(Optional.empty(), PiiKind.fromWire(""));
  }

  @Test
  void match_rejectsEmptyOrNegativeRanges() {
    assertThrows(IllegalArgumentException.class, () -> new PiiMatch(PiiKind.CARD, -1, 3));
    assertThrows(IllegalArgumentException.class, () -> new PiiMatch(PiiKind.CARD, 3, 3));
    assertThrows(NullPointerException.class, () -> new PiiMatch(null, 0, 3));
  }
}
