/**
 * Consent (issue 6; consent-gateway/docs/consent-protocol.md): the public endpoints the recorder SDK calls before
 * and at consent (`/consent/v1/...`: the site's policy, grants, withdrawals), the immutable consent records, the
 * signed receipts every batch carries, and the admission check capture runs before it reads a batch's body.
 */
package io.witness.appliance.consent;
