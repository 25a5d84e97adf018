package io.witness.appliance.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/1.1 client on a socket, for what java.net.http cannot show: that the server answers while the
 * request body is still being sent. (Helidon drains an unread request body after answering, to keep the
 * connection; a client that sends everything first cannot tell an early answer from a late one.)
 */
public final class RawHttp {
  private RawHttp() {}

  /** The answer's status and how many body bytes had been sent when it arrived. */
  public record EarlyAnswer(int status, String head, long bytesSent) {}

  /**
   * POSTs {@code body} with {@code Transfer-Encoding: chunked}, 64 KiB per chunk, and stops sending as soon as
   * the answer's head has arrived (or the server closed the connection).
   */
  public static EarlyAnswer postChunked(URI uri, Map<String, String> headers, InputStream body, Duration timeout) {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
          + ":" + uri.getPort() + "\r\nTransfer-Encoding: chunked\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readHead(in));
      byte[] chunk = new byte[64 << 10];
      long sent = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!answer.isDone() && System.nanoTime() < deadline) {
        int n = body.readNBytes(chunk, 0, chunk.length);
        try {
          if (n <= 0) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            break;
          }
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(chunk, 0, n);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          sent += n;
        } catch (IOException closed) {
          break; // the server stopped reading and closed: its answer is on the way
        }
      }
      String response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String[] statusLine = response.split("\r\n", 2)[0].split(" ");
      return new EarlyAnswer(Integer.parseInt(statusLine[1]), response, sent);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("no answer from " + uri + ": " + e, e);
    }
  }

  private static String readHead(InputStream in) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      int c;
      while ((c = in.read()) >= 0) {
        b.write(c);
        String s = b.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
