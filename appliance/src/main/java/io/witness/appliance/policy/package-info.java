/**
 * Site policies (issue 6; policy-rules/README.md): every saved version of a site's capture policy, the current
 * one cached with its evaluator for capture and consent, and the admin API to read, validate and change it. A
 * change is audited with the document's digest; every recording keeps the version it was captured under.
 */
package io.witness.appliance.policy;
