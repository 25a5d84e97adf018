package io.witness.appliance.platform;

import java.util.List;

/** Thrown anywhere in request handling to answer with a problem; mapped by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Problem problem;
  private final transient java.util.Map<String, String> headers;

  public ProblemException(ProblemType type, int status, String detail) {
    this(Problem.of(type, status, detail), java.util.Map.of());
  }

  public ProblemException(Problem problem, java.util.Map<String, String> headers) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = java.util.Map.copyOf(headers);
  }

  public static ProblemException validation(String field, String message) {
    return new ProblemException(new Problem(ProblemType.VALIDATION, 400, field + ": " + message,
        List.of(new Problem.Violation(field, message))), java.util.Map.of());
  }

  public static ProblemException malformed(String detail) {
    return new ProblemException(ProblemType.MALFORMED, 400, detail);
  }

  public static ProblemException tooLarge(String detail) {
    return new ProblemException(ProblemType.TOO_LARGE, 413, detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(ProblemType.NOT_FOUND, 404, detail);
  }

  public Problem problem() {
    return problem;
  }

  public java.util.Map<String, String> headers() {
    return headers;
  }
}
