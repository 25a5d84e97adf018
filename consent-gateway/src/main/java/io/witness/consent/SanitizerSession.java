package io.witness.consent;

import java.util.List;

/**
 * What the sanitizer remembers about one recording between its batches: the DOM (node id → node, from full
 * snapshots and mutations) and whether the current page is out of the capture scope. A session that starts without
 * the DOM (its earlier batches were sanitized by a process that forgot them: an eviction or a restart) fails
 * closed until its next full snapshot: the nodes it cannot place are masked. Not thread-safe: one batch of
 * a session at a time (the appliance sends a session's batches through one writer).
 */
public final class SanitizerSession {
  final NodeTable nodes = new NodeTable();
  boolean outOfScope;
  /**
   * The rules matched so far by the nodes now in the DOM that {@code reported} does not hold yet, as node id →
   * rule names ("mask-text table", "sensitive name"…); the nodes are added to {@code reported} (the policy preview
   * calls this after each event).
   */
  public java.util.Map<Integer, List<String>> newMatches(java.util.Set<Object> reported) {
    java.util.Map<Integer, List<String>> out = new java.util.LinkedHashMap<>();
    nodes.forEach(n -> {
      if (n.rules != null && reported.add(n)) {
        out.put(n.id, n.rules);
      }
    });
    return out;
  }

  /** Nodes tracked now (for memory accounting and tests). */
  public int nodeCount() {
    return nodes.size();
  }
}
