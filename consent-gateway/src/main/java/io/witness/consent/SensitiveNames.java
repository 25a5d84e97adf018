package io.witness.consent;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Names that say an element holds a secret or personal data: an input named {@code password}, a cell under a
 * "Password" column, a {@code data-private} attribute. The default policy masks the text of such elements
 * ("elements matching PII patterns masked"), because a page may echo what was typed into a masked field.
 */
final class SensitiveNames {
  private static final Pattern NAME = Pattern.compile(
      "(?:^|[^a-z])(?:pass(?:word|wd|code|phrase)?|pwd|secret|pin|ssn|social.?security|cvv|cvc|csc"
          + "|iban|card.?(?:number|no|num)|cc.?(?:number|num|csc|exp)|account.?(?:number|no)|routing.?(?:number|no)"
          + "|tax.?id|date.?of.?birth|dob)(?:$|[^a-z])");
  private static final String[] ATTRIBUTES = {"id", "name", "class", "placeholder", "aria-label", "autocomplete",
      "title", "data-testid"};

  private SensitiveNames() {}

  /** Values seen before (class names and ids repeat on every page): most answers are a map lookup. */
  private static final Map<String, Boolean> SEEN = new ConcurrentHashMap<>();
  private static final int SEEN_MAX = 50_000;

  /** Whether a name, label or header text reads as sensitive. */
  static boolean matches(String text) {
    if (text == null || text.isEmpty() || text.length() > 200) {
      return false;
    }
    Boolean known = SEEN.get(text);
    if (known != null) {
      return known;
    }
    boolean sensitive = NAME.matcher(text.toLowerCase(Locale.ROOT).replace('_', '-')).find();
    if (SEEN.size() >= SEEN_MAX) {
      SEEN.clear();
    }
    SEEN.put(text, sensitive);
    return sensitive;
  }

  /** Whether an element's identifying attributes (or a {@code data-private} / {@code data-sensitive}) say so. */
  static boolean element(DomNode e) {
    if (e.attributes == null) {
      return false; // a text node, or attributes already dropped once the flags were known
    }
    if (e.attributes.containsKey("data-private") || e.attributes.containsKey("data-sensitive")) {
      return true;
    }
    for (String a : ATTRIBUTES) {
      if (matches(e.attributes.get(a))) {
        return true;
      }
    }
    return false;
  }
}
