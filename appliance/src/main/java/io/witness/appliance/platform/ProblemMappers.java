package io.witness.appliance.platform;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every exception that escapes a resource into RFC 9457 problem+json. Jersey's own bean-validation answer
 * has an empty body, so constraint violations are mapped here too. Stack traces are logged, never returned.
 */
public final class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

  private ProblemMappers() {}

  static boolean isApi(UriInfo uri) {
    String path = uri == null ? "" : uri.getPath();
    path = path.startsWith("/") ? path.substring(1) : path;
    return path.startsWith("api/") || path.startsWith("ingest/");
  }

  static String instance(UriInfo uri) {
    return uri == null ? "" : "/" + uri.getPath();
  }

  /** Our own problems. */
  @Provider
  public static final class ForProblem implements ExceptionMapper<ProblemException> {
    @Context UriInfo uri;

    @Override
    public Response toResponse(ProblemException e) {
      Response.ResponseBuilder b = Response.fromResponse(e.problem().toResponse(instance(uri)));
      e.headers().forEach(b::header);
      return b.build();
    }
  }

  /** Bean Validation failures on resource parameters and bodies. */
  @Provider
  public static final class ForConstraintViolation implements ExceptionMapper<ConstraintViolationException> {
    @Context UriInfo uri;

    @Override
    public Response toResponse(ConstraintViolationException e) {
      var violations = e.getConstraintViolations().stream()
          .map(v -> new Problem.Violation(field(v.getPropertyPath().toString()), v.getMessage()))
          .sorted(Comparator.comparing(Problem.Violation::field))
          .toList();
      String detail = violations.stream().map(v -> v.field() + ": " + v.message())
          .reduce((a, b) -> a + "; " + b).orElse("invalid request");
      return new Problem(ProblemType.VALIDATION, 400, detail, violations).toResponse(instance(uri));
    }

    /** "login.arg0.username" → "username"; "list.limit" stays readable. */
    private static String field(String path) {
      String[] parts = path.split("\\.", -1);
      return parts.length == 0 ? path : parts[parts.length - 1];
    }
  }

  /** JAX-RS errors (404, 405, 406, 415, JSON-B parse failures wrapped as 400, ...). */
  @Provider
  public static final class ForWebApplication implements ExceptionMapper<WebApplicationException> {
    @Context UriInfo uri;

    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
      if (status == 404 && !isApi(uri)) {
        // An empty 404 tells Helidon that JAX-RS has no such resource, so static content (the console, the
        // SDK), /health and /openapi get their turn. API paths answer problem+json below.
        return Response.status(404).build();
      }
      ProblemType type = switch (status) {
        case 400 -> ProblemType.MALFORMED;
        case 401 -> ProblemType.UNAUTHENTICATED;
        case 403 -> ProblemType.FORBIDDEN;
        case 404 -> ProblemType.NOT_FOUND;
        case 405 -> ProblemType.METHOD_NOT_ALLOWED;
        case 406 -> ProblemType.NOT_ACCEPTABLE;
        case 413 -> ProblemType.TOO_LARGE;
        case 415 -> ProblemType.UNSUPPORTED_MEDIA;
        default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.VALIDATION;
      };
      if (status >= 500) {
        LOG.log(Level.WARNING, "request failed: " + e.getClass().getName(), e);
      }
      String detail = status == 400 ? "the request body could not be read as the expected JSON"
          : status >= 500 ? "the server could not complete the request" : e.getMessage();
      return Problem.of(type, status, detail).toResponse(instance(uri));
    }
  }

  /**
   * Jersey's JSON-B reader reports a request body it cannot parse or bind (malformed JSON, wrong types) as a
   * {@link jakarta.ws.rs.ProcessingException}, which would end as a 500: it is the client's error, a 400
   * ({@link ForWebApplication} writes the problem). Reading only: a failure to write an answer stays a 500.
   */
  @Provider
  public static final class ForUnreadableBody implements jakarta.ws.rs.ext.ReaderInterceptor {
    @Override
    public Object aroundReadFrom(jakarta.ws.rs.ext.ReaderInterceptorContext context) throws java.io.IOException {
      try {
        return context.proceed();
      } catch (jakarta.ws.rs.ProcessingException e) {
        throw new jakarta.ws.rs.BadRequestException("the request body could not be read", e);
      }
    }
  }

  /** Anything else: 500 without internals. */
  @Provider
  public static final class ForAnything implements ExceptionMapper<Throwable> {
    @Context UriInfo uri;

    @Override
    public Response toResponse(Throwable e) {
      if (e instanceof ProblemException p) {
        return new ForProblem().toResponse(p);
      }
      LOG.log(Level.WARNING, "unhandled error: " + e.getClass().getName(), e);
      return Problem.of(ProblemType.INTERNAL, 500, "the server could not complete the request")
          .toResponse(instance(uri));
    }
  }
}
