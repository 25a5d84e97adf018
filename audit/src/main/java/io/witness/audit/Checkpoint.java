package io.witness.audit;

import java.util.Base64;

/**
 * A checkpoint of the log (C2SP tlog-checkpoint): the origin naming the log, the tree size and the root hash. Its
 * {@link #body()} is the text a {@link SignedNote} signs: {@code origin\nsize\nbase64(root)\n}.
 */
@SuppressWarnings("ArrayRecordComponent") // the root is copied in and out
public record Checkpoint(String origin, long size, byte[] root) {

  public Checkpoint {
    if (origin == null || origin.isBlank() || origin.contains("\n")) {
      throw new IllegalArgumentException("the origin is one non-empty line");
    }
    if (size < 0 || root == null || root.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("a checkpoint has a size >= 0 and a 32-byte root");
    }
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  /** Reads a checkpoint body (extension lines after the root are allowed and ignored, as C2SP says). */
  public static Checkpoint parse(String body) {
    String[] lines = body.split("\n", -1);
    if (lines.length < 4 || !lines[lines.length - 1].isEmpty()) {
      throw new IllegalArgumentException("a checkpoint has an origin, a size and a root hash, each on a line");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the checkpoint's size is not a number", e);
    }
    if (!lines[1].equals(Long.toString(size))) {
      throw new IllegalArgumentException("the checkpoint's size is not in decimal without leading zeros");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the checkpoint's root is not base64", e);
    }
    return new Checkpoint(lines[0], size, root);
  }
}
