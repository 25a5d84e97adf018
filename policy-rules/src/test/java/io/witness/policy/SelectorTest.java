package io.witness.policy;

import static io.witness.policy.FakeElement.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SelectorTest {
  private static final FakeElement INPUT = element("input", "id", "card", "class", "field  cc\tlarge", "name", "cc",
      "type", "PassWord", "lang", "en-GB", "data-x", "Hello World");

  @Test
  void typeSelector_matchesTagCaseInsensitively() {
    assertTrue(matches("input", INPUT));
    assertTrue(matches("INPUT", INPUT));
    assertFalse(matches("div", INPUT));
    assertFalse(matches("inp", INPUT));
  }

  @Test
  void universal_matchesAnyElement() {
    assertTrue(matches("*", INPUT));
    assertTrue(matches("*.cc", INPUT));
    assertFalse(matches("*.nope", INPUT));
  }

  @Test
  void id_matchesExactValue() {
    assertTrue(matches("#card", INPUT));
    assertFalse(matches("#Card", INPUT));
    assertFalse(matches("#car", INPUT));
    assertFalse(matches("#card", element("input")));
  }

  @Test
  void className_matchesOneWhitespaceSeparatedWord() {
    assertTrue(matches(".cc", INPUT));
    assertTrue(matches(".field.large", INPUT));
    assertFalse(matches(".c", INPUT));
    assertFalse(matches(".CC", INPUT));
    assertFalse(matches(".field.nope", INPUT));
    assertFalse(matches(".cc", element("input", "class", "cc-number")));
  }

  @Test
  void compound_requiresEveryPart() {
    assertTrue(matches("input#card.cc[name=cc]", INPUT));
    assertFalse(matches("input#card.cc[name=cvv]", INPUT));
    assertFalse(matches("div#card.cc[name=cc]", INPUT));
  }

  @Test
  void attribute_operators() {
    assertTrue(matches("[name]", INPUT));
    assertFalse(matches("[autocomplete]", INPUT));
    assertTrue(matches("[name=cc]", INPUT));
    assertFalse(matches("[name=c]", INPUT));
    assertTrue(matches("[class~=large]", INPUT));
    assertFalse(matches("[class~=larg]", INPUT));
    assertTrue(matches("[lang|=en]", INPUT));
    assertTrue(matches("[lang|='en-GB']", INPUT));
    assertFalse(matches("[lang|=en-G]", INPUT));
    assertTrue(matches("[data-x^=Hello]", INPUT));
    assertFalse(matches("[data-x^=World]", INPUT));
    assertTrue(matches("[data-x$=World]", INPUT));
    assertFalse(matches("[data-x$=Hello]", INPUT));
    assertTrue(matches("[data-x*='o W']", INPUT));
    assertFalse(matches("[data-x*=ow]", INPUT));
  }

  @Test
  void attribute_emptyAndWhitespaceValues() {
    FakeElement empty = element("input", "disabled", "", "name", "a b");
    assertTrue(matches("[disabled='']", empty));
    assertFalse(matches("[disabled^=''], [disabled$=''], [disabled*=''], [disabled~='']", empty));
    assertFalse(matches("[name~='a b']", empty));
    assertTrue(matches("[name='a b']", empty));
  }

  @Test
  void attribute_caseSensitivity() {
    assertTrue(matches("[NAME=cc]", INPUT));
    assertFalse(matches("[data-x='hello world']", INPUT));
    assertTrue(matches("[data-x='hello world' i]", INPUT));
    assertTrue(matches("[data-x^=HELLO I]", INPUT));
    assertTrue(matches("[type=password]", INPUT));
    assertFalse(matches("[type=password s]", INPUT));
    assertTrue(matches("[type=PassWord s]", INPUT));
  }

  @Test
  void attribute_quotedValuesKeepBracketsAndQuotes() {
    FakeElement e = element("a", "title", "x] \"y\" 'z'");
    assertTrue(matches("[title=\"x] \\\"y\\\" 'z'\"]", e));
    assertTrue(matches("[title='x] \"y\" \\'z\\'']", e));
  }

  @Test
  void attribute_flagAfterStringAndLineContinuation() {
    assertTrue(matches("[name='CC'i]", INPUT));
    assertTrue(matches("[data-x='Hello \\\nWorld']", INPUT));
  }

  @Test
  void escapes_inIdentifiersAndStrings() {
    FakeElement e = element("div", "id", "123", "class", "a:b w-50%", "data-x", "é");
    assertTrue(matches("#\\31 23", e));
    assertTrue(matches(".a\\:b", e));
    assertTrue(matches(".w-50\\%", e));
    assertTrue(matches("[data-x='\\e9']", e));
    assertTrue(matches("[data-x=\\0000e9]", e));
  }

  @Test
  void descendant_matchesAnyAncestor() {
    FakeElement form = element("form", "class", "checkout");
    FakeElement input = form.child("div").child("label").child("input");
    assertTrue(matches("form input", input));
    assertTrue(matches(".checkout div input", input));
    assertFalse(matches("section input", input));
    assertFalse(matches("input form", input));
  }

  @Test
  void child_matchesParentOnly() {
    FakeElement div = element("form").child("div");
    assertTrue(matches("div > input", div.child("input")));
    assertTrue(matches("form>div>input", div.child("input")));
    assertFalse(matches("form > input", div.child("input")));
    assertFalse(matches("form > input", element("input")));
  }

  @Test
  void combinators_backtrackToHigherAncestor() {
    FakeElement outer = element("section").child("b").child("div", "class", "x");
    FakeElement inner = outer.child("b").child("span").child("i");
    assertTrue(matches("section > b .x i", inner));
    assertTrue(matches("section > b i", inner));
    assertFalse(matches("section > b > span i", inner));
  }

  @Test
  void not_excludesEveryListedCompound() {
    FakeElement hidden = element("input", "type", "hidden", "class", "a b");
    assertFalse(matches("input:not([type=hidden])", hidden));
    assertTrue(matches("input:not([type=hidden])", INPUT));
    assertFalse(matches(":not(.x, .a)", hidden));
    assertTrue(matches(":not(.x, .y)", hidden));
    assertFalse(matches(":NOT(.a.b)", hidden));
    assertTrue(matches(":not(.a.x)", hidden));
    assertTrue(matches(":not(:not(.a))", hidden));
  }

  @Test
  void list_matchesIfAnyPartMatches() {
    assertTrue(matches("div, input.cc", INPUT));
    assertTrue(matches(" textarea ,\n#card ", INPUT));
    assertFalse(matches("div, span", INPUT));
  }

  @Test
  void text_isTheSource() {
    assertEquals(" input , .cc ", Selector.parse(" input , .cc ").text());
    assertEquals(Selector.parse("a"), Selector.parse("a"));
  }

  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void matches_deepTreeStaysLinear() {
    int[] parentCalls = {0};
    SelectorElement leaf = chain(300, parentCalls);
    assertFalse(matches("p div div div div div", leaf));
    assertTrue(parentCalls[0] < 2_000, parentCalls[0] + " parent() calls");
  }

  private static SelectorElement chain(int depth, int[] parentCalls) {
    SelectorElement e = null;
    for (int i = 0; i < depth; i++) {
      Optional<SelectorElement> parent = Optional.ofNullable(e);
      e = new SelectorElement() {
        @Override
        public String tagName() {
          return "div";
        }

        @Override
        public Optional<String> attribute(String name) {
          return Optional.empty();
        }

        @Override
        public Optional<SelectorElement> parent() {
          parentCalls[0]++;
          return parent;
        }
      };
    }
    return e;
  }

  private static boolean matches(String selector, SelectorElement element) {
    return Selector.parse(selector).matches(element);
  }
}
