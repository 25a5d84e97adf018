package io.witness.consent;

import io.witness.policy.SelectorElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node of a recording's DOM as the sanitizer tracks it: enough to match selectors and find column headers.
 *
 * <p>Design: the DOMs of the live sessions are the appliance's largest long-lived data (thousands of nodes per page,
 * up to {@code Admission}'s 2,000 sessions), and a young collection copies every new node that survives it, so a
 * node is one object: its children are linked through {@link #firstChild} and {@link #next} (no list per node), the
 * session finds it by id in a {@link NodeTable} (no boxed key, no map entry), and tag names are shared strings. With
 * a list and a map entry per node, G1's young pauses under the ingest benchmark were 45–69 ms (docs/benchmarks.md).
 */
final class DomNode implements SelectorElement {
  /** Distinct tag names shared by all sessions; beyond it (custom elements, hostile input) each is its own. */
  private static final int SHARED_TAGS_MAX = 4_096;
  private static final Map<String, String> SHARED_TAGS = new ConcurrentHashMap<>();

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
  /** First and last child, and this node's siblings in its parent's child list. */
  DomNode firstChild;
  DomNode lastChild;
  DomNode previous;
  DomNode next;
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
    this.tag = shared(tag);
    // Text, comment and document nodes have none (and no selector asks for theirs).
    this.attributes = tag.isEmpty() ? null : attributes.isEmpty() ? new HashMap<>(2) : attributes;
  }

  private static String shared(String tag) {
    String known = SHARED_TAGS.get(tag);
    if (known != null) {
      return known;
    }
    if (SHARED_TAGS.size() < SHARED_TAGS_MAX && tag.length() <= 64) {
      known = SHARED_TAGS.putIfAbsent(tag, tag);
      return known != null ? known : tag;
    }
    return tag;
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

  /** Adds a child at the end of this node's children. */
  void append(DomNode child) {
    child.previous = lastChild;
    child.next = null;
    if (lastChild == null) {
      firstChild = child;
    } else {
      lastChild.next = child;
    }
    lastChild = child;
  }

  /** Moves a child of this node to just before {@code sibling}, another child of this node. */
  void moveBefore(DomNode child, DomNode sibling) {
    if (child == sibling) {
      return;
    }
    unlink(child);
    child.next = sibling;
    child.previous = sibling.previous;
    if (sibling.previous == null) {
      firstChild = child;
    } else {
      sibling.previous.next = child;
    }
    sibling.previous = child;
  }

  /** Takes a child out of this node's children (nothing when it is not one of them). */
  void unlink(DomNode child) {
    if (child.previous == null ? firstChild != child : child.previous.next != child) {
      return;
    }
    if (child.previous == null) {
      firstChild = child.next;
    } else {
      child.previous.next = child.next;
    }
    if (child.next == null) {
      lastChild = child.previous;
    } else {
      child.next.previous = child.previous;
    }
    child.previous = null;
    child.next = null;
  }

  /** Element children only. */
  List<DomNode> elementChildren() {
    List<DomNode> out = new ArrayList<>();
    for (DomNode c = firstChild; c != null; c = c.next) {
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
    for (DomNode c = firstChild; c != null; c = c.next) {
      b.append(c.textContent());
      if (b.length() > 200) {
        break;
      }
    }
    return b.toString();
  }
}
