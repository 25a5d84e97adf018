package io.witness.appliance.subject;

import io.witness.appliance.crypto.SigningKeys;
import io.witness.appliance.platform.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
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
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Erasure requests (GDPR Art. 17) and the key that signs their certificates.
 *
 * <pre>
 * curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
 *      -d '{"subject":"customer-4711"}' http://localhost:8080/api/v1/erasures
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/signing-key
 * </pre>
 */
@Path("/api/v1")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ErasureResource {
  @Inject ErasureService erasures;
  @Inject io.witness.appliance.audit.AuditTrail audit;
  @Inject SigningKeys signing;

  /** An erasure request: the subject's id as the site names it (identify() or an import's subject). */
  public record ErasureRequest(
      @NotNull @NotBlank @Size(max = 256) String subject,
      @Size(max = 64) String site) {}

  @POST
  @Path("/erasures")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response erase(@NotNull(message = "a JSON body with \"subject\" is required") @Valid ErasureRequest request,
      @Context SecurityContext security, @Context UriInfo uri) {
    ErasureService.Certificate cert = erasures.erase(Optional.ofNullable(request.site()).filter(s -> !s.isBlank()),
        request.subject(), security.getUserPrincipal().getName());
    // The subject as given may be an e-mail: the entry keeps only its digest; the certificate is the resource.
    audit.record("subject.erase", io.witness.audit.AuditEvent.Outcome.SUCCESS, "erasure", cert.id(), request.site(),
        request.subject());
    return Response.created(uri.getBaseUriBuilder().path("api/v1/erasures").path(cert.id()).build())
        .entity(cert.toJson()).build();
  }

  @GET
  @Path("/erasures/{id}")
  public Map<String, Object> certificate(
      @PathParam("id") @Pattern(regexp = "[0-9a-f-]{36}", message = "must be an erasure id") String id) {
    Map<String, Object> cert = erasures.certificate(id).orElseThrow(() -> ProblemException.notFound("no erasure " + id));
    audit.record("erasure.certificate.read", io.witness.audit.AuditEvent.Outcome.SUCCESS, "erasure", id, null, null);
    return cert;
  }

  /** The public key that signs certificates: X.509 SubjectPublicKeyInfo, base64 and PEM. */
  @GET
  @Path("/signing-key")
  public Map<String, Object> signingKey() {
    SigningKeys.Published key = signing.publicKey();
    String b64 = Base64.getEncoder().encodeToString(key.publicKey());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keyId", key.keyId());
    out.put("algorithm", key.algorithm());
    out.put("publicKey", b64);
    out.put("pem", "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    return out;
  }
}
