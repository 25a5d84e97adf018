package io.witness.appliance.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.witness.appliance.crypto.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline erasure-certificate verifier on certificates signed here with the JDK's Ed25519, in the shape the
 * API answers (ErasureIT runs it on a certificate of the running appliance).
 */
class CertificateVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aCertificateAsSigned_verifies_withTheGivenKey_andWithTheKeyItCarries() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    JsonNode cert = signed(keys);

    CertificateVerifier.Result withKey = CertificateVerifier.verify(cert, keys.getPublic().getEncoded());
    assertTrue(withKey.valid(), withKey.message());
    assertTrue(withKey.message().contains("3 recordings, 2 keys destroyed"), withKey.message());
    assertTrue(withKey.message().endsWith("(the given key)"), withKey.message());

    CertificateVerifier.Result carried = CertificateVerifier.verify(cert, null);
    assertTrue(carried.valid(), carried.message());
    assertTrue(carried.message().contains("not who signed it"), "says what it does not prove: " + carried.message());
  }

  @Test
  void anAlteredCertificate_anotherKey_orAForgedKeyId_fail() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    ObjectNode altered = signed(keys);
    ((ObjectNode) altered.path("certificate").path("counts")).put("recordings", 2);
    CertificateVerifier.Result r = CertificateVerifier.verify(altered, keys.getPublic().getEncoded());
    assertFalse(r.valid());
    assertTrue(r.message().contains("altered after signing"), r.message());

    CertificateVerifier.Result wrongKey = CertificateVerifier.verify(signed(keys), other.getPublic().getEncoded());
    assertFalse(wrongKey.valid());
    assertTrue(wrongKey.message().contains("not by the given key"), wrongKey.message());

    // Re-signed by someone else who kept the original keyId: the carried key's id gives it away.
    ObjectNode forged = signed(other);
    ((ObjectNode) forged.path("signature")).put("keyId", SigningKeys.keyId(keys.getPublic().getEncoded()));
    assertFalse(CertificateVerifier.verify(forged, null).valid());
    assertFalse(CertificateVerifier.verify(forged, keys.getPublic().getEncoded()).valid());

    ObjectNode notACertificate = JSON.createObjectNode().put("certificate", "x");
    assertFalse(CertificateVerifier.verify(notACertificate, null).valid());
  }

  @Test
  void theCommand_exitsZeroOneOrTwo() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path cert = dir.resolve("cert.json");
    Path pem = dir.resolve("key.pem");
    Files.write(cert, JSON.writeValueAsBytes(signed(keys)));
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(out, err, "verify", cert.toString(), "--key", pem.toString()),
        err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("OK erasure certificate c-1"), out.toString());

    ObjectNode altered = signed(keys);
    ((ObjectNode) altered.path("certificate")).put("requestedBy", "someone-else");
    Files.write(cert, JSON.writeValueAsBytes(altered));
    assertEquals(1, run(out, err, "verify", cert.toString(), "--key", pem.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("FAILED"), err.toString(StandardCharsets.UTF_8));

    assertEquals(2, run(out, err, "verify"));
    assertEquals(2, run(out, err, "verify", dir.resolve("missing.json").toString()));
    assertEquals(2, run(out, err, "verify", cert.toString(), "--key", cert.toString()), "not a PEM key");
  }

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return CertificateVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** A certificate in the API's shape, signed over its canonical JSON. */
  private static ObjectNode signed(KeyPair keys) throws Exception {
    Map<String, Object> body = new TreeMap<>();
    body.put("type", "witness-erasure-certificate");
    body.put("version", 1);
    body.put("id", "c-1");
    body.put("requestedBy", "dpo");
    body.put("erasedAt", "2026-12-03T12:00:00Z");
    body.put("keysDestroyed", List.of("k-1", "k-2"));
    body.put("counts", Map.of("recordings", 3, "keys", 2, "facts", 40, "chunks", 9, "traits", 1));
    body.put("sites", List.of(Map.of("site", "demo", "subjectRef", "ab12", "recordingIds", List.of("r1"))));
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(keys.getPrivate());
    s.update(ErasureService.canonical(body));
    byte[] publicKey = keys.getPublic().getEncoded();
    ObjectNode doc = JSON.createObjectNode();
    doc.set("certificate", JSON.valueToTree(body));
    doc.putObject("signature").put("algorithm", "Ed25519").put("keyId", SigningKeys.keyId(publicKey))
        .put("publicKey", Base64.getEncoder().encodeToString(publicKey))
        .put("value", Base64.getEncoder().encodeToString(s.sign()));
    return doc;
  }
}
