package io.witness.policy;

import static io.witness.policy.FakeElement.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorListTest {
  @Test
  void matches_anySelector() {
    SelectorList list = SelectorList.parse(List.of("input[type=password]", ".secret, [data-private]"));
    assertTrue(list.matches(element("input", "type", "password")));
    assertTrue(list.matches(element("div", "data-private", "")));
    assertTrue(list.matches(element("span", "class", "secret")));
    assertFalse(list.matches(element("input", "type", "text")));
    assertFalse(list.isEmpty());
  }

  @Test
  void matches_emptyListMatchesNothing() {
    SelectorList list = SelectorList.parse(List.of());
    assertTrue(list.isEmpty());
    assertFalse(list.matches(element("input")));
  }

  @Test
  void selectors_keepTextAndOrder() {
    SelectorList list = SelectorList.parse(List.of("b", "a"));
    assertEquals(List.of("b", "a"), list.selectors().stream().map(Selector::text).toList());
  }
}
