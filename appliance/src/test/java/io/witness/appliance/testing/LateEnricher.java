package io.witness.appliance.testing;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.EventContext;
import org.jboss.arquillian.core.spi.ServiceLoader;
import org.jboss.arquillian.test.spi.TestEnricher;
import org.jboss.arquillian.test.spi.event.suite.Before;
import org.jboss.arquillian.test.spi.event.suite.Test;

/**
 * Workaround: arquillian-junit5 1.8.1 fires {@link Before} (which runs the test enrichers) only from its
 * {@code @BeforeEach} interceptor, so a test class without a {@code @BeforeEach} method would get neither its
 * {@code @ArquillianResource} nor its {@code @Inject} fields. This runs the enrichers just before the test
 * method for an instance that {@link Before} has not enriched. Innermost (negative precedence), so the
 * container and deployment contexts are already active.
 */
public final class LateEnricher {
  private final Set<Object> enriched = Collections.newSetFromMap(new IdentityHashMap<>());

  @Inject
  private Instance<ServiceLoader> serviceLoader;

  public void enrichedBefore(@Observes(precedence = -100) Before event) {
    synchronized (enriched) {
      enriched.add(event.getTestInstance());
    }
  }

  public void enrich(@Observes(precedence = -100) EventContext<Test> context) {
    Object instance = context.getEvent().getTestInstance();
    boolean done;
    synchronized (enriched) {
      done = enriched.remove(instance);
    }
    if (!done) {
      for (TestEnricher enricher : serviceLoader.get().all(TestEnricher.class)) {
        enricher.enrich(instance);
      }
    }
    context.proceed();
  }
}
