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
  /**
   * The DOM before this session's next full snapshot is not known (the session's earlier batches were sanitized
   * by a process that forgot them: an eviction or a restart). Until that snapshot the rules fail closed: text and
   * values of nodes whose parent is unknown are masked, not only scanned for PII.
   */
  boolean unknownDom;

  /** A session whose first batch here is batch {@code seq} of the recording: its DOM is unknown when seq > 0. */
  public static SanitizerSession startingAt(int seq) {
    SanitizerSession s = new SanitizerSession();
    s.unknownDom = seq != 0;
    return s;
  }

  /** Nodes tracked now (for memory accounting and tests). */
  public int nodeCount() {
    return nodes.size();
  }
}
