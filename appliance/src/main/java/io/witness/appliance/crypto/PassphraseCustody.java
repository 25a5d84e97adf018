package io.witness.appliance.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The root key in a BCFKS keystore file sealed under a passphrase (compliance.md §3.6). The keystore's password
 * is not the passphrase itself but Argon2id of it (salt and cost in {@code root-kdf.properties} beside it), so
 * guessing a passphrase from a stolen backup costs 19 MiB and two passes per guess on top of BCFKS's own key
 * derivation. Every root key version is an entry {@code witness-root-v<n>}; the highest is current.
 *
 * <p>Files are written to a temporary name, fsynced and moved into place, owner-only (0600, directory 0700): a
 * crash mid-rotation leaves the previous keystore. Thread-safe: key changes are synchronized and rewrite the file
 * before they take effect in memory.
 */
public final class PassphraseCustody implements KeyCustody {
  static final String KEYSTORE = "root.bcfks";
  static final String KDF = "root-kdf.properties";
  static final int MIN_PASSPHRASE_CHARS = 16;
  private static final String ALIAS = "witness-root-v";
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Argon2id cost: memory in KiB, passes, lanes. */
  public record Argon2(int memoryKiB, int iterations, int parallelism) {
    /**
     * OWASP's setting for Argon2id (19 MiB, 2 passes, one lane): about 0.1 s here, once per start. RFC 9106's 64
     * MiB grew the idle appliance by 45 MiB past its 300-MB target (docs/benchmarks.md, startup); BCFKS adds its
     * own PBKDF2 on top, and the passphrase has at least 16 characters.
     */
    public static final Argon2 DEFAULT = new Argon2(19 * 1024, 2, 1);
  }

  private final Path dir;
  private final char[] storePassword;
  private final TreeMap<Integer, SecretKey> keys;

  private PassphraseCustody(Path dir, char[] storePassword, TreeMap<Integer, SecretKey> keys) {
    this.dir = dir;
    this.storePassword = storePassword;
    this.keys = keys;
  }

  /** True when {@code dir} holds a sealed root keystore. */
  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(KEYSTORE)) || Files.exists(dir.resolve(KDF));
  }

  /** Makes a new root key (version 1) sealed under {@code passphrase} in {@code dir}; refuses to overwrite one. */
  public static PassphraseCustody create(Path dir, char[] passphrase, Argon2 cost) {
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    keys.put(1, newAesKey());
    return seal(dir, passphrase, cost, keys);
  }

  /** Seals {@code keys} under {@code passphrase} in a new keystore in {@code dir}. */
  private static PassphraseCustody seal(Path dir, char[] passphrase, Argon2 cost, TreeMap<Integer, SecretKey> keys) {
    checkPassphrase(passphrase);
    if (exists(dir)) {
      throw new CustodyException("a root keystore already exists in " + dir + "; open it instead of creating one");
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    try {
      Files.createDirectories(dir);
      ownerOnly(dir, "rwx------");
      Properties kdf = new Properties();
      kdf.setProperty("algorithm", "argon2id");
      kdf.setProperty("salt", Base64.getEncoder().encodeToString(salt));
      kdf.setProperty("memory-kib", Integer.toString(cost.memoryKiB()));
      kdf.setProperty("iterations", Integer.toString(cost.iterations()));
      kdf.setProperty("parallelism", Integer.toString(cost.parallelism()));
      writeAtomically(dir.resolve(KDF), out -> kdf.store(out, "Witness root keystore: Argon2id parameters (no secret)"));
    } catch (IOException | GeneralSecurityException e) {
      throw new CustodyException("cannot write the root keystore in " + dir + ": " + e.getMessage(), e);
    }
    PassphraseCustody custody = new PassphraseCustody(dir, storePassword(passphrase, salt, cost), keys);
    custody.save(keys);
    return custody;
  }

  /** Opens the root keystore in {@code dir} with {@code passphrase}. */
  public static PassphraseCustody open(Path dir, char[] passphrase) {
    Path file = dir.resolve(KEYSTORE);
    if (!Files.isRegularFile(file) || !Files.isRegularFile(dir.resolve(KDF))) {
      throw new CustodyException("no root keystore in " + dir + " (" + KEYSTORE + " and " + KDF + " are needed):"
          + " initialise one, or restore it from the recovery kit");
    }
    Properties kdf = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(KDF))) {
      kdf.load(in);
    } catch (IOException e) {
      throw new CustodyException("cannot read " + dir.resolve(KDF) + ": " + e.getMessage(), e);
    }
    char[] storePassword;
    try {
      if (!"argon2id".equals(kdf.getProperty("algorithm"))) {
        throw new CustodyException(dir.resolve(KDF) + " names an unknown key derivation");
      }
      storePassword = storePassword(passphrase, Base64.getDecoder().decode(kdf.getProperty("salt", "")),
          new Argon2(Integer.parseInt(kdf.getProperty("memory-kib")), Integer.parseInt(kdf.getProperty("iterations")),
              Integer.parseInt(kdf.getProperty("parallelism"))));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CustodyException(dir.resolve(KDF) + " is damaged: restore it from the recovery kit", e);
    }
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("BCFKS", BC);
      ks.load(in, storePassword);
      for (String alias : java.util.Collections.list(ks.aliases())) {
        if (alias.startsWith(ALIAS)) {
          keys.put(Integer.parseInt(alias.substring(ALIAS.length())),
              (SecretKey) ks.getKey(alias, storePassword));
        }
      }
    } catch (IOException e) {
      Arrays.fill(storePassword, '\0');
      throw new CustodyException("the root keystore " + file + " does not open with this passphrase, or it is"
          + " damaged: check WITNESS_ROOT_PASSPHRASE (or its file), or restore from the recovery kit");
    } catch (GeneralSecurityException | RuntimeException e) {
      Arrays.fill(storePassword, '\0');
      throw new CustodyException("the root keystore " + file + " is damaged: restore it from the recovery kit", e);
    }
    if (keys.isEmpty()) {
      throw new CustodyException("the root keystore " + file + " holds no root key");
    }
    return new PassphraseCustody(dir, storePassword, keys);
  }

  /**
   * Seals root keys restored from a recovery kit ({@link RecoveryKit#restore}) under a new passphrase in
   * {@code dir}, which must not hold a keystore: the restore path on a new machine.
   */
  public static PassphraseCustody restore(Path dir, char[] passphrase, Argon2 cost, Map<Integer, byte[]> rootKeys) {
    if (rootKeys.isEmpty()) {
      throw new CustodyException("the recovery kit holds no root key");
    }
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    rootKeys.forEach((v, k) -> keys.put(v, KeyWrap.aes(k)));
    return seal(dir, passphrase, cost, keys);
  }

  /** The root key versions' bytes, for the recovery kit only ({@link RecoveryKit#create}); never log them. */
  public synchronized Map<Integer, byte[]> exportForRecoveryKit() {
    Map<Integer, byte[]> out = new TreeMap<>();
    keys.forEach((v, k) -> out.put(v, k.getEncoded()));
    return out;
  }

  static void checkPassphrase(char[] passphrase) {
    if (passphrase == null || passphrase.length < MIN_PASSPHRASE_CHARS) {
      throw new CustodyException("the root passphrase must have at least " + MIN_PASSPHRASE_CHARS + " characters");
    }
  }

  @Override
  public String describe() {
    return "BCFKS keystore " + dir.resolve(KEYSTORE) + " (Argon2id-sealed passphrase)";
  }

  @Override
  public synchronized int currentVersion() {
    return keys.lastKey();
  }

  @Override
  public synchronized Wrapped wrap(byte[] key) {
    int v = keys.lastKey();
    return new Wrapped(v, KeyWrap.wrap(keys.get(v), key));
  }

  @Override
  public synchronized byte[] unwrap(Wrapped wrapped) {
    SecretKey root = keys.get(wrapped.rootVersion());
    if (root == null) {
      throw new CustodyException("root key version " + wrapped.rootVersion() + " does not exist (destroyed?)");
    }
    return KeyWrap.unwrap(root, wrapped.bytes());
  }

  @Override
  public synchronized int rotate() {
    TreeMap<Integer, SecretKey> next = new TreeMap<>(keys);
    int v = keys.lastKey() + 1;
    next.put(v, newAesKey());
    save(next);
    keys.put(v, next.get(v));
    return v;
  }

  @Override
  public synchronized void destroy(int version) {
    if (version == keys.lastKey()) {
      throw new CustodyException("root key version " + version + " is current: rotate before destroying it");
    }
    if (!keys.containsKey(version)) {
      return;
    }
    TreeMap<Integer, SecretKey> next = new TreeMap<>(keys);
    next.remove(version);
    save(next);
    keys.remove(version);
  }

  @Override
  public synchronized void close() {
    keys.clear();
    Arrays.fill(storePassword, '\0');
  }

  private void save(Map<Integer, SecretKey> versions) {
    try {
      KeyStore ks = KeyStore.getInstance("BCFKS", BC);
      ks.load(null, null);
      for (var e : versions.entrySet()) {
        ks.setEntry(ALIAS + e.getKey(), new KeyStore.SecretKeyEntry(e.getValue()),
            new KeyStore.PasswordProtection(storePassword));
      }
      writeAtomically(dir.resolve(KEYSTORE), out -> ks.store(out, storePassword));
    } catch (IOException | GeneralSecurityException e) {
      throw new CustodyException("cannot write the root keystore " + dir.resolve(KEYSTORE) + ": " + e.getMessage(),
          e);
    }
  }

  private static char[] storePassword(char[] passphrase, byte[] salt, Argon2 cost) {
    Argon2BytesGenerator argon = new Argon2BytesGenerator();
    argon.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(cost.memoryKiB()).withIterations(cost.iterations())
        .withParallelism(cost.parallelism()).build());
    byte[] derived = new byte[32];
    argon.generateBytes(passphrase, derived);
    char[] hex = HexFormat.of().formatHex(derived).toCharArray();
    Arrays.fill(derived, (byte) 0);
    return hex;
  }

  private static SecretKey newAesKey() {
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES");
      g.init(256, RANDOM);
      return g.generateKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES key generation is not available", e);
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException, GeneralSecurityException;
  }

  private static void writeAtomically(Path target, Writer writer) throws IOException, GeneralSecurityException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    ownerOnly(tmp, "rw-------");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
         OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      writer.write(out);
      out.flush();
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Not every file system lets a directory be opened for fsync; the file itself is synced.
    }
  }

  private static void ownerOnly(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to set (the appliance is supported on Linux).
    }
  }
}
