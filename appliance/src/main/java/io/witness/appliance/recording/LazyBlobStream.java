package io.witness.appliance.recording;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** Fetches a blob only when first read, so that a long chunk list holds one chunk in memory at a time. */
final class LazyBlobStream extends InputStream {
  private final Supplier<byte[]> fetch;
  private InputStream in;

  LazyBlobStream(Supplier<byte[]> fetch) {
    this.fetch = fetch;
  }

  private InputStream in() {
    if (in == null) {
      in = new ByteArrayInputStream(fetch.get());
    }
    return in;
  }

  @Override
  public int read() throws IOException {
    return in().read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in().read(b, off, len);
  }
}
