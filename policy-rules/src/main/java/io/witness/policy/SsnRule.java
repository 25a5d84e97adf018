package io.witness.policy;

import static io.witness.policy.Chars.allDigits;
import static io.witness.policy.Chars.value;

/**
 * US social security numbers: {@code AAA-GG-SSSS} or {@code AAA GG SSSS} (one separator used twice), never area 000,
 * 666 or 900 to 999, group 00 or serial 0000; not inside a dotted or dashed number (see {@link Chars#numberStart}).
 */
final class SsnRule {
  private static final int LENGTH = 11;

  private SsnRule() {}

  /** Whether an SSN may start at a digit run of {@code run} digits followed by {@code next} (cheap pre-check). */
  static boolean plausible(int run, char next) {
    return run == 3 && (next == '-' || next == ' ');
  }

  /** The end of the SSN starting at {@code start} (a number start, three digits and a separator), or -1. */
  static int match(CharSequence s, int start, int n) {
    int end = start + LENGTH;
    if (end > n) {
      return -1;
    }
    char sep = s.charAt(start + 3);
    if (s.charAt(start + 6) != sep || !allDigits(s, start + 4, 2) || !allDigits(s, start + 7, 4)
        || !Chars.numberEnd(s, end)) {
      return -1;
    }
    int area = value(s, start, 3);
    if (area == 0 || area == 666 || area >= 900 || value(s, start + 4, 2) == 0 || value(s, start + 7, 4) == 0) {
      return -1;
    }
    return end;
  }
}
