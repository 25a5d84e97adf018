package io.witness.policy;

import java.util.Optional;

/**
 * What a {@link Selector} needs to know about an element. The server implements it over the DOM it rebuilds from
 * recorded rrweb events; tests implement it with a few fields.
 *
 * <p>Implementations answer from their current state and must not return null. Matching calls these methods
 * several times per element and from the element up towards the root, so they should be cheap (no copying).
 */
public interface SelectorElement {
  /** The tag name in lower case ({@code input}, {@code div}). */
  String tagName();

  /**
   * The value of the attribute {@code name} (given in lower case), or empty when the element does not have it. An
   * attribute without a value ({@code <input disabled>}) is present with the value {@code ""}. The {@code id} and
   * {@code class} attributes are attributes like any other.
   */
  Optional<String> attribute(String name);

  /** The parent element; empty at the root element and for elements whose parent is a document or fragment. */
  Optional<SelectorElement> parent();
}
