package io.witness.consent;

import java.util.HashMap;
import java.util.Map;

/**
 * What the sanitizer remembers about one recording between its batches: the DOM (node id → node, from full
 * snapshots and mutations) and whether the current page is out of the capture scope. Not thread-safe: one batch of
 * a session at a time (the appliance sends a session's batches through one writer).
 */
public final class SanitizerSession {
  final Map<Integer, DomNode> nodes = new HashMap<>();
  boolean outOfScope;

  /** Nodes tracked now (for memory accounting and tests). */
  public int nodeCount() {
    return nodes.size();
  }
}
