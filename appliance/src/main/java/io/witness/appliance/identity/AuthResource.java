package io.witness.appliance.identity;

import io.witness.audit.AuditEvent.Outcome;

import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sign-in for the console (cookies) and for API clients (bearer tokens).
 *
 * <pre>
 * curl -X POST -H 'Content-Type: application/json' -d '{"username":"admin","password":"..."}' \
 *      http://localhost:8080/api/v1/auth/token
 * </pre>
 */
@Path("/api/v1/auth")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
  /** Answer of login and {@code me}. */
  public record SessionInfo(String username, String csrfToken) {}

  /** Answer of token creation. */
  public record TokenInfo(String token, Instant expiresAt) {}

  @Inject IdentityService identity;
  @Inject io.witness.appliance.audit.AuditTrail audit;

  @Inject
  @ConfigProperty(name = "auth.cookie-secure", defaultValue = "true")
  boolean cookieSecure;

  @POST
  @Path("/login")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response login(@Valid @NotNull Credentials credentials) {
    IdentityService.Issued issued = audited("auth.login", credentials, identity.login(credentials, true));
    int maxAge = (int) Math.max(1, issued.expiresAt().getEpochSecond() - Instant.now().getEpochSecond());
    return Response.ok(new SessionInfo(credentials.username(), issued.csrfToken()))
        .cookie(cookie(AuthFilter.SESSION_COOKIE, issued.secret(), maxAge, true),
            cookie(AuthFilter.CSRF_COOKIE, issued.csrfToken(), maxAge, false))
        .build();
  }

  @POST
  @Path("/token")
  @Consumes(MediaType.APPLICATION_JSON)
  public TokenInfo token(@Valid @NotNull Credentials credentials) {
    IdentityService.Issued issued = audited("auth.token", credentials, identity.login(credentials, false));
    return new TokenInfo(issued.secret(), issued.expiresAt());
  }

  @GET
  @Path("/me")
  public Map<String, String> me(@Context SecurityContext security,
      @CookieParam(AuthFilter.CSRF_COOKIE) String csrf) {
    return Map.of("username", security.getUserPrincipal().getName(), "csrfToken", csrf == null ? "" : csrf);
  }

  /** Body of {@code POST /api/v1/auth/password}. */
  public record PasswordChange(
      @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 1024) String currentPassword,
      @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(min = 12, max = 1024,
          message = "must be 12 to 1024 characters") String newPassword) {}

  /**
   * Changes the caller's password. Every session and token of the account ends, this one included: sign in
   * again afterwards.
   */
  @POST
  @Path("/password")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response changePassword(@Context SecurityContext security, @Valid @NotNull PasswordChange change) {
    boolean changed = identity.changePassword(security.getUserPrincipal().getName(),
        change.currentPassword().toCharArray(), change.newPassword().toCharArray());
    audit.record("auth.password.change", changed ? Outcome.SUCCESS : Outcome.FAILURE, "user",
        security.getUserPrincipal().getName(), null, null);
    if (!changed) {
      throw new ProblemException(Problem.of(ProblemType.FORBIDDEN, 403, "the current password is wrong"), Map.of());
    }
    return Response.noContent()
        .cookie(cookie(AuthFilter.SESSION_COOKIE, "", 0, true), cookie(AuthFilter.CSRF_COOKIE, "", 0, false))
        .build();
  }

  @POST
  @Path("/logout")
  public Response logout(@CookieParam(AuthFilter.SESSION_COOKIE) String session) {
    if (session != null) {
      identity.logout(session);
    }
    audit.record("auth.logout", Outcome.SUCCESS, "user", null, null, null);
    return Response.noContent()
        .cookie(cookie(AuthFilter.SESSION_COOKIE, "", 0, true), cookie(AuthFilter.CSRF_COOKIE, "", 0, false))
        .build();
  }

  private NewCookie cookie(String name, String value, int maxAge, boolean httpOnly) {
    return new NewCookie.Builder(name).value(value).path("/").maxAge(maxAge).httpOnly(httpOnly)
        .secure(cookieSecure).sameSite(NewCookie.SameSite.STRICT).build();
  }

  /** A sign-in or token request, audited whether it worked or not (PCI DSS 10.2.1.4: invalid access attempts). */
  private IdentityService.Issued audited(String action, Credentials credentials,
      java.util.Optional<IdentityService.Issued> issued) {
    audit.recordFor(credentials.username(), action, issued.isPresent() ? Outcome.SUCCESS : Outcome.FAILURE, null);
    return issued.orElseThrow(AuthResource::badCredentials);
  }

  private static ProblemException badCredentials() {
    return new ProblemException(Problem.of(ProblemType.UNAUTHENTICATED, 401, "unknown user or wrong password"),
        Map.of());
  }
}
