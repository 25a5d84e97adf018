package io.witness.policy;

/**
 * Character classes and boundaries shared by the PII rules. ASCII is tested with comparisons; characters outside
 * ASCII count as letters or digits when {@link Character#isLetterOrDigit(char)} says so, so "é4111…" is one word.
 */
final class Chars {
  private Chars() {}

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isAsciiAlnum(char c) {
    return isDigit(c) || isAsciiLetter(c);
  }

  static boolean isAlnum(char c) {
    return c < 128 ? isAsciiAlnum(c) : Character.isLetterOrDigit(c);
  }

  /** Whether a word may start at {@code i}: the text starts there or the character before is no letter or digit. */
  static boolean wordStart(CharSequence s, int i) {
    return i == 0 || !isAlnum(s.charAt(i - 1));
  }

  /** Whether a word may end at {@code i}: the text ends there or the character at {@code i} is no letter or digit. */
  static boolean wordEnd(CharSequence s, int i) {
    return i >= s.length() || !isAlnum(s.charAt(i));
  }

  /**
   * A {@link #wordStart} that is also not the continuation of a dotted or dashed number: "2024-01-15" and
   * "1.2.415.555.0132" hold no number starting after their first dash or dot.
   */
  static boolean numberStart(CharSequence s, int i) {
    if (i == 0) {
      return true;
    }
    char p = s.charAt(i - 1);
    if (p == '-' || p == '.') {
      return i < 2 || !isDigit(s.charAt(i - 2));
    }
    return !isAlnum(p);
  }

  /** Whether {@code i} follows a decimal point ("3.14159265358979": no card starts after the dot). */
  static boolean afterDecimalPoint(CharSequence s, int i) {
    return i >= 2 && s.charAt(i - 1) == '.' && isDigit(s.charAt(i - 2));
  }

  /** A {@link #wordEnd} that is not followed by a dash or dot and a digit ("415-555-0132-7" has no phone). */
  static boolean numberEnd(CharSequence s, int i) {
    int n = s.length();
    if (i >= n) {
      return true;
    }
    char c = s.charAt(i);
    if (c == '-' || c == '.') {
      return i + 1 >= n || !isDigit(s.charAt(i + 1));
    }
    return !isAlnum(c);
  }

  /** The end of the run of ASCII digits that starts at {@code i} ({@code i} itself when there is none). */
  static int digitsEnd(CharSequence s, int i, int n) {
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Whether {@code len} ASCII digits start at {@code i} (the caller checked {@code i + len <= length}). */
  static boolean allDigits(CharSequence s, int i, int len) {
    for (int k = i; k < i + len; k++) {
      if (!isDigit(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** The value of {@code len} ASCII digits at {@code i} (checked by the caller). */
  static int value(CharSequence s, int i, int len) {
    int v = 0;
    for (int k = i; k < i + len; k++) {
      v = v * 10 + (s.charAt(k) - '0');
    }
    return v;
  }
}
