package io.witness.appliance.identity;

import io.witness.appliance.platform.Problem;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #MAX_FAILURES} failures for one username within the window, further
 * attempts answer 429 until the window has passed. In memory: a restart resets it, which is acceptable for a
 * throttle (the audit log, a later issue, keeps the durable record of failures).
 */
@ApplicationScoped
class LoginThrottle {
  static final int MAX_FAILURES = 10;
  private static final Duration WINDOW = Duration.ofMinutes(5);

  private record Failures(int count, Instant since) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  void check(String username) {
    Failures f = failures.get(username);
    if (f != null && f.count >= MAX_FAILURES) {
      long wait = Duration.between(Instant.now(), f.since.plus(WINDOW)).toSeconds();
      if (wait > 0) {
        throw new ProblemException(Problem.of(ProblemType.RATE_LIMITED, 429,
            "too many failed logins for this account; try again later"),
            Map.of("Retry-After", Long.toString(wait)));
      }
      failures.remove(username);
    }
  }

  void failed(String username) {
    if (failures.size() > 100_000) {
      failures.clear();
    }
    failures.merge(username, new Failures(1, Instant.now()),
        (a, b) -> new Failures(a.count + 1, a.since));
  }

  void succeeded(String username) {
    failures.remove(username);
  }
}
