package io.witness.policy;

import java.util.List;

/**
 * A compound selector: an optional type selector and attribute tests (ids and classes included) that one element
 * must all pass, and compound selectors it must not match ({@code :not(a, b)} is kept as {@code :not(a):not(b)}).
 * Tests run in the order written; the type is checked first because it is the cheapest and most selective.
 */
final class CompoundSelector {
  private final String tagName;
  private final AttributeCondition[] conditions;
  private final CompoundSelector[] negations;

  /**
   * @param tagName the type selector in lower case, or "" for {@code *} or none
   */
  CompoundSelector(String tagName, List<AttributeCondition> conditions, List<CompoundSelector> negations) {
    this.tagName = tagName;
    this.conditions = conditions.toArray(new AttributeCondition[0]);
    this.negations = negations.toArray(new CompoundSelector[0]);
  }

  boolean matches(SelectorElement element) {
    if (!tagName.isEmpty() && !CssText.equals(element.tagName(), tagName, true)) {
      return false;
    }
    for (AttributeCondition condition : conditions) {
      if (!condition.matches(element)) {
        return false;
      }
    }
    for (CompoundSelector negation : negations) {
      if (negation.matches(element)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(tagName.isEmpty() ? "*" : tagName);
    for (AttributeCondition condition : conditions) {
      b.append(condition);
    }
    for (CompoundSelector negation : negations) {
      b.append(":not(").append(negation).append(')');
    }
    return b.toString();
  }
}
