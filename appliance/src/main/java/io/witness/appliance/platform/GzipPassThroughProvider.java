package io.witness.appliance.platform;

import io.helidon.common.config.Config;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.spi.ContentEncodingProvider;
import java.util.Set;

/**
 * Lets {@code Content-Encoding: gzip} request bodies reach the resources undecoded, where {@link LimitedInput}
 * decodes them under the compressed and decompressed limits of the capture protocol.
 *
 * <p>Why: Helidon's web server answers 400 with an empty body to any request that carries a
 * {@code Content-Encoding} it has no decoder for, before JAX-RS runs; its gzip decoder module
 * ({@code helidon-http-encoding-gzip}) is not on the Maven mirror, and a server-side decoder would also hide the
 * wire size from the compressed-body limit. Loaded by Helidon with {@link java.util.ServiceLoader}; it declares
 * decoding only, so responses stay uncompressed as before.
 */
public final class GzipPassThroughProvider implements ContentEncodingProvider {
  private static final String TYPE = "gzip-pass-through";
  /**
   * gzip, plus the other registered codings: LimitedInput refuses those with the protocol's 415 problem, where
   * Helidon would answer an empty 400 (an unregistered token still gets Helidon's 400).
   */
  private static final Set<String> IDS = Set.of("gzip", "x-gzip", "deflate", "br", "compress", "x-compress", "zstd");

  @Override
  public String configKey() {
    return TYPE;
  }

  @Override
  public ContentEncoding create(Config config, String name) {
    return new ContentEncoding() {
      @Override public String name() { return name; }
      @Override public String type() { return TYPE; }
      @Override public Set<String> ids() { return IDS; }
      @Override public boolean supportsEncoding() { return false; }
      @Override public boolean supportsDecoding() { return true; }
      @Override public ContentDecoder decoder() { return ContentDecoder.NO_OP; }
      @Override public ContentEncoder encoder() { return ContentEncoder.NO_OP; }
    };
  }
}
