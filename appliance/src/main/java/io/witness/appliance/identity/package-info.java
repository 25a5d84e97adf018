/**
 * Who is calling: local accounts (the bootstrap {@code admin}), console sessions with CSRF protection and API
 * bearer tokens. Every {@code /api/} request passes {@link AuthFilter}. Roles and Keycloak arrive later; they
 * plug in behind {@link IdentityService#authenticate}.
 */
package io.witness.appliance.identity;
