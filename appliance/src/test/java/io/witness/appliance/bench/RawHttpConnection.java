package io.witness.appliance.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection over a plain socket, for the load generator: the request is written from
 * prebuilt bytes and the answer is parsed just enough (status, {@code Content-Length} or chunked body,
 * {@code Connection: close}) to reuse the connection. This keeps the generator's own CPU use small on a machine
 * it shares with the server. Not thread-safe: one connection per sending thread.
 */
final class RawHttpConnection implements Closeable {
  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] line = new byte[8192];
  private byte[] lastBody = new byte[0];

  RawHttpConnection(String host, int port) {
    this.address = new InetSocketAddress(host, port);
  }

  /** Opens the connection unless it is open (the first exchange does it otherwise). */
  void connect() throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, 5_000);
      socket.setSoTimeout(60_000);
      in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
      out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
    }
  }

  /** Writes the parts of one request and reads the whole answer; returns the status code. */
  int exchange(byte[]... parts) throws IOException {
    connect();
    for (byte[] p : parts) {
      out.write(p);
    }
    out.flush();
    String status = readLine();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = readLine(); !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> { }
      }
    }
    if (chunked) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      for (long size = Long.parseLong(readLine().split(";")[0].trim(), 16); size > 0;
          size = Long.parseLong(readLine().split(";")[0].trim(), 16)) {
        body.write(in.readNBytes((int) size));
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers
      }
      lastBody = body.toByteArray();
    } else if (length >= 0) {
      lastBody = in.readNBytes((int) length);
      if (lastBody.length < length) {
        throw new EOFException("answer body cut short");
      }
    } else {
      lastBody = in.readAllBytes();
      close = true;
    }
    if (close) {
      close();
    }
    return code;
  }

  /** The body of the last answer. */
  String lastBody() {
    return new String(lastBody, StandardCharsets.UTF_8);
  }

  private String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        break;
      }
      if (b != '\r' && n < line.length) {
        line[n++] = (byte) b;
      }
    }
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
