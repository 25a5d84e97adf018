package io.witness.appliance.site;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** Makes sure the demo site exists, so a fresh appliance can record its own demo page at once. */
@ApplicationScoped
class DemoSiteBootstrap {
  private static final Logger LOG = Logger.getLogger(DemoSiteBootstrap.class.getName());

  @Inject SiteService sites;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION)
      @Initialized(ApplicationScoped.class) Object ignored) {
    Site demo = sites.ensureDemoSite();
    LOG.info(() -> "site '" + demo.id() + "' ready");
  }
}
