package io.witness.appliance.crypto;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/witness keys ...}: the root key's recovery kit, run by an administrator on the appliance's machine
 * (with the appliance's passphrase variables) or on a new one.
 *
 * <pre>
 * bin/witness keys recovery-kit [--threshold 3] [--shares 5]   prints one share per line, for the custodians
 * bin/witness keys restore &lt; three-share-lines.txt               seals the kit's root keys under this machine's
 *                                                               WITNESS_ROOT_PASSPHRASE(_FILE) in WITNESS_KEYS_DIR
 * bin/witness keys rotate [--site ID]                          rotates the running appliance's root (or a site's)
 *                                                               key online, printing progress (KeyRotationClient)
 * </pre>
 *
 * <p>For the passphrase custody only: with {@code WITNESS_KEY_CUSTODY=pkcs11} the root keys never leave the token
 * and the command refuses. The keys directory is {@code WITNESS_KEYS_DIR}, else {@code $WITNESS_DATA_DIR/keys},
 * else {@code ./data/keys}. Exit codes: 0 done, 1 refused (the message says why), 2 wrong usage.
 */
public final class KeysCommand {
  private KeysCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      return usage(err);
    }
    if (args[0].equals("rotate")) {
      return KeyRotationClient.run(args, env, out, err);
    }
    if ("pkcs11".equals(env.getOrDefault("WITNESS_KEY_CUSTODY", "").strip())) {
      // The point of a token: its root keys cannot be exported, so there is nothing to split into shares.
      err.println("witness keys: the root keys are on a PKCS#11 token (WITNESS_KEY_CUSTODY=pkcs11) and never leave"
          + " it: back the token up as its maker documents (an HSM's backup or key-replication feature); a recovery"
          + " kit is for the passphrase custody only");
      return 1;
    }
    Path keysDir = keysDir(env);
    try {
      switch (args[0]) {
        case "recovery-kit" -> {
          int threshold = option(args, "--threshold", 3);
          int shares = option(args, "--shares", 5);
          List<String> kit;
          try (PassphraseCustody custody = PassphraseCustody.open(keysDir, RootPassphrase.from(env))) {
            kit = RecoveryKit.create(custody.exportForRecoveryKit(), threshold, shares);
          }
          err.println("Recovery kit: " + shares + " shares, any " + threshold + " restore the root keys of "
              + keysDir + ". Give each custodian one line; keep them offline and apart.");
          kit.forEach(out::println);
          return 0;
        }
        case "restore" -> {
          List<String> lines = new ArrayList<>();
          try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              if (!line.isBlank()) {
                lines.add(line);
              }
            }
          }
          Map<Integer, byte[]> keys = RecoveryKit.restore(lines);
          try (PassphraseCustody custody = PassphraseCustody.restore(keysDir, RootPassphrase.from(env),
              PassphraseKdf.standard(), keys)) {
            err.println("Restored root key versions " + keys.keySet() + " into " + keysDir + " (current: "
                + custody.currentVersion() + "), sealed under this machine's passphrase.");
          }
          return 0;
        }
        default -> {
          return usage(err);
        }
      }
    } catch (CustodyException e) {
      err.println("witness keys: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("witness keys: " + e.getMessage());
      return 2;
    } catch (java.io.IOException e) {
      err.println("witness keys: cannot read the shares: " + e.getMessage());
      return 1;
    }
  }

  static Path keysDir(Map<String, String> env) {
    String keys = env.get("WITNESS_KEYS_DIR");
    if (keys != null && !keys.isBlank()) {
      return Path.of(keys);
    }
    String data = env.getOrDefault("WITNESS_DATA_DIR", "./data");
    return Path.of(data.isBlank() ? "./data" : data, "keys");
  }

  private static int option(String[] args, String name, int otherwise) {
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        try {
          return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " takes a number");
        }
      }
    }
    return otherwise;
  }

  private static int usage(PrintStream err) {
    err.println("usage: bin/witness keys recovery-kit [--threshold M] [--shares N]");
    err.println("       bin/witness keys restore < shares.txt");
    err.println("       bin/witness keys rotate [--site SITE_ID]");
    return 2;
  }
}
