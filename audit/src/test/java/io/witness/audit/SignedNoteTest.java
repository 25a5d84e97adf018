package io.witness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignedNoteTest {
  @Test
  void aSignedCheckpointVerifiesAndAnyChangeBreaksIt() {
    SignedNote.Signer signer = TestKeys.signer("witness.test/audit");
    Checkpoint c = new Checkpoint("witness.test/audit", 42, Merkle.leafHash(new byte[] {1}));
    String note = SignedNote.sign(c.body(), signer);
    assertTrue(note.startsWith(c.body() + "\n\u2014 witness.test/audit "), note);
    assertTrue(SignedNote.verify(note, signer.key(), TestKeys.BC));
    assertTrue(SignedNote.verify(note, signer.key(), null), "the JDK's own Ed25519 agrees");
    assertEquals(c.size(), Checkpoint.parse(SignedNote.parse(note).text()).size());

    assertFalse(SignedNote.verify(note.replace("\n42\n", "\n43\n"), signer.key(), TestKeys.BC));
    assertFalse(SignedNote.verify(note, TestKeys.signer("witness.test/audit").key(), TestKeys.BC), "another key");
    String sig = note.substring(note.lastIndexOf(' ') + 1, note.length() - 1);
    char last = sig.charAt(10);
    String forged = note.replace(sig, sig.substring(0, 10) + (last == 'A' ? 'B' : 'A') + sig.substring(11));
    assertFalse(SignedNote.verify(forged, signer.key(), TestKeys.BC));
  }

  @Test
  void verifierKeysRoundTripAndCheckTheirId() {
    SignedNote.VerifierKey k = TestKeys.signer("witness.test/audit").key();
    assertEquals(k.encoded(), SignedNote.VerifierKey.parse(k.encoded()).encoded());
    String[] parts = k.encoded().split("\\+", 3);
    assertThrows(IllegalArgumentException.class, () -> SignedNote.VerifierKey.parse(parts[0] + "+00000000+" + parts[2]));
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse("origin\n01\nAAAA\n"));
  }
}
