package io.witness.appliance.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.witness.appliance.platform.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RecordingListQueryTest {

  @Test
  void cursor_roundTrips() {
    for (RecordingListQuery.Cursor c : new RecordingListQuery.Cursor[] {
        new RecordingListQuery.Cursor(1795433480496L, "0f8fad5b-d9cb-469f-a165-70867728950e"),
        new RecordingListQuery.Cursor(0, "a:b:c"),
        new RecordingListQuery.Cursor(-1, "")}) {
      String encoded = c.encode();
      assertEquals(true, encoded.matches("[A-Za-z0-9_-]+"), "URL-safe, unpadded: " + encoded);
      assertEquals(c, RecordingListQuery.Cursor.decode(encoded));
    }
  }

  @Test
  void cursor_fromElsewhere_isAValidationProblem() {
    String b64 = Base64.getUrlEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8));
    String notANumber = Base64.getUrlEncoder().encodeToString("x:id".getBytes(StandardCharsets.UTF_8));
    for (String garbage : new String[] {"", "%%%", "not a cursor", b64, notANumber}) {
      ProblemException e = assertThrows(ProblemException.class, () -> RecordingListQuery.Cursor.decode(garbage));
      assertEquals(400, e.problem().status());
      assertEquals("cursor", e.problem().violations().get(0).field());
    }
  }
}
