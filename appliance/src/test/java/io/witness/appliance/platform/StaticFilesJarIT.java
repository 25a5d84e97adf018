package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.bench.ApplianceProcess;
import io.witness.appliance.bench.Paths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The packaged appliance ({@code java -jar}) serves every file under {@code WEB/} of its jars whole, also when the
 * first requests for them come all at once, as a browser opening the console sends them. Regression test for
 * Helidon 4.2.0's classpath handler, which cut a file short under concurrent first requests from a jar
 * (helidon-io/helidon#9908): the console's 291 KB replay script was served as its first 21,972 bytes.
 */
class StaticFilesJarIT {
  private static final int CLIENTS = 16;

  @Test
  void everyFileUnderWeb_isServedWhole_underConcurrentFirstRequests() throws Exception {
    Map<String, byte[]> expected = webFiles();
    assertTrue(expected.keySet().stream().anyMatch(p -> p.startsWith("/console/assets/") && p.endsWith(".js")),
        "the packaged jar holds no console scripts; build with 'mvn -pl appliance -am package'");
    Path work = Files.createDirectories(Path.of("target", "it-work", "static-files"));
    try (ApplianceProcess app = ApplianceProcess.start(ApplianceProcess.Options.of(work.resolve("data"), work))) {
      app.awaitHealthy(Duration.ofMinutes(3));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          boolean gzip = c % 2 == 1;
          List<String> order = new ArrayList<>(expected.keySet());
          Collections.rotate(order, c);
          all.add(pool.submit(() -> {
            go.await();
            for (String path : order) {
              check(http, app.baseUri(), path, expected.get(path), gzip, problems);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : all) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(List.of(), problems, "files served differently from the jar (log: " + app.log() + ")");
    }
  }

  private static void check(HttpClient http, URI base, String path, byte[] expected, boolean gzip,
      List<String> problems) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (gzip) {
      req.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (res.statusCode() != 200) {
      problems.add(path + ": status " + res.statusCode());
      return;
    }
    byte[] body = res.body();
    if ("gzip".equals(res.headers().firstValue("Content-Encoding").orElse(""))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    try {
      assertArrayEquals(expected, body);
    } catch (AssertionError e) {
      problems.add(path + (gzip ? " (gzip)" : "") + ": " + body.length + " bytes instead of " + expected.length);
    }
  }

  /** Request path to content of every servable file under WEB/ in the appliance jar and the SDK jar. */
  private static Map<String, byte[]> webFiles() throws IOException {
    Path jar = Paths.applianceJar();
    List<Path> jars = new ArrayList<>(List.of(jar));
    try (var libs = Files.list(jar.resolveSibling("libs"))) {
      libs.filter(p -> p.getFileName().toString().startsWith("witness-consent-gateway")).forEach(jars::add);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Path j : jars) {
      try (JarFile f = new JarFile(j.toFile())) {
        for (var e : Collections.list(f.entries())) {
          String name = e.getName();
          if (name.startsWith("WEB/") && !e.isDirectory()) {
            try (var in = f.getInputStream(e)) {
              files.put(name.substring(3), in.readAllBytes());
            }
          }
        }
      }
    }
    return files;
  }
}
