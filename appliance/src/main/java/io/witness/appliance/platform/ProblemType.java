package io.witness.appliance.platform;

/** The stable error kinds of the API; the URI is the problem's {@code type} member and never changes. */
public enum ProblemType {
  VALIDATION("validation", "Request is not valid"),
  MALFORMED("malformed", "Malformed request body"),
  TOO_LARGE("too-large", "Payload too large"),
  UNSUPPORTED_MEDIA("unsupported-media-type", "Unsupported media type or encoding"),
  RATE_LIMITED("rate-limited", "Too many requests"),
  UNAUTHENTICATED("unauthenticated", "Authentication required"),
  FORBIDDEN("forbidden", "Forbidden"),
  CONSENT_REQUIRED("consent-required", "No valid consent for capture"),
  CSRF("csrf", "Missing or invalid CSRF token"),
  UNKNOWN_SITE("unknown-site", "Unknown site key"),
  NOT_FOUND("not-found", "Not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed"),
  NOT_ACCEPTABLE("not-acceptable", "Not acceptable"),
  CONFLICT("conflict", "Conflict"),
  STYLESHEET_UNKNOWN("stylesheet-unknown", "Unknown stylesheet reference"),
  GONE("gone", "Gone"),
  INTEGRITY("integrity", "Stored data failed its integrity check"),
  UNAVAILABLE("unavailable", "Service unavailable"),
  INTERNAL("internal", "Internal error");

  private static final String BASE = "https://witness.local/problems/";
  private final String slug;
  private final String title;

  ProblemType(String slug, String title) {
    this.slug = slug;
    this.title = title;
  }

  public String uri() {
    return BASE + slug;
  }

  public String title() {
    return title;
  }
}
