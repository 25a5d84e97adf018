package io.witness.policy;

import io.witness.policy.Policy.Mode;
import io.witness.policy.Policy.SignalRule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answers the questions capture asks of a {@link Policy}: may this visitor be asked for (or be recorded under)
 * consent, is this URL in scope, is this visitor sampled, and what does a recorded URL keep. Immutable and
 * thread-safe; build one per policy version and reuse it.
 */
public final class PolicyEvaluator {
  /** Why a visitor is not recorded. */
  public enum Refusal {
    /** The browser sends Global Privacy Control and the policy says GPC means "do not record". */
    GPC,
    /** The browser sends Do Not Track and the policy says DNT means "do not record". */
    DNT,
    /** The grant does not include every purpose the policy requires. */
    PURPOSE_MISSING,
    /** Opt-out consent was claimed where the visitor's region needs opt-in. */
    OPT_IN_REQUIRED,
    /** The visitor is outside the sampled share. */
    NOT_SAMPLED
  }

  /** The browser's privacy signals and, when the page knows it, the visitor's region. */
  public record Signals(boolean gpc, boolean dnt, Optional<String> region) {}

  private final Policy policy;
  private final List<PathPattern> allow;
  private final List<PathPattern> deny;

  public PolicyEvaluator(Policy policy) {
    this.policy = policy;
    this.allow = policy.capture().allow().stream().map(PathPattern::compile).toList();
    this.deny = policy.capture().deny().stream().map(PathPattern::compile).toList();
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Whether a grant with these signals and purposes may be recorded; {@code optOut} when the consent was implied
   * (opt-out mode) rather than given. Empty means yes.
   */
  public Optional<Refusal> refusal(Signals signals, Set<String> purposes, boolean optOut) {
    if (signals.gpc() && policy.consent().gpc() == SignalRule.DO_NOT_RECORD) {
      return Optional.of(Refusal.GPC);
    }
    if (signals.dnt() && policy.consent().dnt() == SignalRule.DO_NOT_RECORD) {
      return Optional.of(Refusal.DNT);
    }
    if (!purposes.containsAll(policy.consent().purposes())) {
      return Optional.of(Refusal.PURPOSE_MISSING);
    }
    if (optOut && policy.consent().modeFor(signals.region()) != Mode.OPT_OUT) {
      return Optional.of(Refusal.OPT_IN_REQUIRED);
    }
    return Optional.empty();
  }

  /** Whether a page at this URL may be recorded: allowed, and not denied (deny wins); unreadable URLs are not. */
  public boolean inScope(String url) {
    Optional<String> path = PathPattern.normalisedPath(url);
    if (path.isEmpty()) {
      return false;
    }
    String p = path.get();
    return allow.stream().anyMatch(a -> a.matches(p)) && deny.stream().noneMatch(d -> d.matches(p));
  }

  /**
   * Whether this visitor is in the sampled share: FNV-1a (32 bit) of the UTF-8 bytes of {@code siteKey + ":" +
   * visitorId}, as an unsigned fraction of 2^32, below the sampling rate. The SDK computes the same.
   */
  public boolean sampled(String siteKey, String visitorId) {
    double rate = policy.capture().sampling();
    if (rate >= 1) {
      return true;
    }
    return (fnv1a32(siteKey + ":" + visitorId) & 0xFFFFFFFFL) / 4294967296.0 < rate;
  }

  /** The URL as it may be recorded: without query string and fragment unless the policy keeps them. */
  public String minimiseUrl(String url) {
    if (policy.capture().keepQuery()) {
      return url;
    }
    int cut = indexOfAny(url, '?', '#');
    return cut < 0 ? url : url.substring(0, cut);
  }

  static int fnv1a32(String s) {
    int h = 0x811c9dc5;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x01000193;
    }
    return h;
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
