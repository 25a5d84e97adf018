package io.witness.appliance.consent;

import io.witness.appliance.crypto.SigningKeys;
import java.util.Optional;
import java.util.Set;

/** The checks a consent receipt passes before a batch is admitted; no state, no database. */
final class ReceiptCheck {
  private ReceiptCheck() {}

  /**
   * The receipt's consent when {@code token} is well formed, signed by {@code publicKey} (X.509 DER) and grants the
   * replay purpose; expiry, site and revocation are {@link #check}'s.
   */
  static Optional<ConsentService.Admitted> verify(String token, byte[] publicKey) {
    Optional<byte[][]> parts = Receipt.split(token);
    if (parts.isEmpty() || !SigningKeys.verify(publicKey, parts.get()[0], parts.get()[1])) {
      return Optional.empty();
    }
    return Receipt.parse(parts.get()[0]).filter(r -> r.purposes().contains("replay"))
        .map(r -> new ConsentService.Admitted(r.id(), r.site(), r.visitor(), r.policyVersion(), r.expiresAt() * 1000));
  }

  /** Throws the 403 problem when a verified receipt does not admit a batch of {@code siteId} now. */
  static void check(ConsentService.Admitted a, String siteId, long nowMs, Set<String> revoked) {
    if (!a.siteId().equals(siteId)) {
      throw ConsentService.refused("the consent receipt is for another site");
    }
    if (a.expiresAtMs() <= nowMs) {
      throw ConsentService.refused("the consent receipt has expired: ask the visitor again");
    }
    if (revoked.contains(a.consentId())) {
      throw ConsentService.refused("the visitor withdrew this consent");
    }
  }
}
