package io.witness.consent;

import io.witness.policy.Policy;
import io.witness.policy.SelectorList;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy's element rules: whether an element is blocked, masked by a selector, unmasked, or sensitive (by its
 * name or its table column), inherited from its ancestors, and which rules it matches itself (for the policy
 * preview). Computed once per element of a {@link SanitizerSession}'s DOM. Thread-safe (immutable).
 */
final class ElementFlags {
  private final SelectorList block;
  private final SelectorList maskText;
  private final SelectorList unmask;
  /** No selectors in the policy: elements need no attributes once their flags are known. */
  private final boolean slim;

  ElementFlags(Policy.Masking masking) {
    this.block = SelectorList.parse(masking.block());
    this.maskText = SelectorList.parse(masking.maskText());
    this.unmask = SelectorList.parse(masking.unmask());
    this.slim = block.isEmpty() && maskText.isEmpty() && unmask.isEmpty();
  }

  /** Computes an element's flags from its parent's and its own attributes (once). */
  void of(DomNode e) {
    if (e.evaluated) {
      return;
    }
    DomNode p = e.parent == null ? null : e.parent.element();
    if (p != null) {
      of(p);
    }
    boolean ownBlock = block.matches(e);
    boolean ownMaskText = maskText.matches(e);
    boolean ownUnmask = unmask.matches(e);
    boolean sensitiveName = SensitiveNames.element(e);
    boolean sensitiveColumn = !sensitiveName && "td".equals(e.tag) && SensitiveNames.matches(TableColumns.header(e));
    e.blocked = (p != null && p.blocked) || ownBlock;
    e.selectorMasked = (p != null && p.selectorMasked) || ownMaskText;
    e.unmasked = (p != null && p.unmasked) || ownUnmask;
    e.sensitive = e.orphan || (p != null && p.sensitive) || sensitiveName || sensitiveColumn;
    if (ownBlock || ownMaskText || ownUnmask || sensitiveName || sensitiveColumn) {
      e.rules = rulesOf(e, ownBlock, ownMaskText, ownUnmask, sensitiveName, sensitiveColumn);
    }
    e.inputType = switch (e.tag) {
      case "textarea" -> "textarea";
      case "select" -> "select";
      case "input" -> e.attributes.getOrDefault("type", "text").toLowerCase(java.util.Locale.ROOT);
      default -> null;
    };
    if (slim) {
      e.attributes = null;
    }
    e.evaluated = true;
  }

  /** The rules an element matches itself (not through an ancestor), named for the policy preview. */
  private List<String> rulesOf(DomNode e, boolean ownBlock, boolean ownMaskText, boolean ownUnmask,
      boolean sensitiveName, boolean sensitiveColumn) {
    List<String> rules = new ArrayList<>(2);
    if (ownBlock) {
      named(rules, "block", block, e);
    }
    if (ownMaskText) {
      named(rules, "mask-text", maskText, e);
    }
    if (ownUnmask) {
      named(rules, "unmask", unmask, e);
    }
    if (sensitiveName) {
      rules.add("sensitive name");
    }
    if (sensitiveColumn) {
      rules.add("sensitive column");
    }
    return List.copyOf(rules);
  }

  private static void named(List<String> rules, String kind, SelectorList list, DomNode e) {
    for (io.witness.policy.Selector s : list.selectors()) {
      if (s.matches(e)) {
        rules.add(kind + " " + s.text());
      }
    }
  }
}
