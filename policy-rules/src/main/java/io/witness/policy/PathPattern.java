package io.witness.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A URL path glob of a capture scope: {@code *} matches within one segment, {@code **} any number of segments
 * (also none: {@code /checkout/payment/**} matches {@code /checkout/payment} itself). Matching ignores case and is
 * done on the decoded, normalised path ({@code /a/./b/../c}, {@code %2F}, {@code %70ayment}), so that spelling a
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
   * The decoded, normalised, lower-case path of an absolute or relative URL; empty when it cannot be read (the
   * caller then treats the URL as out of scope).
   */
  public static Optional<String> normalisedPath(String url) {
    try {
      URI uri = new URI(url.strip());
      String path = uri.getPath();
      if (path == null) {
        return Optional.empty();
      }
      path = path.isEmpty() ? "/" : path;
      URI normal = new URI(null, null, path, null).normalize();
      String p = normal.getPath();
      if (p.startsWith("/..") || !p.startsWith("/")) {
        p = "/" + p.replaceFirst("^(/?\\.\\.)+/?", "");
      }
      return Optional.of(p.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
