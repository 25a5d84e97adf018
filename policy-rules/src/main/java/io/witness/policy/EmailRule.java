package io.witness.policy;

import static io.witness.policy.Chars.isAsciiAlnum;
import static io.witness.policy.Chars.isAsciiLetter;

import java.util.Locale;
import java.util.Set;

/**
 * E-mail addresses, found from their {@code @}: a local part of letters, digits and {@code ._%+-} (at most 64, not
 * starting with a dot) before it; after it, at least two labels of letters, digits and hyphens separated by dots,
 * the last (the top-level domain) of two or more letters only. Retina asset names ("logo@2x.png") are not
 * addresses: a top-level domain that is a common file extension is refused.
 */
final class EmailRule {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 253;
  private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico",
      "bmp", "css", "js", "mjs", "map", "json", "html", "htm", "woff", "ttf", "otf", "eot", "mp4", "webm", "pdf");

  private EmailRule() {}

  /**
   * Where the local part before the {@code @} at {@code at} starts, not before {@code floor}; {@code at} itself when
   * there is no local part.
   */
  static int localStart(CharSequence s, int at, int floor) {
    int lowest = Math.max(floor, at - MAX_LOCAL);
    int b = at;
    while (b > lowest && isLocal(s.charAt(b - 1))) {
      b--;
    }
    while (b < at && s.charAt(b) == '.') {
      b++;
    }
    return b;
  }

  /** The end of the domain after the {@code @} at {@code at}, or -1 when there is no valid domain. */
  static int domainEnd(CharSequence s, int at, int n) {
    int max = Math.min(n, at + 1 + MAX_DOMAIN);
    int p = at + 1;
    int labels = 0;
    int end = -1;
    int tld = -1;
    while (p < max && isAsciiAlnum(s.charAt(p))) {
      int e = p;
      boolean letters = true;
      while (e < max && isLabel(s.charAt(e))) {
        letters &= isAsciiLetter(s.charAt(e));
        e++;
      }
      labels++;
      if (labels >= 2 && letters && e - p >= 2) {
        end = e;
        tld = p;
      }
      if (e + 1 >= max || s.charAt(e) != '.') {
        break;
      }
      p = e + 1;
    }
    if (end < 0 || FILE_EXTENSIONS.contains(s.subSequence(tld, end).toString().toLowerCase(Locale.ROOT))) {
      return -1;
    }
    return end;
  }

  private static boolean isLocal(char c) {
    return isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  private static boolean isLabel(char c) {
    return isAsciiAlnum(c) || c == '-';
  }
}
