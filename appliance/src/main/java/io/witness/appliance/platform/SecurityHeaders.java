package io.witness.appliance.platform;

import io.helidon.http.HeaderNames;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;

/**
 * Browser-hardening headers on every answer, static files included (so a web-server filter, not a JAX-RS one),
 * and the redirect of {@code /console/} and {@code /demo/} to their index pages.
 * The console gets a Content-Security-Policy that allows only its own scripts; replayed pages need inline styles
 * and their own stylesheets, images and fonts (from the recorded site), which the policy permits for display only
 * (no script runs in a replay frame: rrweb sandboxes it with {@code allow-same-origin} only).
 */
@ApplicationScoped
class SecurityHeaders {
  static final String CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' *; "
      + "img-src * data: blob:; font-src * data:; media-src * data: blob:; frame-src 'self' blob: about:; "
      + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  void register(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE)
      @Initialized(ApplicationScoped.class) Object ignored, BeanManager beans) {
    beans.getExtension(ServerCdiExtension.class).serverRoutingBuilder().addFilter(SecurityHeaders::filter);
  }

  private static void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    String path = req.path().path();
    if (path.equals("/console/") || path.equals("/demo/")) {
      // The index page by its own name, so that the links in it resolve as they were built.
      res.status(io.helidon.http.Status.FOUND_302);
      String query = req.query().rawValue();
      res.header(HeaderNames.LOCATION, path + "index.html" + (query.isEmpty() ? "" : "?" + query));
      res.send();
      return;
    }
    if (path.startsWith("/console")) {
      res.header(HeaderNames.create("Content-Security-Policy"), CONSOLE_CSP);
      res.header(HeaderNames.create("X-Frame-Options"), "DENY");
      // Vite names built assets by content hash: they never change, so browsers need not revalidate them.
      res.header(HeaderNames.CACHE_CONTROL,
          path.startsWith("/console/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    } else if (path.startsWith("/api/")) {
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
    chain.proceed();
  }
}
