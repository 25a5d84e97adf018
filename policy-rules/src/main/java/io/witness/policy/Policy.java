package io.witness.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A site's capture policy: whether a visitor may be recorded, what of the page, and how it is masked. Immutable;
 * read from JSON or YAML by {@link PolicyParser}, which fills every field the document leaves out with
 * {@link #defaults()}: the safe choice (opt-in consent, GPC and DNT mean "do not record", every input masked, text
 * that looks like personal data masked, no query strings, console errors only, no network capture, PII redacted).
 *
 * @param version the policy's version at its site (1, 2, …): the appliance numbers saved policies, and every
 *     recording keeps the version it was captured under; 0 in a document not yet saved
 */
public record Policy(int version, Consent consent, Capture capture, Masking masking, ConsoleRules console,
    NetworkRules network, PiiRules pii) {

  /** Consent mode: whether capture needs a prior grant (opt-in) or stops only on refusal (opt-out). */
  public enum Mode {
    OPT_IN("opt-in"), OPT_OUT("opt-out");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    /** The name in policy documents and on the wire. */
    public String wire() {
      return wire;
    }
  }

  /** What a privacy signal (GPC, DNT) does. */
  public enum SignalRule {
    DO_NOT_RECORD("do-not-record"), IGNORE("ignore");

    private final String wire;

    SignalRule(String wire) {
      this.wire = wire;
    }

    /** The name in policy documents and on the wire. */
    public String wire() {
      return wire;
    }
  }

  /** What the server does with personal data its detector finds. */
  public enum PiiAction {
    /** Replace the match by a marker ("[email]") and store the rest. */
    REDACT("redact"),
    /**
     * Replace the match by its marker in what is stored, as redact does, and keep the matched value sealed (under
     * the visitor's key, never replayable) in an incident an admin reviews. Card numbers are never kept.
     */
    QUARANTINE("quarantine");

    private final String wire;

    PiiAction(String wire) {
      this.wire = wire;
    }

    /** The name in policy documents and on the wire. */
    public String wire() {
      return wire;
    }
  }

  /**
   * @param regions per-region modes (ISO 3166 codes such as "US-CA", or "EU"); other regions use {@code mode}
   * @param purposes the purposes a grant must include before capture starts
   * @param receiptDays how long a receipt is valid before the visitor is asked again
   * @param eraseOnWithdrawal whether withdrawing consent also erases the visitor's past recordings
   */
  public record Consent(Mode mode, Map<String, Mode> regions, SignalRule gpc, SignalRule dnt, List<String> purposes,
      int receiptDays, boolean eraseOnWithdrawal, Notice notice) {

    /** The mode for a visitor from {@code region} (empty when unknown). */
    public Mode modeFor(Optional<String> region) {
      return region.map(r -> regions.getOrDefault(r, mode)).orElse(mode);
    }
  }

  /** The notice the banner shows; its version and text hash go into every consent record. */
  public record Notice(String version, String language, String text) {}

  /**
   * @param allow path globs that may be recorded ({@code *} within a segment, {@code **} across)
   * @param deny path globs never recorded; deny wins over allow
   * @param sampling share of visitors recorded, 0 to 1
   * @param keepQuery whether recorded URLs keep their query string and fragment
   */
  public record Capture(List<String> allow, List<String> deny, double sampling, boolean keepQuery) {}

  /**
   * @param inputs the input types whose values are masked; {@code Optional.empty()} means every input
   * @param maskText CSS selectors whose text is masked
   * @param block CSS selectors recorded as an empty box
   * @param unmask CSS selectors exempt from {@code maskText} (never from input or PII masking)
   * @param piiText whether text that looks like personal data is masked wherever it appears
   */
  public record Masking(Optional<Set<String>> inputs, List<String> maskText, List<String> block, List<String> unmask,
      boolean piiText) {

    /** Whether the value of an input of this type is masked (password always is). */
    public boolean masksInput(String type) {
      return inputs.map(t -> t.contains(type) || type.equals("password")).orElse(true);
    }
  }

  /** Console capture: whether, and which levels. */
  public record ConsoleRules(boolean capture, Set<String> levels) {}

  /** Network capture (request URLs and timings; never bodies): whether. */
  public record NetworkRules(boolean capture) {}

  /**
   * @param detect the kinds the server's detector looks for; always includes card numbers (PCI DSS 3.3.1: card data
   *     is never stored)
   */
  public record PiiRules(PiiAction action, Set<String> detect) {}

  /** The safe defaults, version 0. */
  public static Policy defaults() {
    return new Policy(0,
        new Consent(Mode.OPT_IN, Map.of(), SignalRule.DO_NOT_RECORD, SignalRule.DO_NOT_RECORD, List.of("replay"), 180,
            true, new Notice("1", "en", DEFAULT_NOTICE)),
        new Capture(List.of("/**"), List.of(), 1.0, false),
        new Masking(Optional.empty(), List.of(), List.of(), List.of(), true),
        new ConsoleRules(true, Set.of("error")),
        new NetworkRules(false),
        new PiiRules(PiiAction.REDACT, Set.of("card", "ssn", "email", "phone", "iban")));
  }

  /** This policy as saved under {@code newVersion}. */
  public Policy withVersion(int newVersion) {
    return new Policy(newVersion, consent, capture, masking, console, network, pii);
  }

  static final String DEFAULT_NOTICE = "With your consent we record how you use this site (pages, clicks, scrolling"
      + " and typing, with what you type hidden) to find and fix problems. The recording stays on our own servers."
      + " You can withdraw your consent at any time.";
}
