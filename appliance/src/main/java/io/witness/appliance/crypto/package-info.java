/**
 * Field-level encryption and key management (issue 4; shared/design/compliance.md §3). The root key is held by a
 * {@link io.witness.appliance.crypto.KeyCustody} (a passphrase-sealed BCFKS keystore, or a customer's own
 * custody); keys below it are wrapped with AES-KWP ({@link io.witness.appliance.crypto.KeyWrap}); recording data
 * keys are derived with HKDF-SHA-256 ({@link io.witness.appliance.crypto.Hkdf}); content and fields are sealed with
 * AES-256-GCM whose associated data binds each ciphertext to its place ({@link io.witness.appliance.crypto.Aead}).
 * Every algorithm is asked for through {@code CryptoBackend}, the one class that differs between the two builds:
 * in the default build JCE's own provider does the bulk AES (Bouncy Castle's pure-Java AES is ~70× slower) and
 * Bouncy Castle (bcprov) supplies the BCFKS keystore and Argon2id; in the FIPS build (Maven profile {@code fips})
 * bc-fips in approved-only mode does everything, with PBKDF2-HMAC-SHA-512 for the passphrase.
 */
package io.witness.appliance.crypto;
