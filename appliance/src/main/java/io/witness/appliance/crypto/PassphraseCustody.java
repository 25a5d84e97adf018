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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The root key in a BCFKS keystore file sealed under a passphrase (compliance.md §3.6). The keystore's password
 * is not the passphrase itself but a slow derivation of it ({@link PassphraseKdf}: Argon2id, or PBKDF2-HMAC-SHA-512
 * in the FIPS build; its name, salt and cost in {@code root-kdf.properties} beside it), so guessing a passphrase
 * from a stolen backup costs 19 MiB and two passes (or 210,000 HMACs) per guess on top of BCFKS's own key
 * derivation. A keystore opens with the derivation recorded beside it, not the build's current standard. Every
 * root key version is an entry {@code witness-root-v<n>}; the highest is current.
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

  private final Path dir;
  private final PassphraseKdf kdf;
  private final char[] storePassword;
  private final TreeMap<Integer, SecretKey> keys;

  private PassphraseCustody(Path dir, PassphraseKdf kdf, char[] storePassword, TreeMap<Integer, SecretKey> keys) {
    this.dir = dir;
    this.kdf = kdf;
    this.storePassword = storePassword;
    this.keys = keys;
  }

  /** True when {@code dir} holds a sealed root keystore. */
  public static boolean exists(Path dir) {
    return Files.exists(dir.resolve(KEYSTORE)) || Files.exists(dir.resolve(KDF));
  }

  /** Makes a new root key (version 1) sealed under {@code passphrase} in {@code dir}; refuses to overwrite one. */
  public static PassphraseCustody create(Path dir, char[] passphrase, PassphraseKdf kdf) {
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    keys.put(1, newAesKey());
    return seal(dir, passphrase, kdf, keys);
  }

  /** Seals {@code keys} under {@code passphrase} in a new keystore in {@code dir}. */
  private static PassphraseCustody seal(Path dir, char[] passphrase, PassphraseKdf kdf,
      TreeMap<Integer, SecretKey> keys) {
    checkPassphrase(passphrase);
    if (exists(dir)) {
      throw new CustodyException("a root keystore already exists in " + dir + "; open it instead of creating one");
    }
    byte[] salt = new byte[16];
    CryptoBackend.random().nextBytes(salt);
    char[] storePassword = storePassword(kdf, passphrase, salt);
    try {
      Files.createDirectories(dir);
      ownerOnly(dir, "rwx------");
      Properties params = new Properties();
      PassphraseKdf.store(kdf, params);
      params.setProperty("salt", Base64.getEncoder().encodeToString(salt));
      writeAtomically(dir.resolve(KDF),
          out -> params.store(out, "Witness root keystore: key derivation parameters (no secret)"));
    } catch (IOException | GeneralSecurityException e) {
      throw new CustodyException("cannot write the root keystore in " + dir + ": " + e.getMessage(), e);
    }
    PassphraseCustody custody = new PassphraseCustody(dir, kdf, storePassword, keys);
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
    Properties params = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(KDF))) {
      params.load(in);
    } catch (IOException e) {
      throw new CustodyException("cannot read " + dir.resolve(KDF) + ": " + e.getMessage(), e);
    }
    PassphraseKdf kdf;
    byte[] salt;
    try {
      kdf = PassphraseKdf.load(params);
      salt = Base64.getDecoder().decode(params.getProperty("salt", ""));
    } catch (IllegalArgumentException e) {
      throw new CustodyException(dir.resolve(KDF) + " is damaged or names an unknown key derivation ("
          + e.getMessage() + "): restore it from the recovery kit", e);
    }
    char[] storePassword = storePassword(kdf, passphrase, salt);
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = CryptoBackend.bcfks();
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
    return new PassphraseCustody(dir, kdf, storePassword, keys);
  }

  /**
   * Seals root keys restored from a recovery kit ({@link RecoveryKit#restore}) under a new passphrase in
   * {@code dir}, which must not hold a keystore: the restore path on a new machine.
   */
  public static PassphraseCustody restore(Path dir, char[] passphrase, PassphraseKdf kdf,
      Map<Integer, byte[]> rootKeys) {
    if (rootKeys.isEmpty()) {
      throw new CustodyException("the recovery kit holds no root key");
    }
    TreeMap<Integer, SecretKey> keys = new TreeMap<>();
    rootKeys.forEach((v, k) -> keys.put(v, KeyWrap.aes(k)));
    return seal(dir, passphrase, kdf, keys);
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
    return "BCFKS keystore " + dir.resolve(KEYSTORE) + " (" + CryptoBackend.NAME + "; password derived from the"
        + " passphrase with " + kdf.describe() + ")";
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
      KeyStore ks = CryptoBackend.bcfks();
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

  /** The keystore's password: the derived bytes in hex (BCFKS takes a char[]; hex keeps it ASCII). */
  private static char[] storePassword(PassphraseKdf kdf, char[] passphrase, byte[] salt) {
    byte[] derived;
    try {
      derived = CryptoBackend.derive(kdf, passphrase, salt, 32);
    } catch (GeneralSecurityException e) {
      throw new CustodyException("cannot derive the root keystore's password (" + kdf.describe() + "): "
          + e.getMessage(), e);
    }
    char[] hex = HexFormat.of().formatHex(derived).toCharArray();
    Arrays.fill(derived, (byte) 0);
    return hex;
  }

  private static SecretKey newAesKey() {
    try {
      KeyGenerator g = CryptoBackend.keyGenerator("AES");
      g.init(256, CryptoBackend.random());
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
