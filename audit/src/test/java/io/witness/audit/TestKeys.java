package io.witness.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** A fresh Ed25519 note signer on Bouncy Castle, as the appliance signs (with its own key custody). */
final class TestKeys {
  static final Provider BC = new BouncyCastleProvider();

  private TestKeys() {}

  static SignedNote.Signer signer(String name) {
    try {
      return SignedNote.signer(name, KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair(), BC);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
