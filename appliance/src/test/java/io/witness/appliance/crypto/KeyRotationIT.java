package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.site.SiteService;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Online rotation through the admin API and {@code bin/witness keys rotate}: a site rotation over more keys than one
 * step re-wraps them in steps with visible progress, leaves every key under the new KEK version only and every
 * recording readable; a root rotation by the command line prints its progress and result.
 */
@ExtendWith(ArquillianExtension.class)
class KeyRotationIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject KeyService keys;

  @Test
  void siteRotation_byTheApi_rewrapsInStepsWithProgress_andRootRotation_byTheCommandLine() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String site = SiteService.DEMO_SITE_ID;
    // More subjects than one re-wrap step, and a recording to read back.
    List<String> refs = new ArrayList<>();
    java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
    for (int i = 0; i < KeyService.REWRAP_STEP * 2 + 17; i++) {
      String ref = keys.blindIndex(site, KeyService.VISITOR, "rotation-visitor-" + i);
      refs.add(ref);
      keys.dataKeyForWrite(site, ref, month, "rotation-recording-" + i); // makes the subject's key
    }
    String id = api.importRecording(Corpus.events("todomvc-vanillajs").toString().getBytes(StandardCharsets.UTF_8),
        false).assertStatus(201).json().path("id").asText();
    JsonNode before = api.events(id);

    JsonNode started = api.send(api.authorized("/api/v1/keys/rotations").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"scope\":\"site\",\"site\":\"" + site + "\"}"))
        .build()).assertStatus(202).json();
    String job = started.path("id").asText();
    JsonNode state = started;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (state.path("state").asText().equals("running") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      state = api.getJson("/api/v1/keys/rotations/" + job);
    }
    assertEquals("done", state.path("state").asText(), state.toString());
    assertTrue(state.path("total").asInt() >= refs.size(), state.toString());
    assertEquals(state.path("total").asInt(), state.path("done").asInt(), state.toString());
    assertEquals(state.path("rewrapped").asInt(), state.path("done").asInt());
    int version = state.path("newVersion").asInt();
    assertTrue(state.path("destroyedVersions").size() >= 1, state.toString());

    JsonNode status = api.getJson("/api/v1/keys");
    Set<Integer> wrapping = new java.util.TreeSet<>();
    for (JsonNode c : status.path("keys")) {
      if (c.path("site").asText().equals(site) && !c.path("kind").asText().equals("site-kek")) {
        wrapping.add(c.path("wrappedByVersion").asInt());
      }
    }
    assertEquals(Set.of(version), wrapping, "every key of the site is under the new KEK version: " + status);
    assertEquals(before, api.events(id), "data keys did not change: the recording reads the same");

    // The command line, against the running appliance: a root rotation, with its progress and result.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = KeysCommand.run(new String[] {"rotate"}, Map.of("WITNESS_URL", url.toString(), "WITNESS_TOKEN",
        api.token()), System.in, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed + err.toString(StandardCharsets.UTF_8));
    assertTrue(printed.contains("rotation ") && printed.contains("done: root key version"), printed);
    assertEquals(before, api.events(id), "the recording still reads the same after the root rotation");

    // Bad requests are problems.
    api.send(api.authorized("/api/v1/keys/rotations").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"scope\":\"site\",\"site\":\"nope\"}")).build())
        .assertProblem(400, "validation");
    api.send(api.authorized("/api/v1/keys/rotations").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"scope\":\"everything\"}")).build())
        .assertProblem(400, "validation");
    ByteArrayOutputStream noAuth = new ByteArrayOutputStream();
    assertEquals(2, KeysCommand.run(new String[] {"rotate"}, Map.of("WITNESS_URL", url.toString()), System.in,
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(noAuth, true, StandardCharsets.UTF_8)));
    assertTrue(noAuth.toString(StandardCharsets.UTF_8).contains("WITNESS_TOKEN"));
  }
}
