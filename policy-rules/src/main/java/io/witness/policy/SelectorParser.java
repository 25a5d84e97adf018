package io.witness.policy;

import io.witness.policy.AttributeCondition.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A recursive-descent parser for the selector subset {@link Selector} documents:
 *
 * <pre>
 * list     = complex ("," complex)*
 * complex  = compound ((" " | ">") compound)*
 * compound = (type | "*")? ("#" ident | "." ident | "[" attribute "]" | ":not(" compound ("," compound)* ")")*
 * </pre>
 *
 * It stops at the first problem with a {@link SelectorException} whose message names the column. Everything the
 * browser would accept but the server cannot evaluate the same way is refused here, with the reason.
 */
final class SelectorParser {
  /** Bounds the recursion of {@code :not(:not(...))}; no useful rule nests that deep. */
  private static final int MAX_NOT_DEPTH = 8;
  /** Pseudo-elements that CSS 2 also allowed with a single colon. */
  private static final Set<String> LEGACY_PSEUDO_ELEMENTS = Set.of("before", "after", "first-line", "first-letter");

  private final SelectorScanner in;
  private int notDepth;

  private SelectorParser(String text) {
    this.in = new SelectorScanner(text);
  }

  static ComplexSelector[] parse(String text) {
    return new SelectorParser(text).list();
  }

  private ComplexSelector[] list() {
    in.skipWhitespace();
    if (in.atEnd()) {
      throw in.error("empty selector", 0);
    }
    List<ComplexSelector> alternatives = new ArrayList<>();
    alternatives.add(complex(""));
    while (!in.atEnd()) {
      if (in.peek() != ',') {
        throw in.unexpected(in.position());
      }
      in.advance(1);
      in.skipWhitespace();
      alternatives.add(complex("expected a selector after ','"));
    }
    return alternatives.toArray(new ComplexSelector[0]);
  }

  /** Reads compounds and combinators up to a ',', ')' or the end, after skipping the white space before it. */
  private ComplexSelector complex(String hint) {
    List<CompoundSelector> compounds = new ArrayList<>();
    List<Boolean> child = new ArrayList<>();
    compounds.add(compound(hint));
    child.add(false);
    while (true) {
      boolean space = in.skipWhitespace();
      char c = in.peek();
      if (in.atEnd() || c == ',' || c == ')') {
        return new ComplexSelector(compounds, child);
      } else if (c == '>') {
        in.advance(1);
        in.skipWhitespace();
        compounds.add(compound("expected a selector after '>'"));
        child.add(true);
      } else if (c == '+' || c == '~') {
        throw in.error("unsupported combinator '" + c + "'", in.position(),
            "the server tracks ancestors, not siblings: use descendant (space) or child (>) combinators");
      } else if (space) {
        compounds.add(compound(""));
        child.add(false);
      } else if (in.atIdentifier() || c == '*') {
        throw in.error("misplaced type selector", in.position(), "a type or * must come first in a compound");
      } else {
        throw in.unexpected(in.position());
      }
    }
  }

  private CompoundSelector compound(String hint) {
    int start = in.position();
    String tagName = "";
    if (in.peek() == '*') {
      in.advance(1);
    } else if (in.atIdentifier()) {
      tagName = CssText.asciiLowerCase(in.identifier("a type selector"));
    }
    if (in.peek() == '|') {
      throw namespace();
    }
    List<AttributeCondition> conditions = new ArrayList<>();
    List<CompoundSelector> negations = new ArrayList<>();
    while (true) {
      switch (in.peek()) {
        case '#' -> {
          in.advance(1);
          conditions.add(AttributeCondition.of("id", Operator.EQUALS, in.identifier("an id"), Optional.of(false)));
        }
        case '.' -> {
          in.advance(1);
          String name = in.identifier("a class name");
          conditions.add(AttributeCondition.of("class", Operator.INCLUDES, name, Optional.of(false)));
        }
        case '[' -> conditions.add(attribute());
        case ':' -> negations.addAll(pseudoClass());
        default -> {
          if (in.position() == start) {
            throw hint.isEmpty() ? in.unexpected(start) : in.error("unexpected " + in.describe(start), start, hint);
          }
          return new CompoundSelector(tagName, conditions, negations);
        }
      }
    }
  }

  private AttributeCondition attribute() {
    int open = in.position();
    in.advance(1);
    in.skipWhitespace();
    if (in.peek() == '|' || (in.peek() == '*' && in.peek(1) == '|')) {
      throw namespace();
    }
    requireClosed(open, '[');
    String name = CssText.asciiLowerCase(in.identifier("an attribute name"));
    if (in.peek() == '|' && in.peek(1) != '=') {
      throw namespace();
    }
    in.skipWhitespace();
    requireClosed(open, '[');
    if (in.peek() == ']') {
      in.advance(1);
      return AttributeCondition.exists(name);
    }
    Operator operator = operator();
    in.skipWhitespace();
    requireClosed(open, '[');
    String value;
    if (in.peek() == '"' || in.peek() == '\'') {
      value = in.string();
    } else if (in.atIdentifier()) {
      value = in.identifier("a value");
    } else {
      throw in.error("expected an attribute value but found " + in.describe(in.position()), in.position(),
          "quote values that are not identifiers, as in [maxlength=\"16\"]");
    }
    in.skipWhitespace();
    requireClosed(open, '[');
    Optional<Boolean> ignoreCase = Optional.empty();
    if (in.atIdentifier()) {
      int at = in.position();
      String flag = CssText.asciiLowerCase(in.identifier("a flag"));
      if (!flag.equals("i") && !flag.equals("s")) {
        throw in.error("unknown attribute flag '" + flag + "'", at, "the flags are i and s");
      }
      ignoreCase = Optional.of(flag.equals("i"));
      in.skipWhitespace();
      requireClosed(open, '[');
    }
    if (in.peek() != ']') {
      throw in.unexpected(in.position());
    }
    in.advance(1);
    return AttributeCondition.of(name, operator, value, ignoreCase);
  }

  private Operator operator() {
    int at = in.position();
    char c = in.peek();
    Operator operator = switch (c) {
      case '~' -> Operator.INCLUDES;
      case '|' -> Operator.DASH_MATCH;
      case '^' -> Operator.PREFIX;
      case '$' -> Operator.SUFFIX;
      case '*' -> Operator.SUBSTRING;
      default -> Operator.EQUALS;
    };
    int length = operator == Operator.EQUALS ? 1 : 2;
    if (in.peek(length - 1) != '=') {
      throw in.error("unexpected " + in.describe(at), at, "expected ']' or one of = ~= |= ^= $= *=");
    }
    in.advance(length);
    return operator;
  }

  /** Reads {@code :not(...)}, the one pseudo-class supported, as the compounds it excludes. */
  private List<CompoundSelector> pseudoClass() {
    int colon = in.position();
    in.advance(1);
    if (in.peek() == ':') {
      in.advance(1);
      String name = in.atIdentifier() ? in.identifier("a name") : "";
      throw in.error("unsupported pseudo-element '::" + name + "'", colon, "the server matches whole elements");
    }
    String name = in.identifier("a pseudo-class name");
    String lower = CssText.asciiLowerCase(name);
    boolean function = in.peek() == '(';
    if (LEGACY_PSEUDO_ELEMENTS.contains(lower)) {
      throw in.error("unsupported pseudo-element ':" + name + "'", colon, "the server matches whole elements");
    } else if (!lower.equals("not")) {
      throw in.error("unsupported pseudo-class ':" + name + (function ? "()" : "") + "'", colon,
          "only :not() is supported");
    } else if (!function) {
      throw in.error("expected '(' after ':" + name + "' but found " + in.describe(in.position()), in.position());
    } else if (++notDepth > MAX_NOT_DEPTH) {
      throw in.error(":not() nested too deeply", colon, "at most " + MAX_NOT_DEPTH + " levels");
    }
    int open = in.position();
    in.advance(1);
    List<CompoundSelector> negations = new ArrayList<>();
    while (true) {
      in.skipWhitespace();
      requireClosed(open, '(');
      negations.add(compound("expected a compound selector in :not()"));
      in.skipWhitespace();
      requireClosed(open, '(');
      char c = in.peek();
      if (c == ')') {
        in.advance(1);
        notDepth--;
        return negations;
      } else if (c == '>' || c == '+' || c == '~' || c == '*' || in.atIdentifier() || "#.[:".indexOf(c) >= 0) {
        throw in.error("combinator in :not()", in.position(), "only compound selectors are supported in :not()");
      } else if (c != ',') {
        throw in.unexpected(in.position());
      }
      in.advance(1);
    }
  }

  /** At the end of the text inside a bracket: the bracket opened at {@code open} is never closed. */
  private void requireClosed(int open, char bracket) {
    if (in.atEnd()) {
      throw in.error("unclosed '" + bracket + "'", open);
    }
  }

  private SelectorException namespace() {
    return in.error("unsupported namespace separator '|'", in.position(), "namespaces are not supported");
  }
}
