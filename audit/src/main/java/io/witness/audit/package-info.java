/**
 * The tamper-evident audit log (docs: audit/README.md). Entries ({@link io.witness.audit.AuditEntry}) are hashed
 * as canonical JSON into an RFC 9162 Merkle tree ({@link io.witness.audit.Merkle},
 * {@link io.witness.audit.MerkleFrontier}, {@link io.witness.audit.TiledSubtrees}); the
 * {@link io.witness.audit.AuditLog} sequencer stores them through the {@link io.witness.audit.AuditStore} SPI and
 * signs C2SP checkpoints ({@link io.witness.audit.Checkpoint}, {@link io.witness.audit.SignedNote}); an
 * {@link io.witness.audit.AuditExport} is checked offline by {@link io.witness.audit.AuditVerifier}. No framework:
 * plain Java, signatures through JCA with Bouncy Castle (or bc-fips) as the provider.
 */
package io.witness.audit;
