package io.witness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorErrorTest {
  @Test
  void parse_empty() {
    assertError("", 1, "empty selector at column 1");
    assertError(" \t\n", 1, "empty selector at column 1");
  }

  @Test
  void parse_unbalancedBrackets() {
    assertError("a.card)", 7, "unexpected ')' at column 7");
    assertError("a]", 2, "unexpected ']' at column 2");
    assertError("input[name=cc", 6, "unclosed '[' at column 6");
    assertError("[name", 1, "unclosed '[' at column 1");
    assertError("a:not(.b", 6, "unclosed '(' at column 6");
    assertError("a:not(.b))", 10, "unexpected ')' at column 10");
  }

  @Test
  void parse_unbalancedQuotes() {
    assertError("[name='cc]", 7, "unterminated string at column 7");
    assertError("[name=\"cc\nx\"]", 7, "unterminated string at column 7");
  }

  @Test
  void parse_siblingCombinators() {
    assertError("label + input", 7, "unsupported combinator '+' at column 7"
        + " (the server tracks ancestors, not siblings: use descendant (space) or child (>) combinators)");
    assertError("a~b", 2, "unsupported combinator '~' at column 2"
        + " (the server tracks ancestors, not siblings: use descendant (space) or child (>) combinators)");
  }

  @Test
  void parse_pseudoClassesOtherThanNot() {
    assertError("a:hover", 2, "unsupported pseudo-class ':hover' at column 2 (only :not() is supported)");
    assertError(":nth-child(2)", 1,
        "unsupported pseudo-class ':nth-child()' at column 1 (only :not() is supported)");
    assertError("a:not", 6, "expected '(' after ':not' but found end of input at column 6");
    assertError("a:", 3, "expected a pseudo-class name but found end of input at column 3");
  }

  @Test
  void parse_pseudoElements() {
    assertError("p::before", 2, "unsupported pseudo-element '::before' at column 2 (the server matches whole elements)");
    assertError("p:first-line", 2,
        "unsupported pseudo-element ':first-line' at column 2 (the server matches whole elements)");
  }

  @Test
  void parse_invalidIdentifiers() {
    assertError(".1a", 2, "expected a class name but found '1' at column 2");
    assertError("#", 2, "expected an id but found end of input at column 2");
    assertError("[1a]", 2, "expected an attribute name but found '1' at column 2");
    assertError("div[x]span", 7, "misplaced type selector at column 7 (a type or * must come first in a compound)");
    assertError("a\\", 2, "invalid escape '\\' at column 2 (a backslash must be followed by a character on the"
        + " same line)");
    assertError("😀:hover", 2, "unsupported pseudo-class ':hover' at column 2 (only :not() is supported)");
  }

  @Test
  void parse_invalidAttributeSelectors() {
    assertError("[a=1]", 4, "expected an attribute value but found '1' at column 4"
        + " (quote values that are not identifiers, as in [maxlength=\"16\"])");
    assertError("[a~b]", 3, "unexpected '~' at column 3 (expected ']' or one of = ~= |= ^= $= *=)");
    assertError("[a=b x]", 6, "unknown attribute flag 'x' at column 6 (the flags are i and s)");
    assertError("[a=b i j]", 8, "unexpected 'j' at column 8");
  }

  @Test
  void parse_danglingSeparators() {
    assertError("a,", 3, "unexpected end of input at column 3 (expected a selector after ',')");
    assertError(", a", 1, "unexpected ',' at column 1");
    assertError("form >", 7, "unexpected end of input at column 7 (expected a selector after '>')");
    assertError("a:not()", 7, "unexpected ')' at column 7 (expected a compound selector in :not())");
  }

  @Test
  void parse_combinatorInsideNot() {
    assertError(":not(form input)", 11,
        "combinator in :not() at column 11 (only compound selectors are supported in :not())");
    assertError(":not(a>b)", 7, "combinator in :not() at column 7 (only compound selectors are supported in :not())");
  }

  @Test
  void parse_namespaces() {
    assertError("svg|rect", 4, "unsupported namespace separator '|' at column 4 (namespaces are not supported)");
    assertError("[xlink|href]", 7, "unsupported namespace separator '|' at column 7 (namespaces are not supported)");
  }

  @Test
  void parse_notNestedTooDeeply() {
    assertError(":not(".repeat(9) + "a" + ")".repeat(9), 41,
        ":not() nested too deeply at column 41 (at most 8 levels)");
    Selector.parse(":not(".repeat(8) + "a" + ")".repeat(8));
  }

  @Test
  void selectorListParse_namesTheFailingEntry() {
    SelectorException e = assertThrows(SelectorException.class,
        () -> SelectorList.parse(List.of("input", "div:hover")));
    assertEquals(1, e.index().orElseThrow());
    assertEquals(4, e.column());
    assertEquals("selectors[1]: unsupported pseudo-class ':hover' at column 4 (only :not() is supported)",
        e.getMessage());
  }

  @Test
  void selectorParse_hasNoIndex() {
    assertFalse(assertThrows(SelectorException.class, () -> Selector.parse("a)")).index().isPresent());
  }

  private static void assertError(String selector, int column, String message) {
    SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse(selector), selector);
    assertEquals(message, e.getMessage(), selector);
    assertEquals(column, e.column(), selector);
  }
}
