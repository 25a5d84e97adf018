package io.witness.consent;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The output of a pass over a batch's bytes ({@link BatchSanitizer}): the source's bytes copied in order, with
 * ranges skipped or replaced by edits made in source order.
 */
final class Splice {
  final byte[] source;
  byte[] buf;
  int size;
  /** Source bytes before this offset are dealt with (copied, skipped or replaced). */
  private int copied;

  Splice(byte[] source, byte[] into) {
    this.source = source;
    this.buf = into;
  }

  void copyTo(int offset) {
    write(source, copied, offset - copied);
    copied = offset;
  }

  void skipTo(int offset) {
    copied = offset;
  }

  /** Replaces source bytes [from, to) (not yet copied) by {@code with}. */
  void replace(int from, int to, byte[] with) {
    if (from < copied) {
      throw new IllegalStateException("edits out of order at byte " + from);
    }
    copyTo(from);
    write(with, 0, with.length);
    copied = to;
  }

  int size() {
    return size;
  }

  /** Forgets the output after {@code size}; source bytes before {@code copied} count as dealt with. */
  void truncate(int size, int copied) {
    this.size = size;
    this.copied = copied;
  }

  void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void write(byte[] b) {
    write(b, 0, b.length);
  }

  void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  /** A replacement of source bytes [start, end), not yet made. */
  @SuppressWarnings("ArrayRecordComponent") // bytes made for this edit, read once
  record Edit(int start, int end, byte[] bytes) {}

  /** A JSON string of {@code text}, quoted. */
  static byte[] quoted(String text) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] q = new byte[inner.length + 2];
    q[0] = '"';
    System.arraycopy(inner, 0, q, 1, inner.length);
    q[q.length - 1] = '"';
    return q;
  }
}
