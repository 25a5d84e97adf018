package io.witness.policy;

import static io.witness.policy.Chars.allDigits;
import static io.witness.policy.Chars.isDigit;

/**
 * Telephone numbers in two shapes.
 *
 * <ul>
 *   <li>International (E.164-like): {@code +}, a country code not starting with 0, then 8 to 15 digits in all,
 *       groups separated by one or two of space, dash, dot and parentheses ("+44 20 7946 0958",
 *       "+1 (415) 555-0132", "+4915112345678"). More than 15 digits is not a phone number at all.
 *   <li>North American: "(415) 555-0132", "(415)555.0132", "415-555-0132", "415.555.0132", "1-415-555-0132"; the
 *       area code starts with 2 to 9. Plain digit runs ("4155550132") and space-only groups are not phones: they
 *       are too often other numbers.
 * </ul>
 *
 * <p>Neither shape may sit inside a longer dotted or dashed number, so dates, versions and IP addresses stay.
 */
final class PhoneRule {
  private static final int MIN_DIGITS = 8;
  private static final int MAX_DIGITS = 15;

  private PhoneRule() {}

  /** Whether a North American number may start at a digit run of {@code run} digits followed by {@code next}. */
  static boolean plausible(int run, char first, char next) {
    return (run == 3 || (run == 1 && first == '1')) && (next == '-' || next == '.');
  }

  /** The end of the North American number starting at digit {@code start} (a number start), or -1. */
  static int nanp(CharSequence s, int start, int n) {
    int p = start;
    char sep = s.charAt(start + 1);
    if (s.charAt(start) == '1' && (sep == '-' || sep == '.')) {
      p += 2;
    } else {
      sep = s.charAt(start + 3);
    }
    if (p + 12 > n || s.charAt(p + 3) != sep || s.charAt(p + 7) != sep || !area(s, p)
        || !allDigits(s, p + 4, 3) || !allDigits(s, p + 8, 4) || !Chars.numberEnd(s, p + 12)) {
      return -1;
    }
    return p + 12;
  }

  /** The end of the number "(AAA) EEE-NNNN" whose parenthesis is at {@code open} (a word start), or -1. */
  static int parenthesised(CharSequence s, int open, int n) {
    int p = open + 1;
    if (p + 4 > n || !area(s, p) || s.charAt(p + 3) != ')') {
      return -1;
    }
    p += 4;
    if (p < n && s.charAt(p) == ' ') {
      p++;
    }
    if (p + 8 > n || !allDigits(s, p, 3) || !allDigits(s, p + 4, 4) || !Chars.numberEnd(s, p + 8)) {
      return -1;
    }
    char sep = s.charAt(p + 3);
    return sep == '-' || sep == '.' || sep == ' ' ? p + 8 : -1;
  }

  /** The end of the international number whose {@code +} is at {@code plus} (a word start), or -1. */
  static int international(CharSequence s, int plus, int n) {
    int p = plus + 1;
    if (p < n && s.charAt(p) == '(') {
      p++;
    }
    if (p >= n || !isDigit(s.charAt(p)) || s.charAt(p) == '0') {
      return -1;
    }
    int digits = 0;
    int end = -1;
    while (true) {
      int e = Chars.digitsEnd(s, p, n);
      digits += e - p;
      if (digits > MAX_DIGITS) {
        return -1;
      }
      if (digits >= MIN_DIGITS && Chars.numberEnd(s, e)) {
        end = e;
      }
      int q = e;
      while (q < n && q < e + 2 && isSeparator(s.charAt(q))) {
        q++;
      }
      if (q == e || q >= n || !isDigit(s.charAt(q))) {
        return end;
      }
      p = q;
    }
  }

  private static boolean area(CharSequence s, int p) {
    char c = s.charAt(p);
    return c >= '2' && c <= '9' && isDigit(s.charAt(p + 1)) && isDigit(s.charAt(p + 2));
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
  }
}
