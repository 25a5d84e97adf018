package io.witness.appliance.consent;

import io.witness.appliance.audit.RequestOrigin;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.policy.PolicyService;
import io.witness.appliance.policy.SitePolicy;
import io.witness.appliance.site.Site;
import io.witness.appliance.site.SiteService;
import io.witness.appliance.subject.ErasureService;
import io.witness.policy.PolicyWriter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consent endpoints the recorder SDK calls from the visitor's page (any origin, no credentials): the site's
 * policy, a grant (answered with a signed receipt) and a withdrawal. consent-gateway/docs/consent-protocol.md.
 *
 * <pre>
 * curl http://localhost:8080/consent/v1/sites/$SITE_KEY/policy
 * curl -X POST -H 'Content-Type: application/json' -d '{"visitorId":"abcdefghijklmnop","purposes":["replay"],
 *   "method":"api","policyVersion":1,"noticeVersion":"1","noticeSha256":"…","signals":{"gpc":false,"dnt":false}}'
 *   http://localhost:8080/consent/v1/sites/$SITE_KEY/receipts
 * </pre>
 */
@Path("/consent/v1/sites/{siteKey}")
@RequestScoped
public class ConsentResource {
  /** A grant's body. */
  public record GrantRequest(
      @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{16,64}") String visitorId,
      @NotEmpty @Size(max = 8) List<@NotNull @Pattern(regexp = "[a-z][a-z0-9-]{0,31}") String> purposes,
      @NotNull @Pattern(regexp = "banner:accept|api|import|opt-out") String method,
      @Min(1) @Max(Integer.MAX_VALUE) int policyVersion,
      @NotNull @Size(min = 1, max = 32) String noticeVersion,
      @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}") String noticeSha256,
      @Valid Signals signals,
      @Pattern(regexp = "EU|[A-Z]{2}(-[A-Z0-9]{1,3})?") String region) {}

  /** The browser's privacy signals at the grant. */
  public record Signals(boolean gpc, boolean dnt) {}

  /** A withdrawal's body. */
  public record WithdrawalRequest(@NotNull @Size(max = Receipt.MAX_TOKEN) String receipt,
      @Pattern(regexp = "[A-Za-z0-9_-]{16,64}") String visitorId,
      @NotNull @Pattern(regexp = "banner:withdraw|api") String method) {}

  @Inject SiteService sites;
  @Inject io.witness.appliance.site.SiteStylesheets stylesheets;
  @Inject PolicyService policies;
  @Inject ConsentService consent;
  @Inject RequestOrigin origin;
  @Inject ErasureService erasures;
  @Inject io.witness.appliance.audit.AuditTrail audit;

  /** How many stylesheet hashes the browser's policy names (a page uses a handful). */
  static final int BROWSER_STYLESHEETS = 32;

  @GET
  @Path("/policy")
  @Produces(MediaType.APPLICATION_JSON)
  public Response policy(@PathParam("siteKey") String siteKey) {
    Site site = site(siteKey);
    SitePolicy p = policies.current(site.id());
    String view = PolicyWriter.browserView(p.policy(), site.id());
    // The stylesheets the appliance holds for this site: the SDK sends a reference instead of these (hex: no escaping).
    List<String> css = stylesheets.recent(site.id(), BROWSER_STYLESHEETS);
    if (!css.isEmpty()) {
      view = view.substring(0, view.lastIndexOf('}')) + ",\"stylesheets\":[\"" + String.join("\",\"", css) + "\"]}";
    }
    return cors(Response.ok(view).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300"));
  }

  @POST
  @Path("/receipts")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response grant(@PathParam("siteKey") String siteKey, @NotNull @Valid GrantRequest body,
      @HeaderParam(HttpHeaders.USER_AGENT) String userAgent) {
    Site site = site(siteKey);
    Signals s = body.signals() == null ? new Signals(false, false) : body.signals();
    ConsentService.Issued issued = consent.grant(site, new ConsentService.Grant(body.visitorId(), body.purposes(),
        body.method(), body.policyVersion(), body.noticeVersion(), body.noticeSha256(), s.gpc(), s.dnt(),
        Optional.ofNullable(body.region())), origin.ip(), userAgent);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("consentId", issued.consentId());
    out.put("receipt", issued.receipt());
    out.put("expiresAt", issued.expiresAt().toString());
    return cors(Response.status(201).entity(out));
  }

  @POST
  @Path("/withdrawals")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response withdraw(@PathParam("siteKey") String siteKey, @NotNull @Valid WithdrawalRequest body) {
    Site site = site(siteKey);
    ConsentService.Withdrawn w = consent.withdraw(site, body.receipt(), body.method());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("consentId", w.consentId());
    out.put("withdrawnAt", w.withdrawnAt().toString());
    // The policy erases on withdrawal: the visitor's recordings, found by its visitor key (the receipt names the
    // visitor by hash only, so the request must carry the id that hash is of).
    if (w.eraseRecordings() && body.visitorId() != null
        && ConsentService.sha256(body.visitorId()).equals(w.visitorHash())) {
      ErasureService.Certificate c = erasures.eraseVisitor(site.id(), body.visitorId(),
          "consent-withdrawal:" + w.consentId());
      audit.record("subject.erase", io.witness.audit.AuditEvent.Outcome.SUCCESS, "erasure", c.id(), site.id(), null,
          null, "consent " + w.consentId() + " withdrawn");
      out.put("erasure", "done");
      out.put("certificateId", c.id());
    } else {
      out.put("erasure", w.eraseRecordings() ? "needs-visitor-id" : "none");
    }
    return cors(Response.ok(out));
  }

  /** CORS preflight for the SDK on the customer's origin. */
  @OPTIONS
  @Path("/policy")
  public Response preflightPolicy() {
    return preflight();
  }

  /** CORS preflight. */
  @OPTIONS
  @Path("/receipts")
  public Response preflightReceipts() {
    return preflight();
  }

  /** CORS preflight. */
  @OPTIONS
  @Path("/withdrawals")
  public Response preflightWithdrawals() {
    return preflight();
  }

  private static Response preflight() {
    return cors(Response.noContent().header("Access-Control-Allow-Methods", "GET, POST")
        .header("Access-Control-Allow-Headers", "Content-Type").header("Access-Control-Max-Age", "86400"));
  }

  private Site site(String siteKey) {
    return sites.byKey(siteKey).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, 404,
        "no site has this key"));
  }

  private static Response cors(Response.ResponseBuilder r) {
    return r.header("Access-Control-Allow-Origin", "*").build();
  }
}
