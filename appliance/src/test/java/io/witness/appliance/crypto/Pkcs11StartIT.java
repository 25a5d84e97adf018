package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.bench.ApplianceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged appliance ({@code java -jar}, so the jar manifest's {@code Add-Exports} is what finds the token by
 * its label) with {@code witness.key-custody=pkcs11} on a real SoftHSM2 token: the first start generates root key
 * version 1 on the token and writes no keystore file, a restart opens the same key, and a wrong PIN, an unknown
 * token or a missing library stops the start with one message, writing nothing.
 */
class Pkcs11StartIT {
  static final String LABEL = "witness-start-it";

  @Test
  void start_onASoftHsmToken_usesTheTokensRootKey_andAWrongPinOrTokenStopsItWithOneMessage() throws Exception {
    Path work = Files.createDirectories(
        Path.of(System.getProperty("witness.test.work-dir", "target/it-work"), "pkcs11-start"));
    Path data = work.resolve("data");
    RootKeyStartIT.deleteTree(data);
    // A fresh token store for the appliance's processes, made before any of them loads the library.
    SoftHsm hsm = SoftHsm.fresh(work.resolve("softhsm2.conf").toAbsolutePath()).token(LABEL);
    Map<String, String> env = new HashMap<>(Map.of("SOFTHSM2_CONF", hsm.config().toString(),
        "WITNESS_KEY_CUSTODY", "pkcs11", "WITNESS_PKCS11_LIBRARY", SoftHsm.library().toString(),
        "WITNESS_PKCS11_TOKEN_LABEL", LABEL, "WITNESS_PKCS11_PIN", SoftHsm.USER_PIN));

    for (int start = 1; start <= 2; start++) {
      try (ApplianceProcess ok = ApplianceProcess.start(ApplianceProcess.Options.of(data, work).withEnv(env))) {
        ok.awaitHealthy(Duration.ofMinutes(3));
        ok.stop();
        String log = Files.readString(ok.log());
        assertTrue(log.contains("root key unsealed: PKCS#11 token '" + LABEL + "'"), log);
        assertTrue(log.contains(", version 1"), log);
        assertEquals(start == 1, log.contains("a new root key (version 1) was generated on PKCS#11"),
            "generated on the first start only: " + log);
        assertFalse(log.contains(SoftHsm.USER_PIN), "the log never holds the PIN");
      }
    }
    assertFalse(Files.exists(data.resolve("keys").resolve(PassphraseCustody.KEYSTORE)),
        "no passphrase keystore: the root key lives on the token");
    Map<String, String> before = RootKeyStartIT.listing(data);

    String wrongPin = "not-the-pin-of-this-token";
    List<Map.Entry<Map<String, String>, String>> refusals = List.of(
        Map.entry(Map.of("WITNESS_PKCS11_PIN", wrongPin), "PKCS#11 token '" + LABEL + "' refused the PIN"),
        Map.entry(Map.of("WITNESS_PKCS11_TOKEN_LABEL", "no-such-token"),
            "no initialised PKCS#11 token labelled 'no-such-token'"),
        Map.entry(Map.of("WITNESS_PKCS11_LIBRARY", work.resolve("libmissing.so").toAbsolutePath().toString()),
            "the PKCS#11 library "));
    for (var refusal : refusals) {
      Map<String, String> bad = new HashMap<>(env);
      bad.putAll(refusal.getKey());
      try (ApplianceProcess refused = ApplianceProcess.start(ApplianceProcess.Options.of(data, work).withEnv(bad))) {
        int exit = refused.awaitExit(Duration.ofMinutes(2));
        String log = Files.readString(refused.log());
        assertNotEquals(0, exit, log);
        assertTrue(log.contains("SEVERE: Witness cannot start: " + refusal.getValue()), log);
        assertFalse(log.contains(wrongPin), "the log never holds a PIN");
        assertFalse(log.contains("Started all channels"), "the server never opened its port");
      }
      assertEquals(before, RootKeyStartIT.listing(data), "nothing in the data directory changed");
    }
  }
}
