package io.witness.appliance.site;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Sites and their keys.
 *
 * <pre>curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/v1/sites</pre>
 */
@Path("/api/v1/sites")
@RequestScoped
public class SitesResource {
  @Inject SiteService sites;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public List<Site> list() {
    return sites.list();
  }
}
