package io.witness.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A working {@link SelectorElement} for tests: a tag, attributes and a parent, built root first. */
record FakeElement(String tagName, Map<String, String> attributes, Optional<SelectorElement> parent)
    implements SelectorElement {

  /** A root element; {@code attributes} are name, value pairs. */
  static FakeElement element(String tagName, String... attributes) {
    return new FakeElement(tagName, pairs(attributes), Optional.empty());
  }

  /** A child of this element. */
  FakeElement child(String tagName, String... attributes) {
    return new FakeElement(tagName, pairs(attributes), Optional.of(this));
  }

  @Override
  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  private static Map<String, String> pairs(String... nameValue) {
    if (nameValue.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name, value pairs");
    }
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      map.put(nameValue[i], nameValue[i + 1]);
    }
    return Map.copyOf(map);
  }

  @Override
  public String toString() {
    return parent.map(p -> p + " > ").orElse("") + tagName + attributes;
  }
}
