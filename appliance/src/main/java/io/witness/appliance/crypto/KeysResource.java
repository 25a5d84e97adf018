package io.witness.appliance.crypto;

import io.witness.appliance.platform.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Key administration: the state of the key hierarchy (no key material, ever) and online rotations with progress.
 *
 * <pre>
 * curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
 *      -d '{"scope":"site","site":"demo"}' http://localhost:8080/api/v1/keys/rotations
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/keys/rotations/$ID
 * </pre>
 */
@Path("/api/v1/keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
  @Inject KeyCustody custody;
  @Inject KeyService keys;
  @Inject KeyRotations rotations;
  @Inject io.witness.appliance.audit.AuditTrail audit;
  @Inject RootKeyUsers rootUsers;
  @Inject io.witness.appliance.site.SiteService sites;

  /** What to rotate: {@code root}, or {@code site} with its id. */
  public record RotationRequest(
      @Pattern(regexp = "root|site", message = "must be root or site") String scope,
      @Size(max = 64) String site) {}

  @GET
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("custody", custody.describe());
    out.put("rootVersion", custody.currentVersion());
    out.put("rootVersionsAwaitingDestruction", rootUsers.pending());
    List<Map<String, Object>> counts = new ArrayList<>();
    for (Object[] row : keys.keyCounts()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("site", row[0]);
      c.put("kind", row[1]);
      c.put("wrappedByVersion", row[2]);
      c.put("count", row[3]);
      counts.add(c);
    }
    out.put("keys", counts);
    out.put("rotations", rotations.jobs().stream().map(KeyRotations.Job::toJson).toList());
    return out;
  }

  @POST
  @Path("/rotations")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response rotate(@jakarta.validation.Valid RotationRequest request, @Context UriInfo uri) {
    if (request == null || request.scope() == null) {
      throw ProblemException.validation("scope", "must be root or site");
    }
    Optional<String> site = Optional.empty();
    if (request.scope().equals("site")) {
      if (request.site() == null || request.site().isBlank()) {
        throw ProblemException.validation("site", "name the site whose key to rotate");
      }
      if (sites.byId(request.site()).isEmpty()) {
        throw ProblemException.validation("site", "no site with this id");
      }
      site = Optional.of(request.site());
    }
    KeyRotations.Job job = rotations.start(site);
    audit.record("keys.rotate", io.witness.audit.AuditEvent.Outcome.SUCCESS, "key", request.scope(),
        site.orElse(null), null);
    return Response.accepted(job.toJson())
        .location(uri.getBaseUriBuilder().path("api/v1/keys/rotations").path(job.id).build()).build();
  }

  @GET
  @Path("/rotations/{id}")
  public Map<String, Object> rotation(
      @PathParam("id") @Pattern(regexp = "[0-9a-f-]{36}", message = "must be a rotation id") String id) {
    return rotations.job(id).map(KeyRotations.Job::toJson)
        .orElseThrow(() -> ProblemException.notFound("no rotation " + id + " since the appliance started"));
  }
}
