package io.witness.appliance.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.Reply;
import io.witness.appliance.testing.WitnessApi;
import java.net.URL;
import java.net.http.HttpRequest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A policy draft previewed on a stored recording: the events as the draft would admit them; nothing saved. */
@ExtendWith(ArquillianExtension.class)
class PolicyPreviewIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;

  @Test
  void draftMaskingTable_masksItsTextInThePreviewOnly_andIsAudited() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    JsonNode page = WitnessApi.JSON.readTree("""
        [{"type":4,"timestamp":1700000000000,"data":{"href":"https://bank.example/accounts","width":800,"height":600}},
         {"type":2,"timestamp":1700000000100,"data":{"node":{"type":0,"id":1,"childNodes":[{"type":2,"id":2,
           "tagName":"body","attributes":{},"childNodes":[{"type":2,"id":3,"tagName":"h1","attributes":{},
           "childNodes":[{"type":3,"id":4,"textContent":"Your accounts"}]},{"type":2,"id":5,"tagName":"table",
           "attributes":{"class":"balances"},"childNodes":[{"type":3,"id":6,"textContent":"Balance 1200"}]}]}]},
           "initialOffset":{"left":0,"top":0}}}]""");
    String id = api.importRecording(WitnessApi.JSON.writeValueAsBytes(page), false).assertStatus(201).json()
        .path("id").asText();
    int version = api.getJson("/api/v1/sites/demo/policy").path("version").asInt();

    JsonNode preview = preview(api, id, "masking: { maskText: [table.balances] }").assertStatus(200).json();
    String events = preview.path("events").toString();
    assertFalse(events.contains("Balance 1200"), events);
    assertTrue(events.contains("Your accounts"), "text outside the selector stays: " + events);
    assertEquals(2, preview.path("summary").path("events").asInt());
    assertTrue(preview.path("summary").path("masked").asInt() >= 1, preview.path("summary").toString());
    assertEquals("[{\"nodeId\":5,\"page\":0,\"rules\":[\"mask-text table.balances\"]}]",
        WitnessApi.JSON.writeValueAsString(WitnessApi.JSON.convertValue(preview.path("matches"),
            new com.fasterxml.jackson.core.type.TypeReference<java.util.List<java.util.TreeMap<String, Object>>>() {})),
        "the element the rule matched, for the console to outline");

    assertTrue(api.events(id).toString().contains("Balance 1200"), "the stored recording is unchanged");
    assertEquals(version, api.getJson("/api/v1/sites/demo/policy").path("version").asInt(), "nothing saved");

    JsonNode problem = preview(api, id, "masking:\n  maskTxt: [table]\n").assertProblem(400, "validation");
    assertTrue(problem.toString().contains("line 2"), problem.toString());
    preview(api, "00000000-0000-0000-0000-000000000000", "{}").assertProblem(404, "not-found");
    JsonNode audited = api.getJson("/api/v1/audit/entries?action=recording.preview&resource="
        + WitnessApi.encode("recording:" + id));
    assertEquals(1, audited.path("items").size(), audited.toString());
  }

  private static Reply preview(WitnessApi api, String id, String yaml) {
    return api.send(api.authorized("/api/v1/policies/previews?recording=" + id).header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
  }
}
