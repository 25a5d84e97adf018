package io.witness.appliance.capture;

import io.witness.appliance.consent.ConsentService;
import io.witness.appliance.platform.LimitedInput;
import io.witness.appliance.site.Site;
import io.witness.appliance.site.SiteService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Import of existing rrweb recordings (rrweb 1.x, 2.0.0-alpha and 2.x event arrays), for migration from other
 * tools. The body is streamed: validated, interpreted and compressed as it is read, all in one transaction.
 * {@code ?subject=} names the recording's data subject (the id an erasure or access request will give).
 *
 * <pre>
 * curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "Witness-Consent: $RECEIPT" \
 *      --data-binary @events.json http://localhost:8080/api/v1/recordings
 * </pre>
 */
@Path("/api/v1/recordings")
@RequestScoped
public class ImportResource {
  @Inject CaptureService capture;
  @Inject ConsentService consents;
  @Inject CaptureLimits limits;
  @Inject SiteService sites;
  @Inject io.witness.appliance.recording.RecordingStore store;
  @Inject io.witness.appliance.audit.AuditTrail audit;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response importRecording(@QueryParam("site") String siteId,
      @QueryParam("subject") @jakarta.validation.constraints.Size(max = 256) String subject,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @HeaderParam(IngestRoute.CONSENT_HEADER) String consentReceipt,
      @Context UriInfo uri,
      InputStream body) throws IOException {
    IngestRoute.requireJson(contentType);
    String id = siteId == null || siteId.isBlank() ? SiteService.DEMO_SITE_ID : siteId;
    Site site = sites.byId(id).orElseThrow(() ->
        io.witness.appliance.platform.ProblemException.validation("site", "no site with this id"));
    // Imports pass the same admission as live capture: a receipt of this site for the replay purpose.
    ConsentService.Admitted consent = consents.admit(site, consentReceipt);
    InputStream in = LimitedInput.open(body, contentEncoding, IngestRoute.parseLength(contentLength),
        limits.importMaxCompressed, limits.importMaxDecompressed);
    String recordingId = capture.importRecording(site, consent,
        java.util.Optional.ofNullable(subject).filter(v -> !v.isBlank()), in);
    audit.record("recording.import", io.witness.audit.AuditEvent.Outcome.SUCCESS, "recording", recordingId, site.id(),
        null);
    store.manifestDigest(recordingId).ifPresent(digest -> audit.recordManifest(recordingId, site.id(), digest));
    return Response.created(uri.getBaseUriBuilder().path("api/v1/recordings").path(recordingId).build())
        .entity(Map.of("id", recordingId)).build();
  }
}
