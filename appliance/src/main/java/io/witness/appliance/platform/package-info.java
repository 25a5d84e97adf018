/**
 * Cross-cutting plumbing only: database migrations, RFC 9457 error mapping, size-limited input, health and
 * configuration helpers. Nothing here knows about recordings or users.
 */
package io.witness.appliance.platform;
