package io.witness.appliance.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.platform.ProblemException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReceiptCheckTest {
  private static final long NOW = 1_800_000_000L;
  private final KeyPair appliance = pair();
  private final KeyPair forger = pair();

  @Test
  void verify_signedReceipt_admitsItsConsent() {
    Optional<ConsentService.Admitted> a = ReceiptCheck.verify(token(receipt("demo", List.of("replay"), NOW + 60),
        appliance), publicKey(appliance));
    assertEquals("c-1", a.orElseThrow().consentId());
    assertEquals(3, a.get().policyVersion());
    assertEquals((NOW + 60) * 1000, a.get().expiresAtMs());
    ReceiptCheck.check(a.get(), "demo", NOW * 1000, Set.of());
  }

  @Test
  void verify_forgedOrTamperedOrMalformed_isEmpty() {
    Receipt r = receipt("demo", List.of("replay"), NOW + 60);
    assertTrue(ReceiptCheck.verify(token(r, forger), publicKey(appliance)).isEmpty(), "signed by another key");
    String good = token(r, appliance);
    String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        receipt("other", List.of("replay"), NOW + 60).payload());
    String tampered = otherPayload + good.substring(good.indexOf('.'));
    assertTrue(ReceiptCheck.verify(tampered, publicKey(appliance)).isEmpty(), "payload changed after signing");
    for (String bad : List.of("", "x", "a.b.c", "!!!.???", good + "x", "x".repeat(Receipt.MAX_TOKEN + 1))) {
      assertTrue(ReceiptCheck.verify(bad, publicKey(appliance)).isEmpty(), bad);
    }
  }

  @Test
  void verify_withoutReplayPurpose_isEmpty() {
    assertTrue(ReceiptCheck.verify(token(receipt("demo", List.of("analytics"), NOW + 60), appliance),
        publicKey(appliance)).isEmpty());
  }

  @Test
  void check_expiredOtherSiteOrRevoked_isRefusedWith403() {
    ConsentService.Admitted a = ReceiptCheck.verify(token(receipt("demo", List.of("replay"), NOW + 60), appliance),
        publicKey(appliance)).orElseThrow();
    assertRefused(() -> ReceiptCheck.check(a, "demo", (NOW + 60) * 1000, Set.of()), "expired");
    assertRefused(() -> ReceiptCheck.check(a, "shop", NOW * 1000, Set.of()), "another site");
    assertRefused(() -> ReceiptCheck.check(a, "demo", NOW * 1000, Set.of("c-1")), "withdrew");
  }

  private static void assertRefused(Runnable r, String detail) {
    ProblemException e = assertThrows(ProblemException.class, r::run);
    assertEquals(403, e.problem().status());
    assertTrue(e.problem().detail().contains(detail), e.problem().detail());
  }

  private static Receipt receipt(String site, List<String> purposes, long exp) {
    return new Receipt("c-1", site, ConsentService.sha256("visitor-0123456789"), 3, purposes, NOW - 10, exp);
  }

  private static String token(Receipt r, KeyPair key) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key.getPrivate());
      byte[] payload = r.payload();
      s.update(payload);
      return Receipt.token(payload, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] publicKey(KeyPair k) {
    return k.getPublic().getEncoded();
  }

  private static KeyPair pair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
