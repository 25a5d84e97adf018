package io.witness.appliance.testing;

import java.util.Map;
import java.util.TreeMap;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/**
 * Deployment archives for {@code @Deployment} methods. The archive never holds classes (they come from the test
 * class path); it may hold configuration values that override the appliance's for one test class.
 */
public final class Deployments {
  private Deployments() {}

  /** The appliance with its default configuration; use with {@code @Deployment(testable = false)}. */
  /** The root keystore passphrase of every test deployment. */
  public static final String ROOT_PASSPHRASE = RunningAppliance.ROOT_PASSPHRASE;

  public static JavaArchive appliance() {
    return ShrinkWrap.create(JavaArchive.class, "witness-appliance.jar");
  }

  /** The appliance with some configuration keys overridden, e.g. {@code capture.site-batch-burst=3}. */
  public static JavaArchive appliance(Map<String, String> config) {
    StringBuilder properties = new StringBuilder();
    new TreeMap<>(config).forEach((k, v) -> properties.append(escape(k)).append('=').append(escape(v))
        .append('\n'));
    return appliance().addAsManifestResource(new StringAsset(properties.toString()),
        "microprofile-config.properties");
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
  }
}
