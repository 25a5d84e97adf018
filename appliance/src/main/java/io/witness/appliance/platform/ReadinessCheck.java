package io.witness.appliance.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the database answers. {@code GET /health} and {@code /health/ready} report it. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
  @Inject
  @Named("witness")
  DataSource dataSource;

  @Override
  public HealthCheckResponse call() {
    try (Connection c = dataSource.getConnection()) {
      boolean ok = c.isValid(2);
      return HealthCheckResponse.named("database").status(ok).build();
    } catch (Exception e) {
      return HealthCheckResponse.named("database").down().build();
    }
  }
}
