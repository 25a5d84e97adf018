package io.witness.appliance.identity;

import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemType;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code /api/} request is authenticated here, before any resource runs: a bearer token, or the console's
 * session cookie plus, for state-changing methods, a matching {@code X-CSRF-Token} header (double submit). Only
 * login and token creation are open. Failures answer 401/403 problem+json. Pre-matching, so that a path or
 * method that does not exist answers 401 too, not a 404/405 that tells a stranger what exists.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AuthFilter implements ContainerRequestFilter {
  public static final String SESSION_COOKIE = "witness_session";
  public static final String CSRF_COOKIE = "witness_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> OPEN = Set.of("api/v1/auth/login", "api/v1/auth/token");
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @Inject IdentityService identity;
  @Inject io.witness.appliance.audit.RequestOrigin origin;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (!path.startsWith("api/") || OPEN.contains(path)) {
      return;
    }
    Optional<Caller> caller = bearer(request).or(() -> session(request));
    if (caller.isEmpty()) {
      if (request.getProperty(CSRF_HEADER) != null) {
        request.abortWith(Problem.of(ProblemType.CSRF, 403,
            "state-changing console requests need the X-CSRF-Token header").toResponse("/" + path));
      } else {
        request.abortWith(Problem.of(ProblemType.UNAUTHENTICATED, 401,
                "sign in, or send Authorization: Bearer <token> from POST /api/v1/auth/token")
            .toResponse("/" + path));
      }
      return;
    }
    Caller c = caller.get();
    origin.actor(c.username());
    boolean secure = request.getSecurityContext().isSecure();
    request.setSecurityContext(new SecurityContext() {
      @Override public Principal getUserPrincipal() { return c; }
      @Override public boolean isUserInRole(String role) { return false; }
      @Override public boolean isSecure() { return secure; }
      @Override public String getAuthenticationScheme() { return c.viaSession() ? "SESSION" : "BEARER"; }
    });
  }

  private Optional<Caller> bearer(ContainerRequestContext request) {
    String h = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return identity.authenticate(h.substring(7).trim(), false).map(IdentityService.ActiveSession::caller);
  }

  private Optional<Caller> session(ContainerRequestContext request) {
    Cookie cookie = request.getCookies().get(SESSION_COOKIE);
    if (cookie == null) {
      return Optional.empty();
    }
    Optional<IdentityService.ActiveSession> s = identity.authenticate(cookie.getValue(), true);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    if (!SAFE_METHODS.contains(request.getMethod())) {
      String sent = request.getHeaderString(CSRF_HEADER);
      String expected = s.get().csrfToken().orElse("");
      if (sent == null || expected.isEmpty() || !MessageDigest.isEqual(
          sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
        request.setProperty(CSRF_HEADER, true);
        return Optional.empty();
      }
    }
    return Optional.of(s.get().caller());
  }
}
