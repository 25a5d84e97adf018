package io.witness.appliance.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecordingsResourceTest {
  @Test
  void acceptsGzip_browserHeader_true() {
    assertTrue(RecordingsResource.acceptsGzip("gzip, deflate, br, zstd"));
    assertTrue(RecordingsResource.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
  }

  @Test
  void acceptsGzip_absentOrRefused_false() {
    assertFalse(RecordingsResource.acceptsGzip(null));
    assertFalse(RecordingsResource.acceptsGzip("identity"));
    assertFalse(RecordingsResource.acceptsGzip("gzip;q=0"));
    assertFalse(RecordingsResource.acceptsGzip("x-gzipped"));
  }
}
