package io.witness.policy;

import static io.witness.policy.Chars.isDigit;
import static io.witness.policy.Chars.wordEnd;

/**
 * Payment card numbers: 13 to 19 digits passing the Luhn check, written as one run or in groups separated by
 * single spaces or single dashes (the same separator throughout). Grouped, the first group has 4 to 6 digits and
 * every other group 3 to 6 (4-4-4-4, 4-6-5 Amex, 4-6-4 Diners, 4-4-4-4-3). A plain run of 13 to 19 digits is never
 * missed when it passes Luhn, with two exceptions: a run right after a decimal point ("33.33333333333333", checked by
 * the caller) and a 13-digit run starting with 1, the shape of an epoch-millisecond timestamp (2001 to 2033): the
 * only 13-digit PANs ever issued are Visa's, which start with 4. Longer runs are not cards. When groups follow on,
 * the longest Luhn-valid prefix wins.
 */
final class CardRule {
  static final int MIN_DIGITS = 13;
  static final int MAX_DIGITS = 19;

  private CardRule() {}

  /** Whether a card may start at a digit run of {@code run} digits followed by {@code next} (cheap pre-check). */
  static boolean plausible(int run, char next) {
    return (run >= MIN_DIGITS && run <= MAX_DIGITS) || (run >= 4 && run <= 6 && (next == ' ' || next == '-'));
  }

  /**
   * The end of the card number whose first digit run is {@code [start, runEnd)}, or -1. The caller checked that
   * {@code start} begins a word.
   */
  static int match(CharSequence s, int start, int runEnd, int n) {
    int run = runEnd - start;
    if (!wordEnd(s, runEnd) || run > MAX_DIGITS) {
      return -1;
    }
    if (run >= MIN_DIGITS) {
      boolean timestamp = run == MIN_DIGITS && s.charAt(start) == '1';
      return !timestamp && luhn(s, start, runEnd) ? runEnd : -1;
    }
    if (run < 4 || run > 6 || runEnd + 1 >= n) {
      return -1;
    }
    char sep = s.charAt(runEnd);
    int digits = run;
    int best = -1;
    int p = runEnd;
    while (p + 1 < n && s.charAt(p) == sep) {
      int g = p + 1;
      int e = Chars.digitsEnd(s, g, Math.min(n, g + 7));
      int len = e - g;
      if (len < 3 || len > 6 || !wordEnd(s, e)) {
        break;
      }
      digits += len;
      if (digits > MAX_DIGITS) {
        break;
      }
      if (digits >= MIN_DIGITS && luhn(s, start, e)) {
        best = e;
      }
      p = e;
    }
    return best;
  }

  /** The Luhn (mod 10) check over the digits in {@code [start, end)}; other characters are skipped. */
  static boolean luhn(CharSequence s, int start, int end) {
    int sum = 0;
    boolean twice = false;
    for (int i = end - 1; i >= start; i--) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }
}
