package io.witness.appliance.testing;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.arquillian.test.spi.TestEnricher;

/**
 * Registers the project's own Arquillian adapter for Helidon MP (none is published): the in-process
 * {@link HelidonMpContainer}, the {@link CdiTestEnricher} and {@link LateEnricher}. Loaded through
 * {@code META-INF/services/org.jboss.arquillian.core.spi.LoadableExtension}.
 */
public final class HelidonContainerExtension implements LoadableExtension {
  @Override
  public void register(ExtensionBuilder builder) {
    builder.service(DeployableContainer.class, HelidonMpContainer.class)
        .service(TestEnricher.class, CdiTestEnricher.class)
        .observer(LateEnricher.class);
  }
}
