/**
 * PII incidents (issue 6): what the detector's quarantine action took out of recorded events — redacted in the
 * stored events, the values sealed under the data subject's key, never replayed — for an admin to review and purge.
 */
package io.witness.appliance.incident;
