package io.witness.appliance.crypto;

/**
 * Where the appliance's root key lives, and the only code that touches it: keys below the root (site
 * key-encryption keys) are wrapped and unwrapped here, so a custody backed by an HSM never lets the root leave
 * the token. Implementations, chosen by {@code witness.key-custody} ({@link RootKeyExtension}):
 * {@link PassphraseCustody} ({@code passphrase}, the default: a BCFKS keystore sealed under a password derived
 * from a passphrase with Argon2id, or PBKDF2 in the FIPS build; wraps with AES-KWP in this JVM) and {@link Pkcs11Custody} ({@code pkcs11}: non-extractable root keys
 * generated on a PKCS#11 token, which wraps and unwraps with AES-GCM itself). A wrap is opaque: only the custody
 * that made it reads it, so an appliance keeps the custody it first started with (moving its keys to another
 * custody would mean re-wrapping them under both open at once, which nothing does yet).
 *
 * <p>Lifecycle: opened once at start, before anything is written (a custody that cannot open stops the start with
 * one clear message); thread-safe; {@link #close()} at stop forgets the key material it holds in memory. Root
 * keys are versioned: {@link #wrap} uses the current version, {@link #unwrap} the version that wrapped, so
 * rotation re-wraps the keys below without touching data, and a version is destroyed once nothing uses it.
 */
public interface KeyCustody extends AutoCloseable {
  /** Key bytes wrapped under root key {@code rootVersion}. */
  @SuppressWarnings("ArrayRecordComponent") // a value read once, never compared
  record Wrapped(int rootVersion, byte[] bytes) {}

  /** What this custody is, for logs and the admin API: never a secret. */
  String describe();

  /** The root key version {@link #wrap} uses. */
  int currentVersion();

  /** {@code key} wrapped under the current root key version. */
  Wrapped wrap(byte[] key);

  /**
   * The key bytes inside {@code wrapped}. An {@link IntegrityException} if the wrap was altered; a
   * {@link CustodyException} if its root version was destroyed or never existed.
   */
  byte[] unwrap(Wrapped wrapped);

  /** Makes a new root key version current and returns it; earlier versions still unwrap until destroyed. */
  int rotate();

  /** Destroys root key {@code version} (not the current one): what only it wrapped can never be unwrapped again. */
  void destroy(int version);

  /** Forgets the key material held in memory. */
  @Override
  void close();
}
