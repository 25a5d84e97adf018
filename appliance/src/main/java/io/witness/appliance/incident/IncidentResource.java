package io.witness.appliance.incident;

import io.witness.appliance.audit.AuditTrail;
import io.witness.appliance.audit.RequestOrigin;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.site.SiteService;
import io.witness.audit.AuditEvent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PII incidents for admins: list a site's incidents (kinds and counts, never a value) and purge one (its sealed
 * values deleted). Both are audited ({@code incident.read}, {@code incident.purge}).
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/incidents?site=demo&amp;status=open'
 * curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
 *      -d '{"note":"false positive: a support address"}' http://localhost:8080/api/v1/incidents/ID/purge?site=demo
 * </pre>
 */
@Path("/api/v1/incidents")
@RequestScoped
public class IncidentResource {
  @Inject PiiIncidents incidents;
  @Inject SiteService sites;
  @Inject AuditTrail audit;
  @Inject RequestOrigin origin;

  /** Why an incident is purged (shown with it; no personal data, please). */
  public record Purge(@Size(max = 1000) String note) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> list(@QueryParam("site") @DefaultValue("demo") String site,
      @QueryParam("status") @DefaultValue("open") @Pattern(regexp = "open|purged|all") String status,
      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
    String siteId = site(site);
    audit.record("incident.read", AuditEvent.Outcome.SUCCESS, "site", siteId, siteId, null, null, status);
    List<PiiIncidents.Incident> items = incidents.list(siteId, status.equals("all") ? null : status, limit);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("siteId", siteId);
    out.put("items", items);
    return out;
  }

  @POST
  @Path("/{id}/purge")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public PiiIncidents.Incident purge(@PathParam("id") @Size(max = 64) String id,
      @QueryParam("site") @DefaultValue("demo") String site, @Valid Purge body) {
    String siteId = site(site);
    PiiIncidents.Incident done = incidents.purge(siteId, id, origin.actor(), body == null ? null : body.note());
    audit.record("incident.purge", AuditEvent.Outcome.SUCCESS, "pii-incident", id, siteId, null, null,
        "kinds " + done.kinds());
    return done;
  }

  private String site(String siteId) {
    return sites.byId(siteId).orElseThrow(() -> ProblemException.notFound("no site with this id")).id();
  }
}
