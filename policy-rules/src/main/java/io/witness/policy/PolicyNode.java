package io.witness.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed JSON or YAML value that remembers where it stood in the document, so that validation can name the line
 * and column of a problem (Jackson's tree model forgets positions). Scalars keep Jackson's value: String, Long,
 * Double, Boolean, or empty for null.
 */
sealed interface PolicyNode {
  int line();

  int column();

  record Member(String name, int line, int column, PolicyNode value) {}

  record ObjectNode(Map<String, Member> members, int line, int column) implements PolicyNode {}

  record ArrayNode(List<PolicyNode> items, int line, int column) implements PolicyNode {}

  record ScalarNode(Optional<Object> value, int line, int column) implements PolicyNode {}

  /** Reads one value starting at the parser's current token; duplicate keys are reported into {@code problems}. */
  static PolicyNode read(JsonParser p, String path, List<PolicyProblem> problems) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Member> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation nameAt = p.currentTokenLocation();
          String name = p.currentName();
          p.nextToken();
          String childPath = path.isEmpty() ? name : path + "." + name;
          PolicyNode value = read(p, childPath, problems);
          Member m = new Member(name, nameAt.getLineNr(), nameAt.getColumnNr(), value);
          if (members.putIfAbsent(name, m) != null) {
            problems.add(new PolicyProblem(m.line(), m.column(), childPath, "appears twice"));
          }
        }
        return new ObjectNode(members, line, column);
      }
      case START_ARRAY -> {
        List<PolicyNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, path + "[" + items.size() + "]", problems));
        }
        return new ArrayNode(items, line, column);
      }
      case VALUE_STRING -> {
        return new ScalarNode(Optional.of(p.getText()), line, column);
      }
      case VALUE_NUMBER_INT -> {
        return new ScalarNode(Optional.of(p.getLongValue()), line, column);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new ScalarNode(Optional.of(p.getDoubleValue()), line, column);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new ScalarNode(Optional.of(t == JsonToken.VALUE_TRUE), line, column);
      }
      default -> {
        return new ScalarNode(Optional.empty(), line, column);
      }
    }
  }
}
