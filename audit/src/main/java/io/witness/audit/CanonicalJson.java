package io.witness.audit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON of a flat object of strings and integers: RFC 8785 (JCS) for this subset — members sorted by
 * name, no white space, strings with only {@code "}, {@code \} and control characters escaped (the short forms
 * where JSON has them, else {@code \}{@code u00xx} in lower case), integers in plain decimal. The same object
 * always gives the same bytes, which is what the audit log hashes. {@link #parse} reads such an object back and
 * refuses any text that is not exactly its canonical form.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** Values are {@link String} or {@link Long}; null values are left out. */
  public static byte[] write(Map<String, Object> members) {
    StringBuilder b = new StringBuilder(256).append('{');
    boolean first = true;
    for (Map.Entry<String, Object> m : new TreeMap<>(members).entrySet()) {
      if (m.getValue() == null) {
        continue;
      }
      if (!first) {
        b.append(',');
      }
      first = false;
      string(b, m.getKey());
      b.append(':');
      if (m.getValue() instanceof Long n) {
        b.append(n.longValue());
      } else if (m.getValue() instanceof String s) {
        string(b, s);
      } else {
        throw new IllegalArgumentException("only strings and integers: " + m.getKey());
      }
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /**
   * Reads a flat object of strings and integers, in member order. Throws {@link IllegalArgumentException} when the
   * text is not JSON of that shape or not in its canonical form (re-written, it must give the same bytes).
   */
  public static Map<String, Object> parse(byte[] text) {
    String s = new String(text, StandardCharsets.UTF_8);
    Map<String, Object> out = new LinkedHashMap<>();
    int[] at = {0};
    expect(s, at, '{');
    if (peek(s, at) != '}') {
      while (true) {
        String name = readString(s, at);
        expect(s, at, ':');
        Object value = peek(s, at) == '"' ? readString(s, at) : readInteger(s, at);
        if (out.put(name, value) != null) {
          throw new IllegalArgumentException("member \"" + name + "\" appears twice");
        }
        if (peek(s, at) == ',') {
          at[0]++;
          continue;
        }
        break;
      }
    }
    expect(s, at, '}');
    if (at[0] != s.length()) {
      throw new IllegalArgumentException("text after the object");
    }
    if (!java.util.Arrays.equals(write(out), text)) {
      throw new IllegalArgumentException("not in canonical form (RFC 8785)");
    }
    return out;
  }

  private static char peek(String s, int[] at) {
    if (at[0] >= s.length()) {
      throw new IllegalArgumentException("the object ends early");
    }
    return s.charAt(at[0]);
  }

  private static void expect(String s, int[] at, char c) {
    if (peek(s, at) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at character " + at[0]);
    }
    at[0]++;
  }

  private static String readString(String s, int[] at) {
    expect(s, at, '"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = peek(s, at);
      at[0]++;
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = peek(s, at);
      at[0]++;
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (at[0] + 4 > s.length()) {
            throw new IllegalArgumentException("a \\u escape ends early");
          }
          b.append((char) Integer.parseInt(s.substring(at[0], at[0] + 4), 16));
          at[0] += 4;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + e);
      }
    }
  }

  private static Long readInteger(String s, int[] at) {
    int start = at[0];
    if (peek(s, at) == '-') {
      at[0]++;
    }
    while (at[0] < s.length() && Character.isDigit(s.charAt(at[0]))) {
      at[0]++;
    }
    try {
      return Long.parseLong(s.substring(start, at[0]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a string or an integer at character " + start, e);
    }
  }
}
