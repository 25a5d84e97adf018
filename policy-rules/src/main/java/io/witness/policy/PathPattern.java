package io.witness.policy;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A URL path glob of a capture scope: {@code *} matches within one segment, {@code **} any number of segments
 * (also none: {@code /checkout/payment/**} matches {@code /checkout/payment} itself). Matching ignores case and is
 * done on the decoded, normalised path ({@code /a/./b/../c}, {@code %70ayment}, {@code //}), so that spelling a
 * path differently does not slip past a deny rule.
 */
public final class PathPattern {
  private final String text;
  private final Pattern regex;

  private PathPattern(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  /** Compiles a glob; throws {@link IllegalArgumentException} saying what is wrong. */
  public static PathPattern compile(String glob) {
    if (!glob.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with \"/\", such as \"/checkout/**\"");
    }
    if (glob.contains("?") || glob.contains("#")) {
      throw new IllegalArgumentException("a path pattern matches the path only: no \"?\" or \"#\"");
    }
    StringBuilder re = new StringBuilder();
    String[] segments = glob.substring(1).split("/", -1);
    for (String segment : segments) {
      if (segment.equals("**")) {
        re.append("(?:/.*)?");
      } else if (segment.contains("**")) {
        throw new IllegalArgumentException("\"**\" must be a whole segment, as in \"/docs/**\"");
      } else {
        re.append('/');
        String[] parts = segment.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            re.append("[^/]*");
          }
          if (!parts[i].isEmpty()) {
            re.append(Pattern.quote(parts[i].toLowerCase(Locale.ROOT)));
          }
        }
      }
    }
    return new PathPattern(glob, Pattern.compile(re.toString()));
  }

  /** Whether the path (not a whole URL) matches. */
  public boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  /** The glob as written. */
  public String text() {
    return text;
  }

  /**
   * The decoded, normalised, lower-case path of an absolute or relative URL as a browser reports it (tolerant:
   * invalid escapes and characters a strict URI parser refuses, such as {@code "} or {@code %_}, are kept as they
   * are); empty only for an empty or blank URL.
   */
  public static Optional<String> normalisedPath(String url) {
    String u = url.strip();
    if (u.isEmpty()) {
      return Optional.empty();
    }
    int scheme = u.indexOf("://");
    int firstSpecial = indexOfAny(u, "/?#");
    if (scheme > 0 && (firstSpecial < 0 || scheme < firstSpecial)) {
      int pathStart = indexOfAny(u.substring(scheme + 3), "/?#");
      u = pathStart < 0 ? "/" : u.substring(scheme + 3 + pathStart);
    }
    int end = indexOfAny(u, "?#");
    String path = end < 0 ? u : u.substring(0, end);
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    return Optional.of(normalise(decode(path)).toLowerCase(Locale.ROOT));
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Decodes valid %XX escapes (as UTF-8); anything else stays. */
  private static String decode(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length() && hex(path.charAt(i + 1)) >= 0 && hex(path.charAt(i + 2)) >= 0) {
        out.write(hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }

  /** Removes "." and ".." segments and repeated slashes ("/a/./b/../c" → "/a/c"; ".." never climbs above "/"). */
  private static String normalise(String path) {
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        out.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        out.addLast(segment);
      }
    }
    String joined = "/" + String.join("/", out);
    return path.endsWith("/") && !joined.equals("/") ? joined + "/" : joined;
  }

  @Override
  public String toString() {
    return text;
  }
}
