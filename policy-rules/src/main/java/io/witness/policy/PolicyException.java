package io.witness.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy document that cannot be used, with every problem found (each naming its line, column and field). */
public final class PolicyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable list of records
  private final List<PolicyProblem> problems;

  PolicyException(List<PolicyProblem> problems) {
    super(problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in document order. */
  public List<PolicyProblem> problems() {
    return problems;
  }
}
