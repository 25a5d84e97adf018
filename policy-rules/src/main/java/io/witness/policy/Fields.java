package io.witness.policy;

import io.witness.policy.PolicyNode.ArrayNode;
import io.witness.policy.PolicyNode.Member;
import io.witness.policy.PolicyNode.ObjectNode;
import io.witness.policy.PolicyNode.ScalarNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Typed reads of one object of a policy document. A wrong value adds a problem at its position and yields the
 * default, so that one pass reports every problem.
 */
final class Fields {
  /** Checks one string of a list; reports a problem by calling {@code at} with the message. */
  interface Check {
    void check(String value, Consumer<String> at);
  }

  private final ObjectNode node;
  private final String path;
  private final List<PolicyProblem> problems;

  Fields(ObjectNode node, String path, List<PolicyProblem> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** Reports every member not named here, with the closest known name as a suggestion. */
  void only(String... known) {
    Set<String> names = Set.of(known);
    for (Member m : node.members().values()) {
      if (!names.contains(m.name())) {
        String closest = Arrays.stream(known).min(Comparator.comparingInt(k -> distance(k, m.name()))).orElseThrow();
        String hint = distance(closest, m.name()) <= 3 ? "; did you mean \"" + closest + "\"?"
            : "; known fields: " + String.join(", ", known);
        problems.add(new PolicyProblem(m.line(), m.column(), field(m.name()), "unknown field" + hint));
      }
    }
  }

  Optional<PolicyNode> get(String name) {
    return Optional.ofNullable(node.members().get(name)).map(Member::value);
  }

  List<String> names() {
    return List.copyOf(node.members().keySet());
  }

  void problemAt(String name, String message) {
    PolicyNode at = get(name).orElse(node);
    problems.add(new PolicyProblem(at.line(), at.column(), field(name), message));
  }

  void problemAtName(String name, String message) {
    Member m = node.members().get(name);
    problems.add(new PolicyProblem(m.line(), m.column(), field(name), message));
  }

  Optional<Fields> object(String name) {
    Optional<PolicyNode> v = get(name);
    if (v.isEmpty() || isNull(v.get())) {
      return Optional.empty();
    }
    if (v.get() instanceof ObjectNode o) {
      return Optional.of(new Fields(o, field(name), problems));
    }
    problemAt(name, "must be an object (a mapping)");
    return Optional.empty();
  }

  String string(String name, String fallback, int maxLength) {
    Optional<Object> v = scalar(name);
    if (v.isEmpty()) {
      return fallback;
    }
    if (!(v.get() instanceof String s) || s.isBlank()) {
      problemAt(name, "must be a non-empty text");
      return fallback;
    }
    if (s.length() > maxLength) {
      problemAt(name, "has " + s.length() + " characters; at most " + maxLength + " are allowed");
      return fallback;
    }
    return s;
  }

  boolean bool(String name, boolean fallback) {
    Optional<Object> v = scalar(name);
    if (v.isPresent() && !(v.get() instanceof Boolean)) {
      problemAt(name, "must be true or false");
      return fallback;
    }
    return v.map(Boolean.class::cast).orElse(fallback);
  }

  long integer(String name, long fallback, long min, long max) {
    Optional<Object> v = scalar(name);
    if (v.isEmpty()) {
      return fallback;
    }
    if (!(v.get() instanceof Long n) || n < min || n > max) {
      problemAt(name, "must be a whole number from " + min + " to " + max);
      return fallback;
    }
    return n;
  }

  double number(String name, double fallback, double min, double max) {
    Optional<Object> v = scalar(name);
    if (v.isEmpty()) {
      return fallback;
    }
    if (!(v.get() instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
      problemAt(name, "must be a number from " + min + " to " + max);
      return fallback;
    }
    return n.doubleValue();
  }

  <E> E choice(String name, E[] values, Function<E, String> wire, E fallback) {
    Optional<Object> v = scalar(name);
    if (v.isEmpty()) {
      return fallback;
    }
    for (E e : values) {
      if (wire.apply(e).equals(v.get())) {
        return e;
      }
    }
    problemAt(name, "must be one of " + Arrays.stream(values).map(wire).map(w -> "\"" + w + "\"")
        .collect(Collectors.joining(", ")) + " (was " + v.get() + ")");
    return fallback;
  }

  List<String> strings(String name, List<String> fallback, Check check) {
    Optional<PolicyNode> v = get(name);
    if (v.isEmpty() || isNull(v.get())) {
      return fallback;
    }
    if (!(v.get() instanceof ArrayNode array)) {
      problemAt(name, "must be a list");
      return fallback;
    }
    if (array.items().size() > 500) {
      problemAt(name, "has " + array.items().size() + " entries; at most 500 are allowed");
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.items().size(); i++) {
      PolicyNode item = array.items().get(i);
      String itemField = field(name) + "[" + i + "]";
      if (item instanceof ScalarNode s && s.value().isPresent() && s.value().get() instanceof String text
          && !text.isBlank() && text.length() <= 1000) {
        int before = problems.size();
        check.check(text, message -> problems.add(new PolicyProblem(item.line(), item.column(), itemField, message)));
        if (problems.size() == before) {
          out.add(text);
        }
      } else {
        problems.add(new PolicyProblem(item.line(), item.column(), itemField, "must be a non-empty text"
            + " of at most 1000 characters"));
      }
    }
    return List.copyOf(out);
  }

  private Optional<Object> scalar(String name) {
    Optional<PolicyNode> v = get(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.get() instanceof ScalarNode s) {
      return s.value();
    }
    problemAt(name, "must be a single value, not a list or an object");
    return Optional.empty();
  }

  private static boolean isNull(PolicyNode n) {
    return n instanceof ScalarNode s && s.value().isEmpty();
  }

  private String field(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
