package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.subject.SubjectService;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a batch's {@code identity} (identify(): {@code {"subject": "...", "traits": {...}}}, capture-protocol.md)
 * with the protocol's limits, before anything is stored.
 */
final class Identities {
  static final int MAX_SUBJECT_CHARS = 256;
  static final int MAX_TRAITS = 32;
  static final int MAX_VALUE_CHARS = 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private Identities() {}

  /** The identity at the parser (its value token {@code t} already read). */
  static SubjectService.Identity read(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw ProblemException.validation("identity", "must be an object {\"subject\": ..., \"traits\": {...}}");
    }
    String subject = null;
    Map<String, String> traits = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "subject" -> {
          if (v != JsonToken.VALUE_STRING || p.getText().isBlank() || p.getText().length() > MAX_SUBJECT_CHARS) {
            throw ProblemException.validation("identity.subject", "must be a string of 1 to " + MAX_SUBJECT_CHARS
                + " characters");
          }
          subject = p.getText();
        }
        case "traits" -> readTraits(p, v, traits);
        default -> p.skipChildren();
      }
    }
    if (subject == null) {
      throw ProblemException.validation("identity.subject", "is required");
    }
    return new SubjectService.Identity(subject, Map.copyOf(traits));
  }

  private static void readTraits(JsonParser p, JsonToken t, Map<String, String> traits) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw ProblemException.validation("identity.traits", "must be an object of names to strings, numbers or"
          + " booleans");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      String where = "identity.traits." + name;
      if (!NAME.matcher(name).matches()) {
        throw ProblemException.validation("identity.traits", "trait names are 1 to 64 characters of A-Z, a-z,"
            + " 0-9, _, . and -");
      }
      if (!v.isScalarValue() || v == JsonToken.VALUE_NULL) {
        throw ProblemException.validation(where, "must be a string, a number or a boolean");
      }
      String value = p.getText();
      if (value.length() > MAX_VALUE_CHARS) {
        throw ProblemException.validation(where, "must be at most " + MAX_VALUE_CHARS + " characters");
      }
      if (traits.put(name, value) == null && traits.size() > MAX_TRAITS) {
        throw ProblemException.validation("identity.traits", "at most " + MAX_TRAITS + " traits");
      }
    }
  }
}
