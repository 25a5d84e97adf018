package io.witness.appliance.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The root key's recovery kit: every root key version split M-of-N ({@link Shamir}) into share texts, one per
 * custodian, to be kept offline (printed, in separate safes). Any M of them restore the root keys on a new machine
 * ({@link PassphraseCustody#restore}); fewer reveal nothing. A share is one line:
 * {@code WITNESS-RECOVERY-1 <kit id> <x>-of-<n> m=<m> <data> <check>}; its check (SHA-256 of the rest, 4 bytes)
 * catches a mistyped share, and the restored secret carries a SHA-256 of itself, so a wrong mix of shares is
 * refused instead of restoring garbage.
 */
public final class RecoveryKit {
  static final String PREFIX = "WITNESS-RECOVERY-1";
  private static final byte[] MAGIC = "WRK1".getBytes(StandardCharsets.US_ASCII);

  private RecoveryKit() {}

  /** Share texts for {@code rootKeys} (version to 32 key bytes): {@code n} of them, any {@code m} restore. */
  public static List<String> create(Map<Integer, byte[]> rootKeys, int m, int n) {
    ByteArrayOutputStream secret = new ByteArrayOutputStream();
    secret.writeBytes(MAGIC);
    secret.write(rootKeys.size());
    new TreeMap<>(rootKeys).forEach((version, key) -> {
      secret.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
      secret.writeBytes(key);
    });
    byte[] body = secret.toByteArray();
    secret.writeBytes(sha256(body));
    byte[] all = secret.toByteArray();
    byte[] id = new byte[4];
    CryptoBackend.random().nextBytes(id);
    String kitId = HexFormat.of().formatHex(id);
    List<String> texts = new ArrayList<>();
    for (Shamir.Share s : Shamir.split(all, m, n)) {
      String line = PREFIX + " " + kitId + " " + s.x() + "-of-" + n + " m=" + m + " "
          + Base64.getUrlEncoder().withoutPadding().encodeToString(s.y());
      texts.add(line + " " + check(line));
    }
    Arrays.fill(all, (byte) 0);
    Arrays.fill(body, (byte) 0);
    return texts;
  }

  /** The root keys (version to bytes) from share texts of one kit; a {@link CustodyException} says what is wrong. */
  public static Map<Integer, byte[]> restore(List<String> shareTexts) {
    List<Shamir.Share> shares = new ArrayList<>();
    String kitId = null;
    int m = 0;
    for (String text : shareTexts) {
      String line = text.strip();
      String[] f = line.split(" ");
      if (f.length != 6 || !f[0].equals(PREFIX) || !f[3].startsWith("m=")) {
        throw new CustodyException("not a Witness recovery share: " + abbreviate(line));
      }
      String unchecked = line.substring(0, line.lastIndexOf(' '));
      if (!check(unchecked).equals(f[5])) {
        throw new CustodyException("share " + f[2] + " of kit " + f[1] + " is mistyped or damaged (check fails)");
      }
      if (kitId != null && !kitId.equals(f[1])) {
        throw new CustodyException("the shares come from different kits (" + kitId + " and " + f[1] + ")");
      }
      kitId = f[1];
      m = Integer.parseInt(f[3].substring(2));
      int x = Integer.parseInt(f[2].substring(0, f[2].indexOf('-')));
      if (shares.stream().anyMatch(s -> s.x() == x)) {
        throw new CustodyException("share " + f[2] + " was given twice");
      }
      shares.add(new Shamir.Share(x, Base64.getUrlDecoder().decode(f[4])));
    }
    if (shares.size() < Math.max(m, 2)) {
      throw new CustodyException("kit " + kitId + " needs " + m + " shares; " + shares.size() + " given");
    }
    byte[] all = Shamir.combine(shares);
    int bodyLength = all.length - 32;
    if (bodyLength < MAGIC.length + 1
        || !MessageDigest.isEqual(sha256(Arrays.copyOf(all, bodyLength)), Arrays.copyOfRange(all, bodyLength, all.length))
        || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new CustodyException("the shares do not restore kit " + kitId + " (one may belong to another kit)");
    }
    ByteBuffer b = ByteBuffer.wrap(all, MAGIC.length, bodyLength - MAGIC.length);
    int count = b.get() & 0xff;
    Map<Integer, byte[]> keys = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      int version = b.getInt();
      byte[] key = new byte[32];
      b.get(key);
      keys.put(version, key);
    }
    Arrays.fill(all, (byte) 0);
    return keys;
  }

  private static String check(String line) {
    return HexFormat.of().formatHex(Arrays.copyOf(sha256(line.getBytes(StandardCharsets.US_ASCII)), 4));
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 24) + "…";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return CryptoBackend.digest("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
