/**
 * Server-side admission of recorded rrweb events (issue 6; consent-gateway/docs/consent-protocol.md): the site
 * policy's capture scope, masking and PII rules applied again on the server, whatever the page and its SDK did.
 * {@link io.witness.consent.EventSanitizer} rewrites events in place, keeping per recording the DOM state
 * ({@link io.witness.consent.SanitizerSession}) it needs to evaluate masking selectors on later mutations. Plain
 * Java plus Jackson's tree model; the appliance embeds it in front of storage.
 */
package io.witness.consent;
