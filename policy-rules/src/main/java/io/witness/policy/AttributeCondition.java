package io.witness.policy;

import java.util.Optional;
import java.util.Set;

/**
 * One attribute test of a compound selector. {@code #x} is {@code [id=x]} and {@code .x} is {@code [class~=x]}, as
 * in the CSS specification, so ids and classes are tested here too. Comparisons walk the characters in place: no
 * regular expressions, no splitting, no allocation.
 */
final class AttributeCondition {
  enum Operator {
    EXISTS(""),
    EQUALS("="),
    INCLUDES("~="),
    DASH_MATCH("|="),
    PREFIX("^="),
    SUFFIX("$="),
    SUBSTRING("*=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  /**
   * Attributes whose values HTML documents compare ASCII case-insensitively when the selector has no flag
   * (https://html.spec.whatwg.org/#case-sensitivity-of-selectors). Browsers apply this to HTML elements only; the
   * server's element view has no namespace, so it applies to every element, which can only widen a mask.
   */
  private static final Set<String> CASE_INSENSITIVE_IN_HTML = Set.of(
      "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked", "clear", "codetype",
      "color", "compact", "declare", "defer", "dir", "direction", "disabled", "enctype", "face", "frame", "hreflang",
      "http-equiv", "lang", "language", "link", "media", "method", "multiple", "nohref", "noresize", "noshade",
      "nowrap", "readonly", "rel", "rev", "rules", "scope", "scrolling", "selected", "shape", "target", "text", "type",
      "valign", "valuetype", "vlink");

  private final String name;
  private final Operator operator;
  private final String value;
  private final boolean ignoreCase;
  /** CSS says these never match: {@code ~=} with an empty value or one with white space, an empty prefix etc. */
  private final boolean impossible;

  private AttributeCondition(String name, Operator operator, String value, boolean ignoreCase) {
    this.name = name;
    this.operator = operator;
    this.value = value;
    this.ignoreCase = ignoreCase;
    this.impossible = switch (operator) {
      case EXISTS, EQUALS, DASH_MATCH -> false;
      case INCLUDES -> value.isEmpty() || hasWhitespace(value);
      case PREFIX, SUFFIX, SUBSTRING -> value.isEmpty();
    };
  }

  static AttributeCondition exists(String name) {
    return new AttributeCondition(name, Operator.EXISTS, "", false);
  }

  /**
   * A value test; {@code ignoreCase} is the selector's {@code i} (true) or {@code s} (false) flag, empty without a
   * flag.
   */
  static AttributeCondition of(String name, Operator operator, String value, Optional<Boolean> ignoreCase) {
    boolean fold = ignoreCase.orElseGet(() -> CASE_INSENSITIVE_IN_HTML.contains(name));
    return new AttributeCondition(name, operator, value, fold);
  }

  boolean matches(SelectorElement element) {
    if (impossible) {
      return false;
    }
    Optional<String> attribute = element.attribute(name);
    if (attribute.isEmpty()) {
      return false;
    }
    String actual = attribute.get();
    return switch (operator) {
      case EXISTS -> true;
      case EQUALS -> CssText.equals(actual, value, ignoreCase);
      case INCLUDES -> includes(actual);
      case DASH_MATCH -> CssText.regionEquals(actual, 0, value, ignoreCase)
          && (actual.length() == value.length() || actual.charAt(value.length()) == '-');
      case PREFIX -> CssText.regionEquals(actual, 0, value, ignoreCase);
      case SUFFIX -> CssText.regionEquals(actual, actual.length() - value.length(), value, ignoreCase);
      case SUBSTRING -> contains(actual);
    };
  }

  /** Whether one of the white-space separated words of {@code actual} is the value. */
  private boolean includes(String actual) {
    int i = 0;
    int n = actual.length();
    while (i < n) {
      while (i < n && CssText.isWhitespace(actual.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !CssText.isWhitespace(actual.charAt(i))) {
        i++;
      }
      if (i - start == value.length() && CssText.regionEquals(actual, start, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  private boolean contains(String actual) {
    for (int offset = 0; offset <= actual.length() - value.length(); offset++) {
      if (CssText.regionEquals(actual, offset, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (CssText.isWhitespace(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return operator == Operator.EXISTS ? "[" + name + "]"
        : "[" + name + operator.symbol + '"' + value + '"' + (ignoreCase ? " i]" : "]");
  }
}
