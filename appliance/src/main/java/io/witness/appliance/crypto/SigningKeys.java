package io.witness.appliance.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The appliance's signing key (Ed25519), for documents it issues that someone must be able to check without it:
 * erasure certificates now, audit checkpoints later. Made on first use; the private key is stored only wrapped by
 * the root custody (table {@code signing_keys}) and re-wrapped when the root rotates. Its id is the first 16 bytes
 * of SHA-256 over the public key (X.509 SubjectPublicKeyInfo), hex. Through {@link CryptoBackend}: bc-fips in the FIPS
 * build (EdDSA is approved in FIPS 186-5).
 */
@ApplicationScoped
public class SigningKeys {
  public static final String ALGORITHM = "Ed25519";

  /** A signature and the key that made it. */
  @SuppressWarnings("ArrayRecordComponent") // a value handed out once
  public record Signed(String keyId, String algorithm, byte[] signature) {}

  /** A public key as published: id, algorithm and X.509 SubjectPublicKeyInfo (DER). */
  @SuppressWarnings("ArrayRecordComponent")
  public record Published(String keyId, String algorithm, byte[] publicKey) {}

  @Inject KeyRing ring;

  private volatile Loaded loaded;

  private record Loaded(Published published, PrivateKey privateKey) {}

  /** Signs {@code message} with the current signing key. */
  public Signed sign(byte[] message) {
    Loaded k = current();
    try {
      Signature s = CryptoBackend.signature(ALGORITHM);
      s.initSign(k.privateKey());
      s.update(message);
      return new Signed(k.published().keyId(), ALGORITHM, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The current public key. */
  public Published publicKey() {
    return current().published();
  }

  /** True when {@code signature} is {@code publicKey}'s (X.509 DER) over {@code message}. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    try {
      PublicKey key = CryptoBackend.keyFactory(ALGORITHM).generatePublic(new X509EncodedKeySpec(publicKey));
      Signature s = CryptoBackend.signature(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The id of a public key (X.509 DER). */
  public static String keyId(byte[] publicKey) {
    try {
      return HexFormat.of().formatHex(Arrays.copyOf(CryptoBackend.digest("SHA-256").digest(publicKey), 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** A new key pair: (public X.509 DER, private PKCS#8 DER). */
  static KeyPair generate() {
    try {
      java.security.KeyPairGenerator g = CryptoBackend.keyPairGenerator(ALGORITHM);
      g.initialize(255, CryptoBackend.random());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available", e);
    }
  }

  private Loaded current() {
    Loaded k = loaded;
    if (k == null) {
      synchronized (this) {
        k = loaded;
        if (k == null) {
          KeyRing.SigningKey stored = ring.signingKey();
          try {
            PrivateKey privateKey = CryptoBackend.keyFactory(ALGORITHM)
                .generatePrivate(new PKCS8EncodedKeySpec(stored.privateKey()));
            Arrays.fill(stored.privateKey(), (byte) 0);
            k = new Loaded(new Published(stored.id(), ALGORITHM, stored.publicKey()), privateKey);
          } catch (GeneralSecurityException e) {
            throw new IntegrityException("the stored signing key cannot be read");
          }
          loaded = k;
        }
      }
    }
    return k;
  }
}
