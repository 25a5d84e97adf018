package io.witness.consent;

import java.util.HashMap;
import java.util.Map;

/**
 * What the sanitizer remembers about one recording between its batches: the DOM (node id → node, from full
 * snapshots and mutations) and whether the current page is out of the capture scope. A session that starts without
 * the DOM (its earlier batches were sanitized by a process that forgot them: an eviction or a restart) fails
 * closed until its next full snapshot: the nodes it cannot place are masked. Not thread-safe: one batch of
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
