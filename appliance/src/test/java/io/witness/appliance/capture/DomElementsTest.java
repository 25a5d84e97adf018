package io.witness.appliance.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DomElementsTest {
  final DomElements elements = new DomElements();

  @Test
  void put_denseAndSparseIds_areFoundAlike() {
    elements.put(3, "DIV", "main", "a b", 1);
    elements.put(DomElements.DENSE_IDS + 5, "Span", "", "", 3);
    elements.put(Integer.MAX_VALUE, "p", "", "", 3);
    elements.put(-7, "i", "", "", 3);
    assertEquals(new DomElements.Element("div", "main", "a b", 1), elements.get(3));
    assertEquals(new DomElements.Element("span", "", "", 3), elements.get(DomElements.DENSE_IDS + 5));
    assertEquals("p", elements.get(Integer.MAX_VALUE).tag());
    assertEquals("i", elements.get(-7).tag());
    assertNull(elements.get(4));
    assertNull(elements.get(DomElements.DENSE_IDS - 1));
    assertEquals(4, elements.size());
  }

  @Test
  void put_again_replacesWithoutCountingTwice() {
    elements.put(3, "div", "", "", 1);
    elements.put(3, "div", "x", "", 2);
    assertEquals(1, elements.size());
    assertEquals(new DomElements.Element("div", "x", "", 2), elements.get(3));
  }

  @Test
  void remove_setParent_clear() {
    elements.put(2, "ul", "", "", 1);
    elements.put(9, "li", "", "", 0);
    elements.setParent(9, 2);
    assertEquals(2, elements.get(9).parent());
    int far = DomElements.DENSE_IDS + 5;
    elements.put(far, "li", "", "a", 0);
    elements.setParent(far, 9);
    assertEquals(new DomElements.Element("li", "", "a", 9), elements.get(far));
    elements.setParent(7, 2); // unknown: nothing is created
    assertNull(elements.get(7));
    elements.remove(far);
    elements.remove(2);
    elements.remove(2);
    assertNull(elements.get(2));
    assertEquals(1, elements.size());
    elements.clear();
    assertNull(elements.get(9));
    assertEquals(0, elements.size());
  }

  @Test
  void put_commonTags_shareOneString() {
    elements.put(1, new String("BUTTON"), "", "", 0);
    elements.put(2, new String("button"), "", "", 0);
    assertSame(elements.get(1).tag(), elements.get(2).tag());
  }

  @Test
  void put_customTags_shareOneStringPerIndex() {
    elements.put(1, new String("App-Root"), "", "", 0);
    elements.put(2, new String("app-root"), "", "", 1);
    assertSame(elements.get(1).tag(), elements.get(2).tag());
    assertEquals("app-root", elements.get(2).tag());
  }

  @Test
  void put_manyReplacements_reclaimsTheirTextAndKeepsEveryLiveAttribute() {
    String wide = "row ".repeat(200);
    for (int round = 0; round < 50; round++) {
      for (int id = 1; id <= 100; id++) {
        elements.put(id, "div", "n" + id + "-" + round, wide + round, id - 1);
      }
      elements.remove(100);
    }
    for (int id = 1; id < 100; id++) {
      assertEquals(new DomElements.Element("div", "n" + id + "-49", wide + "49", id - 1), elements.get(id));
    }
    assertNull(elements.get(100));
    assertEquals(99, elements.size());
    int live = 0;
    for (int id = 1; id < 100; id++) {
      live += ("n" + id + "-49").length() + (wide + "49").length();
    }
    // What 50 rounds wrote is ≈ 50 × 100 elements' text; compaction keeps it within twice what is live.
    assertTrue(elements.textLength() <= 2 * live + DomElements.COMPACT_ABOVE,
        "text held: " + elements.textLength() + ", live: " + live);
  }

  @Test
  void put_unicodeAndEmptyAttributes_roundTrip() {
    elements.put(5, "span", "", "", 0);
    elements.put(6, "span", "ä-ñ-名前", "クラス x", 5);
    assertEquals(new DomElements.Element("span", "", "", 0), elements.get(5));
    assertEquals(new DomElements.Element("span", "ä-ñ-名前", "クラス x", 5), elements.get(6));
  }
}
