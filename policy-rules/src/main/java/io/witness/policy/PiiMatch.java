package io.witness.policy;

import java.util.Objects;

/**
 * One piece of personal data found by {@link PiiDetector#scan(CharSequence)}: its kind and the half-open range
 * {@code [start, end)} of the scanned text it covers ({@code 0 <= start < end}).
 */
public record PiiMatch(PiiKind kind, int start, int end) {
  /** Checks the range; a match is never empty. */
  public PiiMatch {
    Objects.requireNonNull(kind, "kind");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
  }
}
