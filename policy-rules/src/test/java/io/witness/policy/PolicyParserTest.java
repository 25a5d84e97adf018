package io.witness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.policy.Policy.Mode;
import io.witness.policy.Policy.PiiAction;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  @Test
  void parse_emptyObject_givesTheSafeDefaults() {
    Policy p = PolicyParser.parse("{}");
    assertEquals(Policy.defaults(), p);
    assertEquals(Mode.OPT_IN, p.consent().mode());
    assertEquals(Policy.SignalRule.DO_NOT_RECORD, p.consent().gpc());
    assertTrue(p.masking().masksInput("text"));
    assertTrue(p.masking().piiText());
    assertFalse(p.capture().keepQuery());
    assertFalse(p.network().capture());
    assertEquals(Set.of("error"), p.console().levels());
    assertTrue(p.pii().detect().contains("card"));
  }

  @Test
  void parse_yamlDocument_readsEveryField() {
    Policy p = PolicyParser.parse("""
        version: 4
        consent:
          mode: opt-in
          regions: { US-TX: opt-out }
          gpc: ignore
          dnt: ignore
          purposes: [replay, analytics]
          receiptDays: 30
          eraseOnWithdrawal: false
          notice: { version: "2026-12", language: de, text: "Wir zeichnen auf." }
        capture:
          allow: ["/**"]
          deny: ["/checkout/payment/**"]
          sampling: 0.25
          keepQuery: true
        masking:
          inputs: [email, tel]
          maskText: [".balance"]
          block: ["iframe[src*=pay]"]
          unmask: [".product-title"]
          piiText: false
        console: { capture: true, levels: [error, warn] }
        network: { capture: true }
        pii: { action: quarantine, detect: [card, iban] }
        """);
    assertEquals(4, p.version());
    assertEquals(Mode.OPT_OUT, p.consent().modeFor(Optional.of("US-TX")));
    assertEquals(Mode.OPT_IN, p.consent().modeFor(Optional.of("DE")));
    assertEquals(List.of("replay", "analytics"), p.consent().purposes());
    assertEquals(30, p.consent().receiptDays());
    assertEquals("Wir zeichnen auf.", p.consent().notice().text());
    assertEquals(0.25, p.capture().sampling());
    assertTrue(p.masking().masksInput("email"));
    assertFalse(p.masking().masksInput("text"));
    assertTrue(p.masking().masksInput("password"), "password is always masked");
    assertEquals(List.of("iframe[src*=pay]"), p.masking().block());
    assertEquals(PiiAction.QUARANTINE, p.pii().action());
    assertEquals(Set.of("card", "iban"), p.pii().detect());
  }

  @Test
  void parse_documentWrittenByTheWriter_givesTheSamePolicy() {
    Policy p = PolicyParser.parse("""
        {"version": 2, "capture": {"deny": ["/admin/**"], "sampling": 0.5},
         "masking": {"inputs": ["text"], "block": [".x"]}, "consent": {"regions": {"EU": "opt-in"}}}""");
    assertEquals(p, PolicyParser.parse(PolicyWriter.document(p)));
  }

  @Test
  void parse_unknownField_namesLineColumnAndSuggestion() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("""
        masking:
          maskTxt: [".a"]
        """));
    PolicyProblem problem = e.problems().get(0);
    assertEquals(2, problem.line());
    assertEquals(3, problem.column());
    assertEquals("masking.maskTxt", problem.field());
    assertTrue(problem.message().contains("did you mean \"maskText\""), problem.message());
  }

  @Test
  void parse_everyProblem_isReportedAtOnceInDocumentOrder() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("""
        {
          "consent": {"mode": "opt-inn", "receiptDays": 0},
          "capture": {"sampling": 2, "deny": ["checkout"]},
          "masking": {"block": ["div >", ".ok"]},
          "pii": {"detect": ["email"]}
        }"""));
    List<String> fields = e.problems().stream().map(PolicyProblem::field).toList();
    assertEquals(List.of("consent.mode", "consent.receiptDays", "capture.sampling", "capture.deny[0]",
        "masking.block[0]", "pii.detect"), fields);
    assertEquals(2, e.problems().get(0).line());
    assertTrue(e.problems().get(0).message().contains("\"opt-in\", \"opt-out\""));
    assertTrue(e.problems().get(4).message().contains("invalid CSS selector"), e.problems().get(4).message());
    assertTrue(e.problems().get(5).message().contains("PCI DSS 3.3.1"));
    assertTrue(e.getMessage().startsWith("line 2, column "), e.getMessage());
  }

  @Test
  void parse_brokenJson_namesTheLine() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("{\n  \"capture\": {,}\n}"));
    assertEquals(2, e.problems().get(0).line());
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void parse_brokenYaml_namesTheLine() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("capture:\n  allow: [\"/a\"\n"));
    assertTrue(e.problems().get(0).line() >= 2, e.getMessage());
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
  }

  @Test
  void parse_duplicateKey_isAProblem() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> PolicyParser.parse("{\"network\": {\"capture\": true, \"capture\": false}}"));
    assertEquals("network.capture", e.problems().get(0).field());
    assertTrue(e.getMessage().contains("appears twice"));
  }

  @Test
  void parse_wrongTypes_areProblems() {
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse("""
        {"consent": "yes", "capture": {"allow": "/a", "keepQuery": "no"}, "masking": {"inputs": "some"},
         "console": {"levels": ["loud"]}}"""));
    assertEquals(5, e.problems().size(), e.getMessage());
  }

  @Test
  void parse_purposesWithoutReplay_isAProblem() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> PolicyParser.parse("{\"consent\": {\"purposes\": [\"analytics\"]}}"));
    assertEquals("consent.purposes", e.problems().get(0).field());
  }

  @Test
  void parse_badRegionCode_isAProblem() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> PolicyParser.parse("{\"consent\": {\"regions\": {\"california\": \"opt-out\"}}}"));
    assertEquals("consent.regions.california", e.problems().get(0).field());
  }

  @Test
  void parse_oversizedDocument_isRefusedBeforeParsing() {
    PolicyException e = assertThrows(PolicyException.class,
        () -> PolicyParser.parse("#" + "x".repeat(PolicyParser.MAX_CHARS)));
    assertTrue(e.getMessage().contains("at most"));
  }

  @Test
  void parse_notAnObject_isAProblem() {
    assertThrows(PolicyException.class, () -> PolicyParser.parse("[1, 2]"));
    assertThrows(PolicyException.class, () -> PolicyParser.parse(""));
  }
}
