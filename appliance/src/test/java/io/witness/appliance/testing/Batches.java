package io.witness.appliance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Builds capture-protocol batch envelopes the way the recorder SDK does. */
public final class Batches {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

  private Batches() {}

  /** A fresh SDK-style session id (22 characters of the allowed alphabet). */
  public static String newSessionId() {
    StringBuilder b = new StringBuilder(22);
    for (int i = 0; i < 22; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** One envelope {@code {"v":1,"sessionId","seq","sentAt","events"}} as JSON bytes. */
  public static byte[] envelope(String sessionId, int seq, JsonNode events) {
    ObjectNode env = WitnessApi.JSON.createObjectNode();
    env.put("v", 1);
    env.put("sessionId", sessionId);
    env.put("seq", seq);
    long sentAt = events.size() == 0 ? 1L : events.get(events.size() - 1).path("timestamp").asLong() + 1;
    env.put("sentAt", sentAt);
    env.set("events", events);
    try {
      return WitnessApi.JSON.writeValueAsBytes(env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The events cut into envelopes of {@code perBatch} events, seq 0, 1, 2, ... in order. */
  public static List<byte[]> split(String sessionId, JsonNode events, int perBatch) {
    List<byte[]> out = new ArrayList<>();
    for (int from = 0, seq = 0; from < events.size(); from += perBatch, seq++) {
      ArrayNode part = WitnessApi.JSON.createArrayNode();
      for (int i = from; i < Math.min(events.size(), from + perBatch); i++) {
        part.add(events.get(i));
      }
      out.add(envelope(sessionId, seq, part));
    }
    return out;
  }

  /** {@code envelope} with the SDK's {@code visitorId} added (as the recorder SDK sends it after consent). */
  public static byte[] withVisitor(byte[] envelope, String visitorId) {
    try {
      ObjectNode o = (ObjectNode) WitnessApi.JSON.readTree(envelope);
      o.put("visitorId", visitorId);
      return WitnessApi.JSON.writeValueAsBytes(o);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
