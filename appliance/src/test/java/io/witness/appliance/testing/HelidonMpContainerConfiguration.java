package io.witness.appliance.testing;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/**
 * Settings of {@link HelidonMpContainer}, from {@code arquillian.xml} (or
 * {@code -Darq.container.helidon-mp.configuration.<name>=...}). Public because Arquillian maps the XML onto it
 * by reflection.
 */
public class HelidonMpContainerConfiguration implements ContainerConfiguration {
  private String host = "127.0.0.1";
  private String adminPassword = "it-admin-password-1";
  private String database = System.getProperty("witness.test.db", "h2");
  private String workDir = System.getProperty("witness.test.work-dir", System.getProperty("java.io.tmpdir"));
  private boolean keepData = Boolean.getBoolean("witness.test.keep-data");
  private boolean reuse = true;

  @Override
  public void validate() throws ConfigurationException {
    if (!database.equals("h2") && !database.equals("postgresql")) {
      throw new ConfigurationException("database (system property witness.test.db) must be h2 or postgresql, not '"
          + database + "'");
    }
    if (adminPassword.isBlank()) {
      throw new ConfigurationException("adminPassword must not be blank");
    }
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getAdminPassword() {
    return adminPassword;
  }

  public void setAdminPassword(String adminPassword) {
    this.adminPassword = adminPassword;
  }

  /** {@code h2} (embedded file database in the deployment's data directory) or {@code postgresql} (zonky). */
  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  /** Where the per-deployment data directories (and the embedded PostgreSQL cluster) are created. */
  public String getWorkDir() {
    return workDir;
  }

  public void setWorkDir(String workDir) {
    this.workDir = workDir;
  }

  /** Keep the data directories after the run, to look at a failure. */
  public boolean isKeepData() {
    return keepData;
  }

  public void setKeepData(boolean keepData) {
    this.keepData = keepData;
  }

  /** Keep the running appliance for the next test class when it asks for the same configuration. */
  public boolean isReuse() {
    return reuse;
  }

  public void setReuse(boolean reuse) {
    this.reuse = reuse;
  }
}
