package io.witness.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** A fresh Ed25519 note signer on Bouncy Castle, as the appliance signs (with its own key custody). */
final class TestKeys {
  static final Provider BC = new BouncyCastleProvider();

  private TestKeys() {}

  static SignedNote.Signer signer(String name) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
      SignedNote.VerifierKey key = SignedNote.VerifierKey.ofSpki(name, pair.getPublic().getEncoded());
      return new SignedNote.Signer() {
        @Override
        public SignedNote.VerifierKey key() {
          return key;
        }

        @Override
        public byte[] sign(byte[] message) {
          try {
            Signature s = Signature.getInstance("Ed25519", BC);
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
