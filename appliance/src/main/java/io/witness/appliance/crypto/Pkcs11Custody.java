package io.witness.appliance.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Collections;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * The root key on a PKCS#11 token (an HSM, a smart card, SoftHSM2 for trials), through the JDK's SunPKCS11
 * provider. Every root key version is a token object labelled {@code witness-root-v<n>}: an AES-256 secret key
 * generated on the token, sensitive and not extractable, so its bytes never leave the token; the highest version
 * is current. A token without such a key gets version 1 on the first open.
 *
 * <p>Wrapping is AES-256-GCM computed by the token ({@code C_Encrypt} with {@code CKM_AES_GCM}): the wrapped bytes
 * are a random 12-byte IV, then the ciphertext and its 16-byte tag; the associated data names the root version, so
 * a wrap relabelled to another version fails as tampered. Not AES key wrap with padding (KWP, what
 * {@link PassphraseCustody} uses): SunPKCS11 offers {@code AES/KWP/NoPadding} only over PKCS#11 3.0's
 * {@code CKM_AES_KEY_WRAP_KWP}, which SoftHSM2 2.6 lacks; SoftHSM2's {@code CKM_AES_KEY_WRAP_PAD} allows only
 * {@code C_WrapKey} (not {@code C_Encrypt}), so SunPKCS11 hides it unless {@code allowLegacy}, and even then its
 * wrap of an imported key fails ({@code CKR_ARGUMENTS_BAD}); tried with JDK 25 and SoftHSM2 2.6.1. GCM is
 * authenticated encryption, available on every token we know, and a random 96-bit IV is safe for far more than
 * the few wraps a root key ever does (one per site key and rotation, well under 2^32).
 *
 * <p>One SunPKCS11 provider per custody, made with {@link Provider#configure} for the chosen slot and never added
 * to {@link Security}, so no other code finds it. The JDK initialises a library once per JVM and shares it among
 * such providers, and PKCS#11 login is per application and token, not per provider: {@link #close()} logs out,
 * which ends every session of this JVM on that token, and a login while another custody is logged in succeeds
 * whatever the PIN. So at most one custody per token is open in a JVM at a time (the appliance has one).
 *
 * <p>Thread-safe: the version map is guarded by this object; token calls use a new {@link Cipher} each time.
 */
public final class Pkcs11Custody implements KeyCustody {
  static final String ALIAS = "witness-root-v";
  static final int IV_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final Logger LOG = Logger.getLogger(Pkcs11Custody.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger PROVIDERS = new AtomicInteger();

  /** Which token: by its label (needs {@link Pkcs11Slots#ADD_EXPORTS}) or by its slot id. */
  public sealed interface Token {
    /** The initialised token whose label is {@code label}. */
    record Label(String label) implements Token {}

    /** The token in slot {@code id} (as {@code softhsm2-util --show-slots} or {@code pkcs11-tool -L} lists). */
    record Slot(long id) implements Token {}
  }

  private final AuthProvider provider;
  private final KeyStore store;
  private final String description;
  private final TreeMap<Integer, SecretKey> keys;
  private boolean closed;

  private Pkcs11Custody(AuthProvider provider, KeyStore store, String description, TreeMap<Integer, SecretKey> keys) {
    this.provider = provider;
    this.store = store;
    this.description = description;
    this.keys = keys;
  }

  /**
   * Logs in to {@code token} of the PKCS#11 module {@code library} with the user {@code pin} and loads the root
   * key versions, generating version 1 on the token if there is none. The caller may clear {@code pin} afterwards.
   */
  public static Pkcs11Custody open(Path library, Token token, char[] pin) {
    String lib = library.toAbsolutePath().normalize().toString();
    if (!Files.isRegularFile(library)) {
      throw new CustodyException("the PKCS#11 library " + lib + " does not exist: install the token's PKCS#11"
          + " module (for SoftHSM2: apt-get install softhsm2) or correct witness.pkcs11.library");
    }
    long slot = switch (token) {
      case Token.Label l -> Pkcs11Slots.slotOf(lib, l.label());
      case Token.Slot s -> s.id();
    };
    String name = switch (token) {
      case Token.Label l -> "token '" + l.label() + "'";
      case Token.Slot s -> "the token in slot " + s.id();
    };
    AuthProvider provider = provider(lib, slot, name);
    try {
      login(provider, pin, name);
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, null); // logged in above: login here would hide a wrong PIN inside an IOException
      TreeMap<Integer, SecretKey> keys = new TreeMap<>();
      for (String alias : Collections.list(store.aliases())) {
        if (alias.startsWith(ALIAS) && store.isKeyEntry(alias)) {
          int version = Integer.parseInt(alias.substring(ALIAS.length()));
          Key key = store.getKey(alias, null);
          if (!(key instanceof SecretKey secret) || key.getEncoded() != null) {
            throw new CustodyException("the key '" + alias + "' on PKCS#11 " + name + " is not a sensitive,"
                + " non-extractable secret key: a root key must never leave the token; remove it");
          }
          keys.put(version, secret);
        }
      }
      String description = "PKCS#11 " + name + " (slot " + slot + ") of " + lib;
      Pkcs11Custody custody = new Pkcs11Custody(provider, store, description, keys);
      if (keys.isEmpty()) {
        custody.generate(1);
        LOG.warning("a new root key (version 1) was generated on PKCS#11 " + name + ": back up the token as its"
            + " maker documents; without it, nothing this appliance encrypts can be read again");
      }
      return custody;
    } catch (CustodyException e) {
      logout(provider);
      throw e;
    } catch (GeneralSecurityException | java.io.IOException | ProviderException | NumberFormatException e) {
      logout(provider);
      throw new CustodyException("PKCS#11 " + name + " cannot be read: " + e, e);
    }
  }

  private static AuthProvider provider(String library, long slot, String name) {
    // The generated root key is sensitive and not extractable; SunPKCS11 applies this template to C_GenerateKey.
    String config = "--name = Witness-" + PROVIDERS.incrementAndGet() + "\n"
        + "library = \"" + library.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n"
        + "slot = " + slot + "\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
        + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n  CKA_ENCRYPT = true\n  CKA_DECRYPT = true\n}\n";
    try {
      return (AuthProvider) Security.getProvider("SunPKCS11").configure(config);
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new CustodyException("the PKCS#11 library " + library + " does not open " + name + ": " + cause, e);
    }
  }

  private static void login(AuthProvider provider, char[] pin, String name) {
    try {
      provider.login(null, callbacks -> {
        for (var c : callbacks) {
          if (!(c instanceof PasswordCallback p)) {
            throw new UnsupportedCallbackException(c);
          }
          p.setPassword(pin);
        }
      });
    } catch (FailedLoginException e) {
      throw new CustodyException("PKCS#11 " + name + " refused the PIN (CKR_PIN_INCORRECT): check witness.pkcs11.pin"
          + " or the file witness.pkcs11.pin-file names; after a few wrong PINs a token locks its user PIN");
    } catch (LoginException e) {
      throw new CustodyException("cannot log in to PKCS#11 " + name + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
          + " (CKR_PIN_LOCKED: the security officer must reset the user PIN)", e);
    }
  }

  private static void logout(AuthProvider provider) {
    try {
      provider.logout();
    } catch (LoginException | RuntimeException e) {
      LOG.warning("PKCS#11 logout failed: " + e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public synchronized int currentVersion() {
    open();
    return keys.lastKey();
  }

  @Override
  public synchronized Wrapped wrap(byte[] key) {
    open();
    int version = keys.lastKey();
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, version, iv);
      byte[] sealed = c.doFinal(key);
      return new Wrapped(version, ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException | ProviderException e) {
      throw new CustodyException("the PKCS#11 token failed to wrap a key: " + e, e);
    }
  }

  @Override
  public synchronized byte[] unwrap(Wrapped wrapped) {
    open();
    if (!keys.containsKey(wrapped.rootVersion())) {
      throw new CustodyException("root key version " + wrapped.rootVersion() + " does not exist on the token"
          + " (destroyed?)");
    }
    byte[] bytes = wrapped.bytes();
    if (bytes.length < IV_BYTES + TAG_BITS / 8) {
      throw new IntegrityException("the wrapped key is too short to be a wrap (truncated)");
    }
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, wrapped.rootVersion(), Arrays.copyOf(bytes, IV_BYTES));
      return c.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw new IntegrityException("the wrapped key does not unwrap under this root key (altered or another key)",
          e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new CustodyException("the PKCS#11 token failed to unwrap a key: " + e, e);
    }
  }

  @Override
  public synchronized int rotate() {
    open();
    int version = keys.lastKey() + 1;
    generate(version);
    return version;
  }

  @Override
  public synchronized void destroy(int version) {
    open();
    if (version == keys.lastKey()) {
      throw new CustodyException("root key version " + version + " is current: rotate before destroying it");
    }
    if (!keys.containsKey(version)) {
      return;
    }
    try {
      store.deleteEntry(ALIAS + version); // C_DestroyObject on the token object
    } catch (GeneralSecurityException | ProviderException e) {
      throw new CustodyException("the PKCS#11 token did not destroy root key version " + version + ": " + e, e);
    }
    keys.remove(version);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      keys.clear();
      logout(provider);
    }
  }

  /** Generates root key {@code version} on the token and stores it as a token object with its label. */
  private void generate(int version) {
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES", provider);
      g.init(256);
      // A session object, sensitive and not extractable (the provider's template); the key store copies it to a
      // token object labelled with the alias (C_CopyObject keeps those attributes).
      store.setEntry(ALIAS + version, new KeyStore.SecretKeyEntry(g.generateKey()), null);
      keys.put(version, (SecretKey) store.getKey(ALIAS + version, null));
    } catch (GeneralSecurityException | ProviderException e) {
      throw new CustodyException("the PKCS#11 token did not generate root key version " + version + ": " + e, e);
    }
  }

  private Cipher cipher(int mode, int version, byte[] iv) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
    c.init(mode, keys.get(version), new GCMParameterSpec(TAG_BITS, iv));
    c.updateAAD((ALIAS + version).getBytes(StandardCharsets.US_ASCII));
    return c;
  }

  private void open() {
    if (closed) {
      throw new CustodyException("the PKCS#11 custody is closed");
    }
  }

  /** The root key object of {@code version}, for tests that check what the provider says of it. */
  synchronized SecretKey key(int version) {
    return keys.get(version);
  }
}
