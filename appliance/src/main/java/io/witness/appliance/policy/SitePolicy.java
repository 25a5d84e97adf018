package io.witness.appliance.policy;

import io.witness.policy.Policy;
import io.witness.policy.PolicyEvaluator;
import java.time.OffsetDateTime;

/**
 * One saved version of a site's policy, with its evaluator (built once per version).
 *
 * @param document the policy as saved (the editor's text, JSON or YAML)
 * @param sha256 hex SHA-256 of the document's UTF-8 bytes (what the audit entry of the change binds)
 */
public record SitePolicy(String siteId, int version, Policy policy, PolicyEvaluator evaluator, String document,
    String sha256, OffsetDateTime createdAt, String createdBy) {}
