package io.witness.appliance.identity;

import io.witness.appliance.platform.DaemonThreads;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates the bootstrap {@code admin} account on first start. Its password comes from
 * {@code WITNESS_ADMIN_PASSWORD}; without it a random one is generated and shown once on the console (standard
 * error, never the log files), since it is the only way in to a fresh appliance. The password (600,000 PBKDF2
 * rounds, ≈ 0.4 s of a core on a cold JVM) is hashed on a thread of its own that starts once the HTTP server
 * listens, so that it does not compete for the CPU with the rest of the start; a login or password change waits for
 * the account ({@link IdentityService#awaitBeforeLogin}).
 */
@ApplicationScoped
class AdminBootstrap {
  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class.getName());
  static final String ADMIN = "admin";
  /** Helidon starts its server at this priority of the same event (ServerCdiExtension). */
  private static final int SERVER_STARTED = jakarta.interceptor.Interceptor.Priority.PLATFORM_AFTER + 100;

  @Inject IdentityService identity;

  @Inject
  @ConfigProperty(name = "auth.admin-password", defaultValue = "")
  String configuredPassword;

  private CompletableFuture<Void> creation;

  void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION)
      @Initialized(ApplicationScoped.class) Object ignored) {
    if (!identity.userExists(ADMIN)) {
      creation = new CompletableFuture<>();
      identity.awaitBeforeLogin(creation); // from now on, before the first request
    }
  }

  void afterServerStart(@Observes @Priority(SERVER_STARTED + 1)
      @Initialized(ApplicationScoped.class) Object ignored) {
    CompletableFuture<Void> pending = creation;
    if (pending == null) {
      return;
    }
    creation = null;
    DaemonThreads.start("witness-admin-bootstrap", () -> {
      try {
        create();
        pending.complete(null);
      } catch (RuntimeException | Error e) {
        LOG.log(Level.SEVERE, "the bootstrap account could not be created: " + e.getClass().getName(), e);
        pending.completeExceptionally(e);
      }
    });
  }

  private void create() {
    boolean generated = configuredPassword.isBlank();
    String password = generated ? IdentityService.randomToken().substring(0, 20) : configuredPassword;
    if (!identity.createUserIfAbsent(ADMIN, PasswordHasher.hash(password.toCharArray()))) {
      return;
    }
    if (generated) {
      // Deliberately not the logger: the one-time password must not end up in log files.
      System.err.println("""

          ================================================================
           Witness: bootstrap account created.
             username: admin
             password: %s
           Shown once. Change it with POST /api/v1/auth/password
           (docs/api.md), or set WITNESS_ADMIN_PASSWORD before
           the first start.
          ================================================================
          """.formatted(password));
    } else {
      LOG.info("bootstrap account 'admin' created with the password from WITNESS_ADMIN_PASSWORD");
    }
  }
}
