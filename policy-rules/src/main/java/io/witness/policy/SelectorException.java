package io.witness.policy;

import java.util.OptionalInt;

/**
 * A selector that {@link Selector#parse} or {@link SelectorList#parse} refuses. The message says what is wrong and
 * where, such as {@code unexpected ')' at column 7} or {@code unsupported pseudo-class ':hover' at column 6 (only
 * :not() is supported)}. {@link #column()} is the same position as a number, so a policy validator can point at it.
 * When the selector came from a list, the message starts with {@code selectors[i]: } and {@link #index()} is i.
 */
public final class SelectorException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int column;
  private final int index;

  SelectorException(String message, int column) {
    this(message, column, -1);
  }

  private SelectorException(String message, int column, int index) {
    super(message);
    this.column = column;
    this.index = index;
  }

  /** The same problem, found in entry {@code index} (0-based) of a list of selectors. */
  SelectorException inEntry(int index) {
    return new SelectorException("selectors[" + index + "]: " + getMessage(), column, index);
  }

  /** The 1-based column, counted in code points of the selector text, where the problem is. */
  public int column() {
    return column;
  }

  /** The 0-based position of the refused selector in the list given to {@link SelectorList#parse}, if there was one. */
  public OptionalInt index() {
    return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
  }
}
