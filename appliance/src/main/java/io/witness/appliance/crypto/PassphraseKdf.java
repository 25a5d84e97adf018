package io.witness.appliance.crypto;

import java.util.Properties;

/**
 * How the root keystore's password is derived from the root passphrase, with its cost. The choice and its
 * parameters are written beside the keystore ({@code root-kdf.properties}, no secret in it), so a keystore always
 * opens with the derivation that sealed it, whatever the build's {@linkplain #standard() standard} is today.
 *
 * <p>The default build seals with {@link Argon2id}; the FIPS build (Maven profile {@code fips}, bc-fips in
 * approved-only mode) with {@link Pbkdf2HmacSha512}, because bc-fips has no Argon2 and Argon2 is not an approved
 * algorithm. The default build opens both kinds; the FIPS build refuses an Argon2id keystore with a message saying
 * how to move the keys (a recovery kit), rather than computing an unapproved derivation.
 */
public sealed interface PassphraseKdf permits PassphraseKdf.Argon2id, PassphraseKdf.Pbkdf2HmacSha512 {
  /** The derivation this build seals new keystores with, at its production cost. */
  static PassphraseKdf standard() {
    return CryptoBackend.standardKdf();
  }

  /** The name and parameters of this derivation, without the salt, for logs. */
  String describe();

  /** Argon2id (RFC 9106) with memory in KiB, passes and lanes. */
  record Argon2id(int memoryKiB, int iterations, int parallelism) implements PassphraseKdf {
    static final String NAME = "argon2id";

    /**
     * OWASP's setting for Argon2id (19 MiB, 2 passes, one lane): about 0.1 s here, once per start. RFC 9106's 64
     * MiB grew the idle appliance by 45 MiB past its 300-MB target (docs/benchmarks.md, startup); BCFKS adds its
     * own PBKDF2 on top, and the passphrase has at least 16 characters.
     */
    public static final Argon2id DEFAULT = new Argon2id(19 * 1024, 2, 1);

    @Override
    public String describe() {
      return "Argon2id " + memoryKiB + " KiB, " + iterations + " passes, " + parallelism + " lane(s)";
    }
  }

  /** PBKDF2 with HMAC-SHA-512 (NIST SP 800-132), 256-bit output. */
  record Pbkdf2HmacSha512(int iterations) implements PassphraseKdf {
    static final String NAME = "pbkdf2-hmac-sha512";

    /**
     * OWASP's Password Storage Cheat Sheet setting for PBKDF2-HMAC-SHA-512 (210,000 iterations, tuned for the
     * same attacker cost as its Argon2id setting): about 0.3 s here with bc-fips, once per start. SP 800-132 asks
     * for at least 1,000.
     */
    public static final Pbkdf2HmacSha512 DEFAULT = new Pbkdf2HmacSha512(210_000);

    @Override
    public String describe() {
      return "PBKDF2-HMAC-SHA-512 " + iterations + " iterations";
    }
  }

  /** Writes the derivation's name and parameters into {@code kdf}. */
  static void store(PassphraseKdf kdf, Properties into) {
    switch (kdf) {
      case Argon2id a -> {
        into.setProperty("algorithm", Argon2id.NAME);
        into.setProperty("memory-kib", Integer.toString(a.memoryKiB()));
        into.setProperty("iterations", Integer.toString(a.iterations()));
        into.setProperty("parallelism", Integer.toString(a.parallelism()));
      }
      case Pbkdf2HmacSha512 p -> {
        into.setProperty("algorithm", Pbkdf2HmacSha512.NAME);
        into.setProperty("iterations", Integer.toString(p.iterations()));
      }
    }
  }

  /**
   * The derivation {@code from} names; an {@link IllegalArgumentException} (also for a missing number) if it names
   * none we know.
   */
  static PassphraseKdf load(Properties from) {
    String algorithm = String.valueOf(from.getProperty("algorithm"));
    return switch (algorithm) {
      case Argon2id.NAME -> new Argon2id(number(from, "memory-kib"), number(from, "iterations"),
          number(from, "parallelism"));
      case Pbkdf2HmacSha512.NAME -> new Pbkdf2HmacSha512(number(from, "iterations"));
      default -> throw new IllegalArgumentException("unknown key derivation " + algorithm);
    };
  }

  private static int number(Properties from, String key) {
    String value = from.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return Integer.parseInt(value);
  }
}
