package io.witness.appliance.recording;

import java.util.Optional;

/**
 * A fact extracted from events for analytics. PAGE: text = URL. CLICK: x, y, node, selector. INPUT: node,
 * selector (never the value). ERROR: text = console message (truncated). VIEWPORT: x = width, y = height.
 */
public record Fact(Kind kind, long tsMs, Optional<Integer> x, Optional<Integer> y, Optional<Integer> nodeId,
    Optional<String> selector, Optional<String> text) {

  public enum Kind { PAGE, CLICK, INPUT, ERROR, VIEWPORT }

  public static Fact page(long ts, String url) {
    return new Fact(Kind.PAGE, ts, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(url));
  }

  public static Fact click(long ts, int x, int y, int node, Optional<String> selector) {
    return new Fact(Kind.CLICK, ts, Optional.of(x), Optional.of(y), Optional.of(node), selector, Optional.empty());
  }

  public static Fact input(long ts, int node, Optional<String> selector) {
    return new Fact(Kind.INPUT, ts, Optional.empty(), Optional.empty(), Optional.of(node), selector,
        Optional.empty());
  }

  public static Fact error(long ts, String message) {
    return new Fact(Kind.ERROR, ts, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(message));
  }

  public static Fact viewport(long ts, int width, int height) {
    return new Fact(Kind.VIEWPORT, ts, Optional.of(width), Optional.of(height), Optional.empty(),
        Optional.empty(), Optional.empty());
  }
}
