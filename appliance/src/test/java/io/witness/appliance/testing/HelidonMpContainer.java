package io.witness.appliance.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Node;

/**
 * An Arquillian container that runs the appliance in the test JVM (no Helidon adapter is published).
 *
 * <p>Lifecycle: {@link #start} (once per test run) opens the database kind chosen by {@code witness.test.db}:
 * H2, or an embedded PostgreSQL server. {@link #deploy} (once per test class) boots an appliance with a fresh
 * data directory and database on a free port, or, when the previous test class asked for the same
 * configuration, keeps the one that runs (a boot costs 4 s, far more on a loaded machine; tests therefore never
 * assume an empty database, they work in their own sessions and time ranges). Set the container property
 * {@code reuse} to false for a fresh appliance per class. {@link #stop} shuts it down and deletes the data.
 *
 * <p>Only {@code META-INF/microprofile-config.properties} of the deployment archive is used: its values override
 * the appliance's configuration for that deployment (see {@link Deployments}). Classes and beans come from the
 * test class path and are never added again (CDI would discover every bean twice).
 *
 * <p>Tests are clients of the server in the same JVM: {@code @Deployment(testable = false)}. In-container mode
 * is refused (recognisable by the test classes Arquillian adds to the archive): with the {@code Local} protocol
 * arquillian-junit5 1.8.1 would silently skip the test's {@code @BeforeEach} methods. {@code @ArquillianResource
 * URL} is the server's base URL; {@code @Inject} fields get beans of the running appliance
 * ({@link CdiTestEnricher}).
 */
final class HelidonMpContainer implements DeployableContainer<HelidonMpContainerConfiguration> {
  static final String CONFIG_ENTRY = "META-INF/microprofile-config.properties";

  private HelidonMpContainerConfiguration configuration;
  private TestDatabase database;
  private RunningAppliance running;
  private Map<String, String> runningOverrides = Map.of();

  @Override
  public Class<HelidonMpContainerConfiguration> getConfigurationClass() {
    return HelidonMpContainerConfiguration.class;
  }

  @Override
  public void setup(HelidonMpContainerConfiguration configuration) {
    this.configuration = configuration;
  }

  @Override
  public void start() throws LifecycleException {
    try {
      database = TestDatabase.open(configuration);
    } catch (Exception e) {
      throw new LifecycleException(e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    shutDown();
    if (database != null) {
      database.close();
      database = null;
    }
  }

  @Override
  public ProtocolDescription getDefaultProtocol() {
    return new ProtocolDescription("Local");
  }

  @Override
  public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
    Map<String, String> overrides = overrides(archive);
    if (running != null && !(configuration.isReuse() && overrides.equals(runningOverrides))) {
      shutDown();
    }
    if (running == null) {
      try {
        running = RunningAppliance.start(configuration, database, overrides);
        runningOverrides = overrides;
      } catch (Exception e) {
        throw new DeploymentException("the appliance did not start on " + database.kind() + ": " + e, e);
      }
    }
    HTTPContext context = new HTTPContext(configuration.getHost(), running.port());
    context.add(new Servlet("witness", "/"));
    return new ProtocolMetaData().addContext(context);
  }

  @Override
  public void undeploy(Archive<?> archive) {
    if (!configuration.isReuse()) {
      shutDown();
    }
  }

  private void shutDown() {
    if (running != null) {
      try {
        running.close();
      } finally {
        running = null;
        runningOverrides = Map.of();
      }
    }
  }

  private static Map<String, String> overrides(Archive<?> archive) throws DeploymentException {
    boolean classes = archive.getContent().keySet().stream().anyMatch(p -> p.get().endsWith(".class"));
    if (classes) {
      throw new DeploymentException(archive.getName() + " carries classes: declare the deployment with "
          + "@Deployment(testable = false) and build it with io.witness.appliance.testing.Deployments (the "
          + "appliance runs in the test JVM; its classes come from the class path)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    Node node = archive.get(CONFIG_ENTRY);
    if (node == null || node.getAsset() == null) {
      return values;
    }
    Properties p = new Properties();
    try (InputStream in = node.getAsset().openStream()) {
      p.load(new StringReader(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new DeploymentException("cannot read " + CONFIG_ENTRY + " of " + archive.getName(), e);
    }
    p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
    return values;
  }
}
