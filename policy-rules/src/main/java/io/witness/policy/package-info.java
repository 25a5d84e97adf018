/**
 * Per-site capture policies (docs: policy-rules/README.md). A {@link io.witness.policy.Policy} is data: read from
 * JSON or YAML by {@link io.witness.policy.PolicyParser}, which names the line, column and field of every problem;
 * {@link io.witness.policy.PolicyEvaluator} answers whether and what to record. Masking rules name elements with CSS
 * selectors: {@link io.witness.policy.Selector} parses the subset the server can evaluate again on a reconstructed
 * DOM ({@link io.witness.policy.SelectorElement}) exactly as rrweb does in the browser.
 * {@link io.witness.policy.PiiDetector} finds and redacts card numbers, SSNs, e-mail addresses, phone numbers and
 * IBANs in recorded text. No framework imports.
 */
package io.witness.policy;
