package io.witness.policy;

import static io.witness.policy.Chars.isDigit;
import static io.witness.policy.Chars.isUpper;

/**
 * International bank account numbers (ISO 13616): a country code of two upper-case letters, two check digits and
 * 11 to 30 upper-case letters or digits, written as one run or in groups of four separated by single spaces (the
 * last group may be shorter). The whole must be 15 to 34 characters, exactly the registered length for the
 * countries in {@link #LENGTHS}, and its mod-97 remainder (country and check digits moved to the end, letters as
 * 10 to 35) must be 1.
 */
final class IbanRule {
  private static final int MIN_LENGTH = 15;
  private static final int MAX_LENGTH = 34;
  /** Registered lengths (SWIFT IBAN registry) of the countries whose IBANs we check exactly. */
  private static final String LENGTHS = "AT20 BE16 BG22 CH21 CY28 CZ24 DE22 DK18 EE20 ES24 FI18 FR27 GB22 GR27 HR21 "
      + "HU28 IE22 IS26 IT27 LI21 LT20 LU20 LV21 MC27 MT31 NL18 NO15 PL28 PT25 RO24 SE24 SI19 SK24 SM27";
  private static final byte[] LENGTH_BY_COUNTRY = new byte[26 * 26];

  static {
    for (int i = 0; i < LENGTHS.length(); i += 5) {
      byte length = Byte.parseByte(LENGTHS.substring(i + 2, i + 4));
      LENGTH_BY_COUNTRY[index(LENGTHS.charAt(i), LENGTHS.charAt(i + 1))] = length;
    }
  }

  private IbanRule() {}

  /** The end of the IBAN starting at {@code start}: a word start, two upper-case letters and two digits; or -1. */
  static int match(CharSequence s, int start, int n) {
    int registered = LENGTH_BY_COUNTRY[index(s.charAt(start), s.charAt(start + 1))];
    int min = registered > 0 ? registered : MIN_LENGTH;
    int max = registered > 0 ? registered : MAX_LENGTH;
    int count = 4;
    int p = start + 4;
    if (p < n && s.charAt(p) == ' ') {
      while (count < max && p + 1 < n && s.charAt(p) == ' ' && isIbanChar(s.charAt(p + 1))) {
        int g = p + 1;
        int e = g;
        while (e < n && e - g < 4 && count < max && isIbanChar(s.charAt(e))) {
          e++;
          count++;
        }
        p = e;
        if (e - g < 4) {
          break;
        }
      }
    } else {
      while (p < n && count < max && isIbanChar(s.charAt(p))) {
        p++;
        count++;
      }
    }
    if (count < min || !Chars.wordEnd(s, p)) {
      return -1;
    }
    return remainder(s, start, p) == 1 ? p : -1;
  }

  /** The ISO 7064 mod-97 remainder of the IBAN in {@code [start, end)}, spaces skipped. */
  static int remainder(CharSequence s, int start, int end) {
    int r = 0;
    for (int i = start + 4; i < end; i++) {
      r = step(r, s.charAt(i));
    }
    for (int i = start; i < start + 4; i++) {
      r = step(r, s.charAt(i));
    }
    return r;
  }

  private static int step(int r, char c) {
    if (isDigit(c)) {
      return (r * 10 + (c - '0')) % 97;
    }
    if (isUpper(c)) {
      return (r * 100 + (c - 'A' + 10)) % 97;
    }
    return r;
  }

  private static boolean isIbanChar(char c) {
    return isDigit(c) || isUpper(c);
  }

  private static int index(char a, char b) {
    return (a - 'A') * 26 + (b - 'A');
  }
}
