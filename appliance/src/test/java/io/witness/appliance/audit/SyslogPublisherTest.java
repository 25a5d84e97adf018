package io.witness.appliance.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints to a syslog collector over TLS (RFC 5425): a real TLS server on loopback with a certificate made here
 * by the JDK's keytool; the publisher trusts it through {@code audit.syslog-ca} and refuses a collector whose
 * certificate another CA signed. (Plain TCP, with the appliance, is in AuditIT.)
 */
class SyslogPublisherTest {
  @TempDir Path dir;

  /** A self-signed certificate for localhost: its PKCS#12 key store and its PEM. */
  private Path[] certificate(String name) throws Exception {
    Path p12 = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "collector", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", p12.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit");
    run(keytool, "-exportcert", "-rfc", "-alias", "collector", "-keystore", p12.toString(), "-storepass", "changeit",
        "-file", pem.toString());
    return new Path[] {p12, pem};
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
  }

  private static SSLServerSocket server(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0);
  }

  @Test
  void everyCheckpointReachesATlsCollectorItsCaVouchesFor() throws Exception {
    Path[] cert = certificate("collector");
    List<String> received = new CopyOnWriteArrayList<>();
    try (SSLServerSocket server = server(cert[0])) {
      SyslogCollector.start(server, received);
      try (SyslogPublisher p = SyslogPublisher.start("localhost:" + server.getLocalPort(), true, cert[1])) {
        for (int i = 1; i <= 3; i++) {
          p.publish("witness.test/audit\n" + (i * 10) + "\nAAAA\n\n\u2014 witness.test/audit sig" + i + "\n");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.size() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
    }
    assertEquals(3, received.size(), received.toString());
    for (int i = 1; i <= 3; i++) {
      assertTrue(received.get(i - 1).matches("(?s)<109>1 \\S+ \\S+ witness - audit-checkpoint - witness.test/audit\n"
          + (i * 10) + "\n.*sig" + i + "\n"), received.get(i - 1));
    }
  }

  @Test
  void aCollectorWhoseCertificateAnotherCaSignedGetsNothing() throws Exception {
    Path[] cert = certificate("collector");
    Path[] other = certificate("other");
    List<String> received = new CopyOnWriteArrayList<>();
    try (SSLServerSocket server = server(cert[0])) {
      SyslogCollector.start(server, received);
      try (SyslogPublisher p = SyslogPublisher.start("localhost:" + server.getLocalPort(), true, other[1])) {
        p.publish("witness.test/audit\n1\nAAAA\n\n\u2014 witness.test/audit sig\n");
        Thread.sleep(1_500);
      }
    }
    assertEquals(List.of(), received, "nothing is sent to a collector the configured CA does not vouch for");
  }
}
