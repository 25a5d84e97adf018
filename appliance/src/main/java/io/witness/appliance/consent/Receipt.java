package io.witness.appliance.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A consent receipt's payload and its token form {@code base64url(payload) "." base64url(signature)}; the payload is
 * the JSON {@code {"v":1,"id","site","visitor","pv","purposes","iat","exp"}} (times in epoch seconds; {@code visitor}
 * is the hex SHA-256 of the visitor id).
 */
record Receipt(String id, String site, String visitor, int policyVersion, List<String> purposes, long issuedAt,
    long expiresAt) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  /** Tokens longer than this are refused unread. */
  static final int MAX_TOKEN = 2048;

  /** The payload as signed. */
  byte[] payload() {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", 1).put("id", id).put("site", site).put("visitor", visitor).put("pv", policyVersion);
    purposes.forEach(o.putArray("purposes")::add);
    o.put("iat", issuedAt).put("exp", expiresAt);
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String token(byte[] payload, byte[] signature) {
    return ENCODE.encodeToString(payload) + "." + ENCODE.encodeToString(signature);
  }

  /** The two parts of a token, decoded; empty when it is not one. */
  static Optional<byte[][]> split(String token) {
    if (token == null || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    try {
      return Optional.of(new byte[][] {DECODE.decode(token.substring(0, dot)), DECODE.decode(token.substring(dot + 1))});
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The payload's fields; empty when it is not a version 1 payload. */
  static Optional<Receipt> parse(byte[] payload) {
    try {
      JsonNode n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
      if (n == null || n.path("v").asInt() != 1 || !n.path("id").isTextual() || !n.path("site").isTextual()
          || !n.path("visitor").isTextual() || !n.path("pv").isInt() || !n.path("purposes").isArray()
          || !n.path("iat").canConvertToLong() || !n.path("exp").canConvertToLong()) {
        return Optional.empty();
      }
      List<String> purposes = new ArrayList<>();
      n.path("purposes").forEach(p -> purposes.add(p.asText()));
      return Optional.of(new Receipt(n.get("id").asText(), n.get("site").asText(), n.get("visitor").asText(),
          n.get("pv").asInt(), List.copyOf(purposes), n.get("iat").asLong(), n.get("exp").asLong()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
