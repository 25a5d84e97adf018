package io.witness.policy;

import java.util.List;
import java.util.Optional;

/**
 * Compound selectors joined by descendant or child combinators, matched right to left: the rightmost compound
 * against the element, then each compound to its left against the parent (child) or some ancestor (descendant).
 *
 * <p>A naive walk backtracks through every ancestor for every descendant combinator, which costs depth^k for k of
 * them. As in browser engines, a failed search reports how far the failure reaches: an element that does not match
 * a compound lets the nearest descendant combinator try a higher ancestor ({@link #RETRY_HIGHER}), but a search
 * that ran out of ancestors fails the whole match ({@link #FAILED}), because higher starting points only see fewer
 * ancestors. That keeps a match linear in the depth for each descendant combinator.
 */
final class ComplexSelector {
  private static final int MATCHED = 0;
  private static final int RETRY_HIGHER = 1;
  private static final int FAILED = 2;

  private final CompoundSelector[] compounds;
  /** {@code child[i]}: the combinator between compounds i - 1 and i is {@code >}; {@code child[0]} is unused. */
  private final boolean[] child;

  ComplexSelector(List<CompoundSelector> compounds, List<Boolean> child) {
    this.compounds = compounds.toArray(new CompoundSelector[0]);
    this.child = new boolean[child.size()];
    for (int i = 0; i < this.child.length; i++) {
      this.child[i] = child.get(i);
    }
  }

  boolean matches(SelectorElement element) {
    return match(compounds.length - 1, element) == MATCHED;
  }

  private int match(int index, SelectorElement element) {
    if (!compounds[index].matches(element)) {
      return RETRY_HIGHER;
    }
    if (index == 0) {
      return MATCHED;
    }
    Optional<SelectorElement> parent = element.parent();
    if (child[index]) {
      return parent.isPresent() ? match(index - 1, parent.get()) : FAILED;
    }
    while (parent.isPresent()) {
      int result = match(index - 1, parent.get());
      if (result != RETRY_HIGHER) {
        return result;
      }
      parent = parent.get().parent();
    }
    return FAILED;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append(compounds[0]);
    for (int i = 1; i < compounds.length; i++) {
      b.append(child[i] ? " > " : " ").append(compounds[i]);
    }
    return b.toString();
  }
}
