package io.witness.appliance.recording;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Takes a JSON array of events and passes on only elements {@code from} to {@code from + limit - 1}, as an array
 * of their own, byte for byte. It scans the bytes instead of parsing them (the stored events were validated when
 * they came in): top-level elements end at a comma outside any string, object or array.
 *
 * <p>{@link #done()} turns true once the range is written, so the writer can stop reading the recording: the
 * first page of a 30-minute recording costs its first chunk, not the whole stream.
 */
final class EventRangeOutputStream extends OutputStream {
  private final OutputStream out;
  private final long from;
  private final long end;

  private long index;
  private int depth;
  private boolean inString;
  private boolean escape;
  private boolean started;
  private boolean inElement;
  private boolean copying;
  private boolean wroteElement;
  private boolean done;

  EventRangeOutputStream(OutputStream out, long from, long limit) {
    this.out = out;
    this.from = from;
    this.end = limit == Long.MAX_VALUE ? Long.MAX_VALUE : from + limit;
  }

  boolean done() {
    return done;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int copyFrom = copying ? off : -1;
    for (int i = off; i < off + len && !done; i++) {
      byte c = b[i];
      if (!started) {
        if (c == '[') {
          started = true;
          out.write('[');
        }
        continue;
      }
      if (inString) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (depth == 0) {
        if (c == ',' || c == ']') {
          if (copyFrom >= 0) {
            out.write(b, copyFrom, i - copyFrom);
            copyFrom = -1;
            copying = false;
          }
          if (inElement) {
            inElement = false;
            index++;
          }
          if (c == ']' || index >= end) {
            finish();
          }
          continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          continue;
        }
        if (!inElement) {
          inElement = true;
          if (index >= from) {
            if (wroteElement) {
              out.write(',');
            }
            wroteElement = true;
            copyFrom = i;
            copying = true;
          }
        }
      }
      if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0 && copyFrom >= 0) {
          // The element ends here: spacing before the next comma is not copied.
          out.write(b, copyFrom, i + 1 - copyFrom);
          copyFrom = -1;
          copying = false;
        }
      }
    }
    if (copyFrom >= 0 && !done) {
      out.write(b, copyFrom, off + len - copyFrom);
    }
  }

  private void finish() throws IOException {
    done = true;
    out.write(']');
  }

  /** Closes the array if the input ended without its ']' (it never does for a stored recording). */
  void complete() throws IOException {
    if (!done) {
      if (!started) {
        out.write('[');
      }
      finish();
    }
  }
}
