package io.witness.appliance.platform;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The files under {@code WEB/} on the classpath (the console, the demo site, the recorder SDK from the
 * consent-gateway jar), served from memory: each file is read once, whole, on its first request, and kept with
 * its gzip form and a content-hash ETag.
 *
 * <p>Replaces Helidon 4.2.0's classpath static-content handler, which closes the shared {@code JarFile} of a
 * {@code jar:} URL after each extraction (helidon-io/helidon#9908): under concurrent first requests (a browser
 * loading the console's scripts in parallel) a file was served cut short, and stayed so until a restart.
 * Caching and security headers stay in {@link SecurityHeaders}.
 */
@ApplicationScoped
class StaticFiles {
  private static final String ROOT = "WEB";
  /** Paths owned by the API and the web-server routes: never looked up here. */
  private static final Pattern NOT_STATIC = Pattern.compile("^/(api|ingest|consent|openapi|health)(/.*)?$");
  /** Safe path segments only: no "..", no hidden files, no backslashes or control characters. */
  private static final Pattern SAFE_PATH = Pattern.compile("^(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$");
  private static final int MAX_FILE_BYTES = 8 << 20;
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"));
  private static final java.util.Set<String> COMPRESSIBLE = java.util.Set.of("html", "js", "mjs", "css", "svg",
      "json", "map", "txt");

  /** One file, as served. */
  record File(String contentType, byte[] bytes, byte[] gzipped, String etag) {}

  private final ClassLoader loader = StaticFiles.class.getClassLoader();
  /** Files found so far; a miss is not remembered, so a stranger's probing cannot grow it. */
  private final Map<String, File> files = new ConcurrentHashMap<>();

  void register(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE + 2)
      @Initialized(ApplicationScoped.class) Object ignored, BeanManager beans) {
    beans.getExtension(ServerCdiExtension.class).serverRoutingBuilder()
        .get("/*", this::serve)
        .head("/*", this::serve);
  }

  private void serve(ServerRequest req, ServerResponse res) {
    String path = req.path().path();
    if (path.equals("/")) {
      path = "/index.html";
    }
    Optional<File> file = NOT_STATIC.matcher(path).matches() ? Optional.empty() : find(path);
    if (file.isEmpty()) {
      res.next();
      return;
    }
    File f = file.get();
    res.header(HeaderNames.ETAG, f.etag());
    res.header(HeaderNames.VARY, "Accept-Encoding");
    if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(f.etag())).orElse(false)) {
      res.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, f.contentType());
    boolean gzip = f.gzipped() != null && acceptsGzip(req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(""));
    byte[] body = gzip ? f.gzipped() : f.bytes();
    if (gzip) {
      res.header(HeaderNames.CONTENT_ENCODING, "gzip");
    }
    if (req.prologue().method().equals(io.helidon.http.Method.HEAD)) {
      res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
      res.send();
    } else {
      res.send(body);
    }
  }

  /** The file at {@code path} (a request path such as {@code /console/replay.html}), if there is one. */
  Optional<File> find(String path) {
    if (!SAFE_PATH.matcher(path).matches()) {
      return Optional.empty();
    }
    File cached = files.get(path);
    if (cached != null) {
      return Optional.of(cached);
    }
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.get(ext);
    if (type == null || path.lastIndexOf('.') < path.lastIndexOf('/')) {
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = loader.getResourceAsStream(ROOT + path)) {
      if (in == null) {
        return Optional.empty();
      }
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + path + " from the classpath", e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalStateException(ROOT + path + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    File f = new File(type, bytes, COMPRESSIBLE.contains(ext) ? gzip(bytes) : null, etag(bytes));
    files.put(path, f);
    return Optional.of(f);
  }

  /** Whether an Accept-Encoding value allows gzip (a "gzip" or "*" coding whose q is not 0). */
  static boolean acceptsGzip(String acceptEncoding) {
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("*")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < p.length; i++) {
        String param = p[i].trim().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            refused = Double.parseDouble(param.substring(2)) <= 0;
          } catch (NumberFormatException e) {
            refused = true;
          }
        }
      }
      return !refused;
    }
    return false;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
