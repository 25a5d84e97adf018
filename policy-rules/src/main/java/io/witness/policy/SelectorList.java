package io.witness.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The selectors of one masking rule (for example every "mask text" selector of a site): matches an element if any
 * of them does. An empty list matches nothing. Immutable and safe to share between threads.
 */
public final class SelectorList {
  private final List<Selector> selectors;

  private SelectorList(List<Selector> selectors) {
    this.selectors = selectors;
  }

  /**
   * Parses every entry with {@link Selector#parse}.
   *
   * @throws SelectorException for the first entry that does not parse; its {@link SelectorException#index()} says
   *     which, and its message starts with {@code selectors[index]: }
   */
  public static SelectorList parse(List<String> selectors) {
    List<Selector> parsed = new ArrayList<>(selectors.size());
    for (int i = 0; i < selectors.size(); i++) {
      try {
        parsed.add(Selector.parse(selectors.get(i)));
      } catch (SelectorException e) {
        throw e.inEntry(i);
      }
    }
    return new SelectorList(List.copyOf(parsed));
  }

  /** Whether any selector of the list matches {@code element}. */
  public boolean matches(SelectorElement element) {
    for (int i = 0; i < selectors.size(); i++) {
      if (selectors.get(i).matches(element)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the list has no selectors (and so matches nothing). */
  public boolean isEmpty() {
    return selectors.isEmpty();
  }

  /** The parsed selectors, in the order given. */
  public List<Selector> selectors() {
    return selectors;
  }

  @Override
  public String toString() {
    return selectors.toString();
  }
}
