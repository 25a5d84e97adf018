package io.witness.appliance.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.witness.appliance.consent.ConsentService;
import io.witness.appliance.platform.LimitedInput;
import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.site.Site;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the recorder SDK sends its batches (consent-gateway/docs/capture-protocol.md). Open to the visitor's
 * browser on any origin (CORS without credentials); the site key routes the batch. A 200 means the batch is
 * durable ({@link BatchWriter}).
 *
 * <pre>
 * gzip -c batch.json | curl -X POST -H 'Witness-Site-Key: demo-...' -H 'Content-Type: application/json' \
 *      -H 'Content-Encoding: gzip' --data-binary @- http://localhost:8080/ingest/v1/batches
 * </pre>
 *
 * <p>Why a web-server route and not a JAX-RS resource like the rest of the API: this is the appliance's busiest
 * endpoint, and per request Jersey, its CDI request scope and its entity providers cost as much CPU as validating
 * a whole batch (docs/benchmarks.md, ingest). The answers are the same: problem+json for every error.
 */
@ApplicationScoped
class IngestRoute {
  static final String PATH = "/ingest/v1/batches";
  static final String SITE_KEY_HEADER = "Witness-Site-Key";
  static final String CONSENT_HEADER = "Witness-Consent";
  /** What this route serves, for the OpenAPI conformance test (it finds JAX-RS methods by their annotations). */
  static final java.util.Set<String> ROUTE_OPERATIONS = java.util.Set.of("POST " + PATH, "OPTIONS " + PATH);
  private static final Logger LOG = Logger.getLogger(IngestRoute.class.getName());
  private static final HeaderName SITE_KEY = HeaderNames.create(SITE_KEY_HEADER);
  private static final HeaderName CONSENT = HeaderNames.create(CONSENT_HEADER);
  private static final HeaderName ALLOW_ORIGIN = HeaderNames.create("Access-Control-Allow-Origin");
  private static final String PROBLEM_JSON = "application/problem+json";

  @Inject CaptureService capture;
  @Inject CaptureLimits limits;
  @Inject ConsentService consents;

  private final ObjectMapper json = new ObjectMapper();

  void register(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE + 1)
      @Initialized(ApplicationScoped.class) Object ignored, BeanManager beans) {
    beans.getExtension(ServerCdiExtension.class).serverRoutingBuilder()
        .post(PATH, this::ingest)
        .options(PATH, IngestRoute::preflight)
        .any(PATH, (req, res) -> problem(req, res, new ProblemException(ProblemType.METHOD_NOT_ALLOWED, 405,
            "use POST")));
  }

  private void ingest(ServerRequest req, ServerResponse res) {
    res.header(ALLOW_ORIGIN, "*");
    try {
      requireJson(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null));
      Site site = capture.siteFor(req.headers().first(SITE_KEY).orElse(null));
      capture.checkRate(site);
      // Consent before the body: a batch without a valid receipt costs no memory and leaves nothing behind.
      ConsentService.Admitted consent = consents.admit(site, req.headers().first(CONSENT).orElse(null));
      CaptureService.BatchReceipt receipt;
      // Closed at once: a gzip body's Inflater then frees its native memory now, not through a Cleaner that
      // every GC pause would process (one per request).
      try (InputStream in = LimitedInput.open(req.content().inputStream(),
          req.headers().first(HeaderNames.CONTENT_ENCODING).orElse(null),
          parseLength(req.headers().first(HeaderNames.CONTENT_LENGTH).orElse(null)),
          limits.maxCompressed, limits.maxDecompressed)) {
        receipt = capture.ingest(site, consent, in, remoteAddress(req),
            req.headers().first(HeaderNames.USER_AGENT).orElse(null));
      }
      // sessionId is validated to [A-Za-z0-9_-]: nothing to escape.
      // Stylesheet hashes are hex: nothing to escape either.
      String css = receipt.stylesheets().isEmpty() ? ""
          : ",\"stylesheets\":[\"" + String.join("\",\"", receipt.stylesheets()) + "\"]";
      byte[] body = ("{\"sessionId\":\"" + receipt.sessionId() + "\",\"seq\":" + receipt.seq()
          + ",\"duplicate\":" + receipt.duplicate() + css + "}").getBytes(StandardCharsets.UTF_8);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(body);
    } catch (ProblemException e) {
      problem(req, res, e);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "ingest failed: " + e.getClass().getName(), e);
      problem(req, res, new ProblemException(ProblemType.INTERNAL, 500, "the server could not store the batch"));
    }
  }

  /** The peer's IP address (a proxy in front is the peer: Witness does not trust forwarding headers). */
  private static String remoteAddress(ServerRequest req) {
    return req.remotePeer().address() instanceof java.net.InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : null;
  }

  /** CORS preflight: the SDK runs on the customer's origin and sends custom headers. */
  private static void preflight(ServerRequest req, ServerResponse res) {
    res.header(ALLOW_ORIGIN, "*");
    res.header(HeaderNames.create("Access-Control-Allow-Methods"), "POST");
    res.header(HeaderNames.create("Access-Control-Allow-Headers"),
        "Content-Type, Content-Encoding, " + SITE_KEY_HEADER + ", " + CONSENT_HEADER);
    res.header(HeaderNames.create("Access-Control-Max-Age"), "86400");
    res.status(Status.NO_CONTENT_204).send();
  }

  private void problem(ServerRequest req, ServerResponse res, ProblemException e) {
    Problem p = e.problem();
    try {
      byte[] body = json.writeValueAsBytes(p.body(req.path().path()));
      res.status(Status.create(p.status()));
      res.header(ALLOW_ORIGIN, "*");
      e.headers().forEach((k, v) -> res.header(HeaderNames.create(k), v));
      res.header(HeaderNames.CONTENT_TYPE, PROBLEM_JSON);
      res.send(body);
    } catch (IOException | RuntimeException failed) {
      LOG.log(Level.WARNING, "could not answer with a problem: " + failed.getClass().getName());
      res.status(Status.INTERNAL_SERVER_ERROR_500).send();
    }
  }

  static void requireJson(String contentType) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json")) {
      throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA, 415, "Content-Type must be application/json");
    }
  }

  static long parseLength(String header) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw ProblemException.malformed("Content-Length is not a number");
    }
  }
}
