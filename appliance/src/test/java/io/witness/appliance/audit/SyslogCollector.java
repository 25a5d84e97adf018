package io.witness.appliance.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A syslog collector for tests: accepts connections on {@code server} (plain or TLS) one after another and adds
 * every RFC 6587 octet-counted message ({@code LEN SP MSG}) to {@code received}, on a daemon thread.
 */
final class SyslogCollector {
  private SyslogCollector() {}

  static void start(ServerSocket server, List<String> received) {
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept(); InputStream in = new BufferedInputStream(s.getInputStream())) {
          while (true) {
            received.add(frame(in));
          }
        } catch (IOException e) {
          // the sender closed the connection or the handshake failed: take the next one
        }
      }
    }, "test-syslog-collector");
    t.setDaemon(true);
    t.start();
  }

  private static String frame(InputStream in) throws IOException {
    StringBuilder len = new StringBuilder();
    int c;
    while ((c = in.read()) != ' ') {
      if (c < 0) {
        throw new IOException("closed");
      }
      len.append((char) c);
    }
    return new String(in.readNBytes(Integer.parseInt(len.toString())), StandardCharsets.UTF_8);
  }
}
