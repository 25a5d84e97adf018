package io.witness.appliance.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  @Test
  void hash_verifiesItsOwnPasswordOnly() {
    String stored = PasswordHasher.hash("correct horse battery".toCharArray());
    assertTrue(PasswordHasher.verify("correct horse battery".toCharArray(), stored));
    assertFalse(PasswordHasher.verify("correct horse batterY".toCharArray(), stored));
  }

  @Test
  void unmatchable_costsWhatARealHashCosts_andNoPasswordMatchesIt() {
    String real = PasswordHasher.hash("x".toCharArray());
    String dummy = PasswordHasher.unmatchable();
    String[] r = real.split("\\$");
    String[] d = dummy.split("\\$");
    assertEquals(r[0], d[0], "same scheme");
    assertEquals(r[1], d[1], "same iteration count, so an unknown user answers as slowly as a wrong password");
    assertEquals(r[2].length(), d[2].length(), "same salt size");
    assertEquals(r[3].length(), d[3].length(), "same hash size");
    for (String guess : new String[] {"", "x", "not-a-password", "admin"}) {
      assertFalse(PasswordHasher.verify(guess.toCharArray(), dummy), guess);
    }
    assertNotEquals(dummy, PasswordHasher.unmatchable(), "a fresh random salt and hash each time");
  }
}
