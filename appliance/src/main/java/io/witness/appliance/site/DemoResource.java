package io.witness.appliance.site;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * The demo page's configuration: the demo site's key (public by nature: a site key sits in every recorded page).
 *
 * <pre>curl http://localhost:8080/demo/site.json</pre>
 */
@Path("/demo/site.json")
@RequestScoped
public class DemoResource {
  @Inject SiteService sites;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, String> site() {
    return Map.of("siteKey", sites.ensureDemoSite().siteKey());
  }
}
