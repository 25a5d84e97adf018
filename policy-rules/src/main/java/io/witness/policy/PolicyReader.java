package io.witness.policy;

import io.witness.policy.Policy.Capture;
import io.witness.policy.Policy.Consent;
import io.witness.policy.Policy.ConsoleRules;
import io.witness.policy.Policy.Masking;
import io.witness.policy.Policy.Mode;
import io.witness.policy.Policy.NetworkRules;
import io.witness.policy.Policy.Notice;
import io.witness.policy.Policy.PiiAction;
import io.witness.policy.Policy.PiiRules;
import io.witness.policy.Policy.SignalRule;
import io.witness.policy.PolicyNode.ArrayNode;
import io.witness.policy.PolicyNode.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Turns a positioned document into a {@link Policy}, adding a {@link PolicyProblem} for everything wrong. */
final class PolicyReader {
  static final Set<String> INPUT_TYPES = Set.of("text", "password", "email", "tel", "number", "search", "url",
      "date", "datetime-local", "month", "week", "time", "color", "range", "textarea", "select");
  static final Set<String> CONSOLE_LEVELS = Set.of("log", "info", "warn", "error", "debug", "assert", "trace");
  static final Set<String> PII_KINDS = Set.of("card", "ssn", "email", "phone", "iban");
  private static final Pattern REGION = Pattern.compile("EU|[A-Z]{2}(-[A-Z0-9]{1,3})?");
  private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private final List<PolicyProblem> problems;

  PolicyReader(List<PolicyProblem> problems) {
    this.problems = problems;
  }

  Policy policy(ObjectNode root) {
    Policy d = Policy.defaults();
    Fields f = new Fields(root, "", problems);
    f.only("version", "consent", "capture", "masking", "console", "network", "pii");
    int version = (int) f.integer("version", 0, 0, Integer.MAX_VALUE);
    return new Policy(version,
        f.object("consent").map(this::consent).orElse(d.consent()),
        f.object("capture").map(this::capture).orElse(d.capture()),
        f.object("masking").map(this::masking).orElse(d.masking()),
        f.object("console").map(this::console).orElse(d.console()),
        f.object("network").map(n -> {
          n.only("capture");
          return new NetworkRules(n.bool("capture", false));
        }).orElse(d.network()),
        f.object("pii").map(this::pii).orElse(d.pii()));
  }

  private Consent consent(Fields f) {
    Consent d = Policy.defaults().consent();
    f.only("mode", "regions", "gpc", "dnt", "purposes", "receiptDays", "eraseOnWithdrawal", "notice");
    Mode mode = f.choice("mode", Mode.values(), Mode::wire, d.mode());
    Map<String, Mode> regions = new LinkedHashMap<>();
    f.object("regions").ifPresent(r -> r.names().forEach(code -> {
      if (!REGION.matcher(code).matches()) {
        r.problemAtName(code, "a region is an ISO 3166 code such as \"DE\" or \"US-CA\", or \"EU\"");
      }
      regions.put(code, r.choice(code, Mode.values(), Mode::wire, mode));
    }));
    List<String> purposes = f.strings("purposes", d.purposes(), (s, at) -> {
      if (!PURPOSE.matcher(s).matches()) {
        at.accept("a purpose is a lower-case name such as \"replay\"");
      }
    });
    if (!purposes.contains("replay")) {
      f.problemAt("purposes", "must include \"replay\": capture is the purpose consent is asked for");
    }
    Notice notice = f.object("notice").map(n -> {
      n.only("version", "language", "text");
      return new Notice(n.string("version", d.notice().version(), 32), n.string("language", d.notice().language(), 16),
          n.string("text", d.notice().text(), 4000));
    }).orElse(d.notice());
    return new Consent(mode, Map.copyOf(regions), f.choice("gpc", SignalRule.values(), SignalRule::wire, d.gpc()),
        f.choice("dnt", SignalRule.values(), SignalRule::wire, d.dnt()), purposes,
        (int) f.integer("receiptDays", d.receiptDays(), 1, 395), f.bool("eraseOnWithdrawal", d.eraseOnWithdrawal()),
        notice);
  }

  private Capture capture(Fields f) {
    Capture d = Policy.defaults().capture();
    f.only("allow", "deny", "sampling", "keepQuery");
    Fields.Check glob = (s, at) -> {
      try {
        PathPattern.compile(s);
      } catch (IllegalArgumentException e) {
        at.accept(e.getMessage());
      }
    };
    return new Capture(f.strings("allow", d.allow(), glob), f.strings("deny", d.deny(), glob),
        f.number("sampling", d.sampling(), 0, 1), f.bool("keepQuery", d.keepQuery()));
  }

  private Masking masking(Fields f) {
    Masking d = Policy.defaults().masking();
    f.only("inputs", "maskText", "block", "unmask", "piiText");
    Optional<Set<String>> inputs = d.inputs();
    Optional<PolicyNode> in = f.get("inputs");
    if (in.isPresent() && in.get() instanceof ArrayNode) {
      inputs = Optional.of(Set.copyOf(f.strings("inputs", List.of(), (s, at) -> {
        if (!INPUT_TYPES.contains(s)) {
          at.accept("unknown input type \"" + s + "\"; one of " + String.join(", ", new TreeSet<>(INPUT_TYPES)));
        }
      })));
    } else if (in.isPresent() && !"all".equals(f.string("inputs", "all", 8))) {
      f.problemAt("inputs", "must be \"all\" or a list of input types");
    }
    Fields.Check selector = (s, at) -> {
      try {
        Selector.parse(s);
      } catch (SelectorException e) {
        at.accept("invalid CSS selector \"" + s + "\": " + e.getMessage());
      }
    };
    return new Masking(inputs, f.strings("maskText", d.maskText(), selector), f.strings("block", d.block(), selector),
        f.strings("unmask", d.unmask(), selector), f.bool("piiText", d.piiText()));
  }

  private ConsoleRules console(Fields f) {
    ConsoleRules d = Policy.defaults().console();
    f.only("capture", "levels");
    Set<String> levels = new LinkedHashSet<>(f.strings("levels", List.copyOf(d.levels()), (s, at) -> {
      if (!CONSOLE_LEVELS.contains(s)) {
        at.accept("unknown console level \"" + s + "\"; one of " + String.join(", ",
            new TreeSet<>(CONSOLE_LEVELS)));
      }
    }));
    return new ConsoleRules(f.bool("capture", d.capture()), Set.copyOf(levels));
  }

  private PiiRules pii(Fields f) {
    PiiRules d = Policy.defaults().pii();
    f.only("action", "detect");
    List<String> detect = f.strings("detect", List.copyOf(d.detect()), (s, at) -> {
      if (!PII_KINDS.contains(s)) {
        at.accept("unknown kind \"" + s + "\"; one of card, email, iban, phone, ssn");
      }
    });
    if (!detect.contains("card")) {
      f.problemAt("detect", "must include \"card\": card data is never stored (PCI DSS 3.3.1)");
    }
    return new PiiRules(f.choice("action", PiiAction.values(), PiiAction::wire, d.action()), Set.copyOf(detect));
  }
}
