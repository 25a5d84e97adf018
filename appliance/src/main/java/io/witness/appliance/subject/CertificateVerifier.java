package io.witness.appliance.subject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.crypto.SigningKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * {@code bin/witness erasure verify <certificate.json> [--key <signing-key.pem>]}: checks an erasure certificate
 * offline, as a data protection officer or an auditor would, with nothing but the file (and the appliance's
 * published key): the Ed25519 signature over the certificate's canonical JSON (ErasureService#canonical: keys
 * sorted, no whitespace), and that the key that signed it is the one named.
 *
 * <p>With {@code --key} (the {@code pem} of {@code GET /api/v1/signing-key}, kept by the auditor) the signature must
 * be that key's: this proves the certificate came from that appliance. Without it the certificate is checked
 * against the public key it carries, which proves only that it was not altered after signing; the output says so.
 * Exit codes: 0 valid, 1 not valid (the message says why), 2 wrong usage or unreadable input.
 */
public final class CertificateVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CertificateVerifier() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 2 || !args[0].equals("verify") || (args.length != 2 && args.length != 4)
        || (args.length == 4 && !args[2].equals("--key"))) {
      err.println("usage: witness erasure verify <certificate.json> [--key <signing-key.pem>]");
      return 2;
    }
    JsonNode doc;
    byte[] trustedKey = null;
    try {
      doc = JSON.readTree(Files.readAllBytes(Path.of(args[1])));
      if (args.length == 4) {
        trustedKey = pemPublicKey(Files.readString(Path.of(args[3]), StandardCharsets.US_ASCII));
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println("witness erasure verify: cannot read the input: " + e.getMessage());
      return 2;
    }
    Result r = verify(doc, trustedKey);
    (r.valid() ? out : err).println(r.message());
    return r.valid() ? 0 : 1;
  }

  /** The outcome: valid or not, and a line that says what was checked or what is wrong. */
  record Result(boolean valid, String message) {}

  /**
   * Checks {@code doc} (as {@code POST /api/v1/erasures} or {@code GET /api/v1/erasures/{id}} answered it) against
   * {@code trustedKey} (X.509 DER), or, when null, against the key it carries.
   */
  static Result verify(JsonNode doc, byte[] trustedKey) {
    JsonNode cert = doc.path("certificate");
    JsonNode sig = doc.path("signature");
    if (!cert.isObject() || !sig.isObject()) {
      return bad("not an erasure certificate: \"certificate\" and \"signature\" objects expected");
    }
    if (!"witness-erasure-certificate".equals(cert.path("type").asText())) {
      return bad("not an erasure certificate: type is \"" + cert.path("type").asText() + "\"");
    }
    if (!SigningKeys.ALGORITHM.equals(sig.path("algorithm").asText())) {
      return bad("unsupported signature algorithm \"" + sig.path("algorithm").asText() + "\"");
    }
    byte[] carried;
    byte[] value;
    try {
      carried = Base64.getDecoder().decode(sig.path("publicKey").asText());
      value = Base64.getDecoder().decode(sig.path("value").asText());
    } catch (IllegalArgumentException e) {
      return bad("the signature's publicKey or value is not base64");
    }
    String keyId = sig.path("keyId").asText();
    byte[] key = trustedKey != null ? trustedKey : carried;
    if (!SigningKeys.keyId(key).equals(keyId)) {
      return bad(trustedKey != null
          ? "signed by key " + keyId + ", not by the given key " + SigningKeys.keyId(trustedKey)
          : "the carried public key's id is " + SigningKeys.keyId(carried) + ", not the keyId " + keyId);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JSON.convertValue(cert, Map.class);
    if (!SigningKeys.verify(key, ErasureService.canonical(body), value)) {
      return bad("the signature does not match the certificate: it was altered after signing, or signed by"
          + " another key");
    }
    JsonNode counts = cert.path("counts");
    String what = String.format("erasure certificate %s, erased %s by %s: %d recordings, %d keys destroyed",
        cert.path("id").asText(), cert.path("erasedAt").asText(), cert.path("requestedBy").asText(),
        counts.path("recordings").asLong(), counts.path("keys").asLong());
    return new Result(true, "OK " + what + "; Ed25519 signature of key " + keyId + " valid"
        + (trustedKey != null ? " (the given key)"
            : ". Checked against the key the certificate carries: this proves it was not altered, not who"
                + " signed it; pass --key with the appliance's published key (GET /api/v1/signing-key) for that"));
  }

  /** The DER of a PEM "PUBLIC KEY" block. */
  static byte[] pemPublicKey(String pem) {
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the key file is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    String b64 = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
    return Base64.getDecoder().decode(b64);
  }

  private static Result bad(String why) {
    return new Result(false, "FAILED: " + why);
  }
}
