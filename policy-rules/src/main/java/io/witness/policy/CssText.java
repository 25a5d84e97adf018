package io.witness.policy;

/**
 * Character tests and comparisons shared by the selector parser and matcher. Case-insensitive here always means
 * ASCII case-insensitive, as CSS defines it: {@code A-Z} equal {@code a-z}, every other character only itself.
 */
final class CssText {
  private CssText() {}

  /** CSS white space: space, tab, line feed, carriage return, form feed. */
  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  static boolean isNewline(char c) {
    return c == '\n' || c == '\r' || c == '\f';
  }

  static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** A character that may start a CSS identifier (letter, underscore or non-ASCII), escapes aside. */
  static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  /** A character that may continue a CSS identifier, escapes aside. */
  static boolean isName(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '-';
  }

  static String asciiLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          chars[j] = lower(chars[j]);
        }
        return new String(chars);
      }
    }
    return s;
  }

  /**
   * Whether {@code s} holds {@code part} at {@code offset}, comparing exactly or ASCII case-insensitively. False when
   * {@code part} does not fit there.
   */
  static boolean regionEquals(String s, int offset, String part, boolean ignoreCase) {
    if (offset < 0 || offset > s.length() - part.length()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      char a = s.charAt(offset + i);
      char b = part.charAt(i);
      if (a != b && !(ignoreCase && lower(a) == lower(b))) {
        return false;
      }
    }
    return true;
  }

  static boolean equals(String s, String other, boolean ignoreCase) {
    return s.length() == other.length() && regionEquals(s, 0, other, ignoreCase);
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
