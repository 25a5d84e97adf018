package io.witness.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * C2SP signed notes with Ed25519 (https://c2sp.org/signed-note): the text, a blank line, then one line per
 * signature, {@code — <key name> base64(key id ‖ signature)}, where the key id is the first 4 bytes of
 * {@code SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)} and the signature is Ed25519 over the text (which ends in a
 * newline). A verifier key is written {@code <name>+<hex key id>+base64(0x01 ‖ public key)}. Signing and verifying
 * go through JCA with the provider the caller gives.
 */
public final class SignedNote {
  private static final String DASH = "\u2014 ";
  private static final byte ED25519 = 0x01;
  /** X.509 SubjectPublicKeyInfo of an Ed25519 key, before its 32 bytes. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private SignedNote() {}

  /** Signs note texts; the appliance's implementation holds the private key. */
  public interface Signer {
    VerifierKey key();

    byte[] sign(byte[] message);
  }

  /**
   * A signer over a JCA Ed25519 key pair ({@code provider} null: the JDK's), named {@code name}: for keys held by
   * the caller, such as a test's or a benchmark's (the appliance signs with its own key custody).
   */
  public static Signer signer(String name, java.security.KeyPair pair, Provider provider) {
    VerifierKey key = VerifierKey.ofSpki(name, pair.getPublic().getEncoded());
    return new Signer() {
      @Override
      public VerifierKey key() {
        return key;
      }

      @Override
      public byte[] sign(byte[] message) {
        try {
          Signature s = provider == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", provider);
          s.initSign(pair.getPrivate());
          s.update(message);
          return s.sign();
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("Ed25519 signing failed", e);
        }
      }
    };
  }

  /** The public half: a name and a 32-byte Ed25519 key (copied in and out). */
  @SuppressWarnings("ArrayRecordComponent")
  public record VerifierKey(String name, byte[] publicKey) {
    public VerifierKey {
      if (name == null || name.isEmpty() || name.contains(" ") || name.contains("+") || name.contains("\n")) {
        throw new IllegalArgumentException("a key name is non-empty, without spaces, '+' or newlines");
      }
      if (publicKey == null || publicKey.length != 32) {
        throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
      }
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    public byte[] keyId() {
      MessageDigest d = Merkle.sha256();
      d.update(name.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0x0A);
      d.update(ED25519);
      return Arrays.copyOf(d.digest(publicKey), 4);
    }

    /** {@code name+keyid+base64(0x01 ‖ key)}. */
    public String encoded() {
      byte[] typed = new byte[33];
      typed[0] = ED25519;
      System.arraycopy(publicKey, 0, typed, 1, 32);
      return name + "+" + HexFormat.of().formatHex(keyId()) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    public static VerifierKey parse(String encoded) {
      String[] parts = encoded.trim().split("\\+", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("a verifier key is name+keyid+key");
      }
      byte[] typed = Base64.getDecoder().decode(parts[2]);
      if (typed.length != 33 || typed[0] != ED25519) {
        throw new IllegalArgumentException("only Ed25519 verifier keys (type 0x01) are supported");
      }
      VerifierKey k = new VerifierKey(parts[0], Arrays.copyOfRange(typed, 1, 33));
      if (!HexFormat.of().formatHex(k.keyId()).equals(parts[1])) {
        throw new IllegalArgumentException("the verifier key's id does not match its name and key");
      }
      return k;
    }

    /** The key from its X.509 SubjectPublicKeyInfo (DER). */
    public static VerifierKey ofSpki(String name, byte[] spki) {
      if (spki.length != 44 || !Arrays.equals(Arrays.copyOf(spki, 12), SPKI_PREFIX)) {
        throw new IllegalArgumentException("not an Ed25519 public key");
      }
      return new VerifierKey(name, Arrays.copyOfRange(spki, 12, 44));
    }

    PublicKey jca(Provider provider) throws GeneralSecurityException {
      byte[] spki = Arrays.copyOf(SPKI_PREFIX, 44);
      System.arraycopy(publicKey, 0, spki, 12, 32);
      KeyFactory f = provider == null ? KeyFactory.getInstance("Ed25519") : KeyFactory.getInstance("Ed25519", provider);
      return f.generatePublic(new X509EncodedKeySpec(spki));
    }
  }

  /** The note: {@code text} (ending in a newline), a blank line and the signature line. */
  public static String sign(String text, Signer signer) {
    requireText(text);
    byte[] sig = signer.sign(text.getBytes(StandardCharsets.UTF_8));
    byte[] idAndSig = new byte[4 + sig.length];
    System.arraycopy(signer.key().keyId(), 0, idAndSig, 0, 4);
    System.arraycopy(sig, 0, idAndSig, 4, sig.length);
    return text + "\n" + DASH + signer.key().name() + " " + Base64.getEncoder().encodeToString(idAndSig) + "\n";
  }

  /** A parsed note: its text and its signatures. */
  public record Parsed(String text, List<Signature64> signatures) {}

  /** One signature line, as parsed. */
  @SuppressWarnings("ArrayRecordComponent")
  public record Signature64(String keyName, byte[] keyId, byte[] signature) {}

  public static Parsed parse(String note) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new IllegalArgumentException("a signed note is text, a blank line and signature lines");
    }
    String text = note.substring(0, split + 1);
    List<Signature64> sigs = new ArrayList<>();
    String[] lines = note.substring(split + 2).split("\n", -1);
    for (String line : java.util.Arrays.copyOf(lines, lines.length - 1)) { // the note ends in a newline
      if (!line.startsWith(DASH)) {
        throw new IllegalArgumentException("a signature line starts with an em dash and a space");
      }
      String[] parts = line.substring(DASH.length()).split(" ", -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException("a signature line is '— name base64'");
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a signature is not base64", e);
      }
      if (raw.length < 5) {
        throw new IllegalArgumentException("a signature is too short");
      }
      sigs.add(new Signature64(parts[0], Arrays.copyOf(raw, 4), Arrays.copyOfRange(raw, 4, raw.length)));
    }
    return new Parsed(text, sigs);
  }

  /** Whether {@code note} carries a valid signature by {@code key}. */
  public static boolean verify(String note, VerifierKey key, Provider provider) {
    Parsed p;
    try {
      p = parse(note);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Signature64 s : p.signatures()) {
      if (s.keyName().equals(key.name()) && Arrays.equals(s.keyId(), key.keyId())) {
        try {
          Signature v = provider == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", provider);
          v.initVerify(key.jca(provider));
          v.update(p.text().getBytes(StandardCharsets.UTF_8));
          if (v.verify(s.signature())) {
            return true;
          }
        } catch (GeneralSecurityException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static void requireText(String text) {
    if (text.isEmpty() || !text.endsWith("\n") || text.contains("\n\n")) {
      throw new IllegalArgumentException("a note's text ends in a newline and has no blank line");
    }
  }
}
