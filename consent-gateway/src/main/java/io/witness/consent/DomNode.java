package io.witness.consent;

import io.witness.policy.SelectorElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One node of a recording's DOM as the sanitizer tracks it: enough to match selectors and find column headers. */
final class DomNode implements SelectorElement {
  /** Set once the node's "id" field is read (it follows the children in rrweb's serialization). */
  int id;
  final DomNode parent;
  /** Lower-case tag name; empty for text, comment and document nodes. */
  final String tag;
  /**
   * The element's attributes while they may still be needed: selectors match ancestors' attributes, so they are
   * kept when the policy has selectors; without selectors they are dropped once the flags are known (a session's
   * DOM then costs little memory), and only an input's {@link #inputType} stays.
   */
  Map<String, String> attributes;
  /** For input, textarea and select elements: the type whose value masking applies ("text" by default). */
  String inputType;
  final List<DomNode> children = new ArrayList<>(2);
  /**
   * Flags, computed once the node's place is known ({@link EventSanitizer#flags}): blocked (recorded as an empty
   * box, with everything under it), masked by a maskText selector, exempt by an unmask selector, sensitive (a
   * sensitive name or column: masked whatever unmask says).
   */
  boolean evaluated;
  boolean blocked;
  boolean selectorMasked;
  boolean unmasked;
  boolean sensitive;
  /** The rules this element matches itself ("mask-text table", "sensitive name"…); null when none. */
  List<String> rules;
  /** Added by a mutation under a parent the session does not know: treated as sensitive. */
  boolean orphan;
  /** The text of a text node (kept for table headers only: see {@link EventSanitizer}). */
  String text = "";

  DomNode(int id, DomNode parent, String tag, Map<String, String> attributes) {
    this.id = id;
    this.parent = parent;
    this.tag = tag;
    // Text, comment and document nodes have none (and no selector asks for theirs).
    this.attributes = tag.isEmpty() ? null : attributes.isEmpty() ? new HashMap<>(2) : attributes;
  }

  boolean isElement() {
    return !tag.isEmpty();
  }

  @Override
  public String tagName() {
    return tag;
  }

  @Override
  public Optional<String> attribute(String name) {
    return attributes == null ? Optional.empty() : Optional.ofNullable(attributes.get(name));
  }

  @Override
  public Optional<SelectorElement> parent() {
    DomNode p = parent;
    while (p != null && !p.isElement()) {
      p = p.parent;
    }
    return Optional.ofNullable(p);
  }

  /** The nearest element at or above this node. */
  DomNode element() {
    DomNode n = this;
    while (n != null && !n.isElement()) {
      n = n.parent;
    }
    return n;
  }

  /** Element children only. */
  List<DomNode> elementChildren() {
    List<DomNode> out = new ArrayList<>(children.size());
    for (DomNode c : children) {
      if (c.isElement()) {
        out.add(c);
      }
    }
    return out;
  }

  /** The text of this node's subtree, joined (for a table header cell: short). */
  String textContent() {
    if (!isElement()) {
      return text;
    }
    StringBuilder b = new StringBuilder();
    for (DomNode c : children) {
      b.append(c.textContent());
      if (b.length() > 200) {
        break;
      }
    }
    return b.toString();
  }
}
