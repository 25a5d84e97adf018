package io.witness.policy;

/**
 * A CSS selector that a site admin wrote in a masking rule, parsed once and then matched against elements of a
 * reconstructed DOM. The browser SDK hands the same text to rrweb, which matches it with the browser's own engine;
 * this class accepts only what it can evaluate exactly as a browser would from an element's tag, attributes and
 * ancestors, and refuses everything else with a {@link SelectorException}, so a policy never means two things.
 *
 * <p>Supported: type ({@code input}, ASCII case-insensitive) and universal ({@code *}) selectors, {@code #id},
 * {@code .class}, attribute selectors {@code [a]}, {@code [a=v]}, {@code [a~=v]}, {@code [a|=v]}, {@code [a^=v]},
 * {@code [a$=v]}, {@code [a*=v]} with an identifier or quoted value and the {@code i} or {@code s} flag, compound
 * selectors, the descendant (white space) and child ({@code >}) combinators, {@code :not(compound, ...)} and lists
 * ({@code a, b}: matches if any part matches). CSS escapes work in identifiers and strings. Refused: sibling
 * combinators ({@code +}, {@code ~}; the server keeps ancestors, not siblings), every other pseudo-class, pseudo-
 * elements, namespaces and comments.
 *
 * <p>Attribute values are compared as browsers do in HTML documents: case-sensitively, except for the attributes
 * HTML lists as case-insensitive ({@code type}, {@code lang}, ...) unless the {@code s} flag is given. Instances are
 * immutable and safe to share between threads; {@link #matches} allocates nothing itself.
 */
public final class Selector {
  private final String text;
  private final ComplexSelector[] alternatives;

  private Selector(String text, ComplexSelector[] alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  /**
   * Parses {@code text}, a selector or a comma-separated list of selectors.
   *
   * @throws SelectorException if the text is empty, malformed or uses something this engine does not support
   */
  public static Selector parse(String text) {
    return new Selector(text, SelectorParser.parse(text));
  }

  /** Whether {@code element} matches this selector (any part of it, for a list). */
  public boolean matches(SelectorElement element) {
    for (ComplexSelector alternative : alternatives) {
      if (alternative.matches(element)) {
        return true;
      }
    }
    return false;
  }

  /** The source text, exactly as given to {@link #parse}. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Selector other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
