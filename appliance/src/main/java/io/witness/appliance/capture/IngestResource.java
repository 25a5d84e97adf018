package io.witness.appliance.capture;

import io.witness.appliance.platform.LimitedInput;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.site.Site;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the recorder SDK sends its batches (consent-gateway/docs/capture-protocol.md). Open to the visitor's
 * browser on any origin (CORS without credentials); the site key routes the batch. A 200 means the batch is
 * committed.
 *
 * <pre>
 * gzip -c batch.json | curl -X POST -H 'Witness-Site-Key: demo-...' -H 'Content-Type: application/json' \
 *      -H 'Content-Encoding: gzip' --data-binary @- http://localhost:8080/ingest/v1/batches
 * </pre>
 */
@Path("/ingest/v1/batches")
@RequestScoped
public class IngestResource {
  static final String SITE_KEY_HEADER = "Witness-Site-Key";

  @Inject CaptureService capture;
  @Inject CaptureLimits limits;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response ingest(@HeaderParam(SITE_KEY_HEADER) String siteKey,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body) throws IOException {
    requireJson(contentType);
    Site site = capture.siteFor(siteKey);
    capture.checkRate(site);
    InputStream in = LimitedInput.open(body, contentEncoding, parseLength(contentLength),
        limits.maxCompressed, limits.maxDecompressed);
    return cors(Response.ok(capture.ingest(site, in))).build();
  }

  /** CORS preflight: the SDK runs on the customer's origin and sends custom headers. */
  @OPTIONS
  public Response preflight() {
    return cors(Response.noContent())
        .header("Access-Control-Allow-Methods", "POST")
        .header("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, " + SITE_KEY_HEADER)
        .header("Access-Control-Max-Age", "86400")
        .build();
  }

  static Response.ResponseBuilder cors(Response.ResponseBuilder b) {
    return b.header("Access-Control-Allow-Origin", "*");
  }

  static void requireJson(String contentType) {
    if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
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
