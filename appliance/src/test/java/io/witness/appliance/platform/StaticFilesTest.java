package io.witness.appliance.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class StaticFilesTest {
  private final StaticFiles files = new StaticFiles();

  @Test
  void acceptsGzip_followsTheCodingsAndTheirWeights() {
    assertTrue(StaticFiles.acceptsGzip("gzip, deflate, br"));
    assertTrue(StaticFiles.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
    assertTrue(StaticFiles.acceptsGzip("*"));
    assertFalse(StaticFiles.acceptsGzip(""));
    assertFalse(StaticFiles.acceptsGzip("identity"));
    assertFalse(StaticFiles.acceptsGzip("gzip;q=0"));
    assertFalse(StaticFiles.acceptsGzip("gzip;q=0.000"));
    assertFalse(StaticFiles.acceptsGzip("gzip;q=nonsense"));
  }

  @Test
  void find_servesAFileWithItsTypeGzipFormAndContentEtag() throws IOException {
    StaticFiles.File f = files.find("/index.html").orElseThrow();
    byte[] raw;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("WEB/index.html")) {
      raw = in.readAllBytes();
    }
    assertArrayEquals(raw, f.bytes());
    assertEquals("text/html; charset=utf-8", f.contentType());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(f.gzipped()))) {
      assertArrayEquals(raw, in.readAllBytes());
    }
    assertTrue(f.etag().matches("\"[0-9a-f]{24}\""), f.etag());
    assertSame(f, files.find("/index.html").orElseThrow(), "read once, then served from memory");
  }

  @Test
  void find_refusesPathsOutsideWebAndUnknownTypes() {
    assertTrue(files.find("/../META-INF/microprofile-config.properties").isEmpty());
    assertTrue(files.find("/console/../index.html").isEmpty());
    assertTrue(files.find("/%2e%2e/index.html").isEmpty());
    assertTrue(files.find("/.hidden.html").isEmpty());
    assertTrue(files.find("//index.html").isEmpty());
    assertTrue(files.find("/index.html/").isEmpty());
    assertTrue(files.find("/db/migration/common").isEmpty(), "a directory or a file without a known type");
    assertTrue(files.find("/no-such-file.js").isEmpty());
  }
}
