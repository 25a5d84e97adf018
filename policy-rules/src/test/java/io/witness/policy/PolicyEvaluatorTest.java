package io.witness.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.policy.PolicyEvaluator.Refusal;
import io.witness.policy.PolicyEvaluator.Signals;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {
  private static final Signals NONE = new Signals(false, false, Optional.empty());

  @Test
  void refusal_defaults_gpcAndDntMeanDoNotRecord() {
    PolicyEvaluator e = new PolicyEvaluator(Policy.defaults());
    assertEquals(Optional.of(Refusal.GPC), e.refusal(new Signals(true, false, Optional.empty()), Set.of("replay"),
        false));
    assertEquals(Optional.of(Refusal.DNT), e.refusal(new Signals(false, true, Optional.empty()), Set.of("replay"),
        false));
    assertEquals(Optional.empty(), e.refusal(NONE, Set.of("replay"), false));
  }

  @Test
  void refusal_signalsIgnored_whenThePolicySaysSo() {
    PolicyEvaluator e = new PolicyEvaluator(PolicyParser.parse("{\"consent\": {\"gpc\": \"ignore\", \"dnt\": \"ignore\"}}"));
    assertEquals(Optional.empty(), e.refusal(new Signals(true, true, Optional.empty()), Set.of("replay"), false));
  }

  @Test
  void refusal_missingPurpose_isRefused() {
    PolicyEvaluator e = new PolicyEvaluator(Policy.defaults());
    assertEquals(Optional.of(Refusal.PURPOSE_MISSING), e.refusal(NONE, Set.of("analytics"), false));
  }

  @Test
  void refusal_optOut_onlyWhereTheRegionAllowsIt() {
    PolicyEvaluator e = new PolicyEvaluator(PolicyParser.parse("{\"consent\": {\"regions\": {\"US-TX\": \"opt-out\"}}}"));
    assertEquals(Optional.empty(), e.refusal(new Signals(false, false, Optional.of("US-TX")), Set.of("replay"), true));
    assertEquals(Optional.of(Refusal.OPT_IN_REQUIRED),
        e.refusal(new Signals(false, false, Optional.of("DE")), Set.of("replay"), true));
    assertEquals(Optional.of(Refusal.OPT_IN_REQUIRED), e.refusal(NONE, Set.of("replay"), true));
  }

  @Test
  void inScope_denyWinsAndSpellingsDoNotSlipPast() {
    PolicyEvaluator e = new PolicyEvaluator(PolicyParser.parse(
        "{\"capture\": {\"allow\": [\"/**\"], \"deny\": [\"/checkout/payment/**\", \"/account/*/card\"]}}"));
    assertTrue(e.inScope("https://shop.example/"));
    assertTrue(e.inScope("https://shop.example/checkout/cart?x=1"));
    assertFalse(e.inScope("https://shop.example/checkout/payment"));
    assertFalse(e.inScope("https://shop.example/checkout/payment/step-2#top"));
    assertFalse(e.inScope("https://shop.example/Checkout/Payment"));
    assertFalse(e.inScope("https://shop.example/checkout/%70ayment"));
    assertFalse(e.inScope("https://shop.example/checkout/x/../payment"));
    assertFalse(e.inScope("https://shop.example/account/42/card"));
    assertTrue(e.inScope("https://shop.example/account/42/cards"));
    assertFalse(e.inScope("https://shop.example//checkout//payment"));
    assertFalse(e.inScope("https://shop.example/checkout/payment/../payment/x"));
    assertFalse(e.inScope("/checkout/payment"), "a relative URL is a path");
    assertTrue(e.inScope("https://shop.example/100%_off"), "invalid escapes are kept, not refused");
    assertTrue(e.inScope("https://shop.example/o'reilly?q=\"x\""));
    assertFalse(e.inScope(""), "an empty URL is out of scope");
  }

  @Test
  void inScope_allowList_limitsCapture() {
    PolicyEvaluator e = new PolicyEvaluator(PolicyParser.parse("{\"capture\": {\"allow\": [\"/app/**\"]}}"));
    assertTrue(e.inScope("https://x.example/app"));
    assertTrue(e.inScope("https://x.example/app/settings"));
    assertFalse(e.inScope("https://x.example/apple"));
    assertFalse(e.inScope("https://x.example/"));
  }

  @Test
  void sampled_isStablePerVisitorAndNearTheRate() {
    PolicyEvaluator e = new PolicyEvaluator(PolicyParser.parse("{\"capture\": {\"sampling\": 0.3}}"));
    // Visitor ids are 128 random bits in base64url (the SDK's crypto.getRandomValues).
    Random random = new Random(42);
    int in = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      if (e.sampled("site_abc", Base64.getUrlEncoder().withoutPadding().encodeToString(id))) {
        in++;
      }
    }
    assertTrue(in > 2_700 && in < 3_300, "sampled " + in + " of 10,000");
    assertEquals(e.sampled("site_abc", "visitor-7"), e.sampled("site_abc", "visitor-7"));
    assertFalse(new PolicyEvaluator(PolicyParser.parse("{\"capture\": {\"sampling\": 0}}")).sampled("s", "v"));
  }

  @Test
  void fnv1a32_matchesTheReferenceValues() {
    assertEquals(0x811c9dc5, PolicyEvaluator.fnv1a32(""));
    assertEquals(0xe40c292c, PolicyEvaluator.fnv1a32("a"));
    assertEquals(0xbf9cf968, PolicyEvaluator.fnv1a32("foobar"));
  }

  @Test
  void minimiseUrl_dropsQueryAndFragmentByDefault() {
    PolicyEvaluator e = new PolicyEvaluator(Policy.defaults());
    assertEquals("https://x.example/a/b", e.minimiseUrl("https://x.example/a/b?email=a@b.c#frag"));
    assertEquals("https://x.example/a", e.minimiseUrl("https://x.example/a#x?y"));
    PolicyEvaluator keep = new PolicyEvaluator(PolicyParser.parse("{\"capture\": {\"keepQuery\": true}}"));
    assertEquals("https://x.example/a?q=1", keep.minimiseUrl("https://x.example/a?q=1"));
  }

  @Test
  void browserView_carriesTheNoticeHashAndLeavesOutServerRules() {
    String view = PolicyWriter.browserView(Policy.defaults().withVersion(3), "demo");
    assertTrue(view.contains("\"version\":3"));
    assertTrue(view.contains("\"sha256\":\"" + PolicyWriter.noticeSha256(Policy.defaults()) + "\""));
    assertFalse(view.contains("\"pii\":"));
    assertFalse(view.contains("receiptDays"));
  }
}
