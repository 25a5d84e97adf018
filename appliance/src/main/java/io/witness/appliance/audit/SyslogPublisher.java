package io.witness.appliance.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends every signed checkpoint to a syslog collector as it is made: RFC 5424 messages over TCP with octet-counting
 * framing (RFC 6587 §3.4.1, as RFC 5425 uses over TLS), facility log audit (13), severity notice, app name
 * {@code witness}, message id {@code audit-checkpoint}, the note as the message. {@code audit.syslog-tls=true}
 * connects with TLS (RFC 5425), trusting the CA certificate(s) of {@code audit.syslog-ca} (PEM) if set, else the
 * JVM's trust store; the collector's host name is checked against its certificate. A thread of its own sends, so a slow
 * or absent collector never holds up the log; notes wait (up to 10,000) and are sent in order once it is back.
 */
final class SyslogPublisher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SyslogPublisher.class.getName());
  private static final int PRI = 13 * 8 + 5;
  private static final int CAPACITY = 10_000;

  private final String host;
  private final int port;
  private final boolean tls;
  private final javax.net.ssl.SSLSocketFactory tlsFactory;
  private final String hostname;
  private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>(CAPACITY);
  private final Thread sender;
  private volatile boolean closed;
  private Socket socket;

  private SyslogPublisher(String host, int port, boolean tls, javax.net.ssl.SSLSocketFactory tlsFactory) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.tlsFactory = tlsFactory;
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = "-";
    }
    this.hostname = name.isBlank() ? "-" : name.replace(' ', '-');
    this.sender = new Thread(this::run, "witness-audit-syslog");
    sender.setDaemon(true);
  }

  /** {@code target} is {@code host:port}; {@code caPem}, with TLS, the CA certificate(s) to trust (null: the JVM's). */
  static SyslogPublisher start(String target, boolean tls, java.nio.file.Path caPem) {
    int colon = target.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("audit.syslog must be host:port, not " + target);
    }
    javax.net.ssl.SSLSocketFactory factory = tls ? (caPem == null ? (SSLSocketFactory) SSLSocketFactory.getDefault()
        : trusting(caPem)) : null;
    SyslogPublisher p = new SyslogPublisher(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
        tls, factory);
    p.sender.start();
    return p;
  }

  /** A TLS socket factory that trusts exactly the certificates of a PEM file. */
  static SSLSocketFactory trusting(java.nio.file.Path caPem) {
    try (InputStream in = java.nio.file.Files.newInputStream(caPem)) {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("audit.syslog-ca holds no certificate: " + caPem);
      }
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
          javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read audit.syslog-ca " + caPem + ": " + e.getMessage(), e);
    }
  }

  void publish(String note) {
    if (!queue.offerLast(note)) {
      queue.pollFirst();
      queue.offerLast(note);
      LOG.warning("the syslog collector is behind by " + CAPACITY + " checkpoints; the oldest waiting one was dropped"
          + " (it is still in the database and the checkpoint directory)");
    }
  }

  /** One RFC 5424 message, framed by its length. */
  byte[] frame(String note) {
    String msg = "<" + PRI + ">1 " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + hostname
        + " witness - audit-checkpoint - " + note;
    byte[] body = msg.getBytes(StandardCharsets.UTF_8);
    byte[] head = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  private void run() {
    long backoffMs = 500;
    while (!closed || !queue.isEmpty()) {
      String note;
      try {
        note = queue.pollFirst(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (note == null) {
        continue;
      }
      try {
        OutputStream out = connection();
        out.write(frame(note));
        out.flush();
        backoffMs = 500;
      } catch (IOException e) {
        queue.offerFirst(note);
        disconnect();
        LOG.warning("cannot send an audit checkpoint to syslog " + host + ":" + port + " (" + e.getClass().getSimpleName()
            + "); retrying in " + backoffMs + " ms");
        if (closed) {
          return;
        }
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException stop) {
          return;
        }
        backoffMs = Math.min(30_000, backoffMs * 2);
      }
    }
    disconnect();
  }

  private OutputStream connection() throws IOException {
    if (socket == null || socket.isClosed()) {
      if (tls) {
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tlsFactory.createSocket(host, port);
        javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the collector's host
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        socket = ssl;
      } else {
        socket = new Socket(host, port);
      }
      socket.setTcpNoDelay(true);
    }
    return socket.getOutputStream();
  }

  private void disconnect() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }

  /** Sends what is waiting (for up to 5 s), then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      sender.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.interrupt();
  }
}
