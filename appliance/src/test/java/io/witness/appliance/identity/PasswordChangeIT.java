package io.witness.appliance.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.WitnessApi;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /api/v1/auth/password}: checks the current password, ends old tokens, and the new one works. */
@ExtendWith(ArquillianExtension.class)
class PasswordChangeIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;

  @Test
  void changePassword_rightCurrent_oldTokensEndAndNewPasswordWorks() {
    WitnessApi api = WitnessApi.of(url);
    String old = WitnessApi.adminPassword();
    String next = "a-much-longer-passphrase-2026";
    String token = api.token();
    api.send(api.authorized("/api/v1/auth/password").header("Content-Type", "application/json")
            .POST(body("{\"currentPassword\":" + WitnessApi.quote(old) + ",\"newPassword\":" + WitnessApi.quote(next) + "}"))
            .build())
        .assertStatus(204);
    try {
      api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + token).GET().build())
          .assertProblem(401, "unauthenticated");
      api.postJson("/api/v1/auth/token", "{\"username\":\"admin\",\"password\":" + WitnessApi.quote(old) + "}")
          .assertProblem(401, "unauthenticated");
      String fresh = api.postJson("/api/v1/auth/token",
          "{\"username\":\"admin\",\"password\":" + WitnessApi.quote(next) + "}").assertStatus(200).json()
          .path("token").asText();
      assertEquals(200, api.send(api.request("/api/v1/sites").header("Authorization", "Bearer " + fresh).GET()
          .build()).status());
    } finally {
      String fresh = api.postJson("/api/v1/auth/token",
          "{\"username\":\"admin\",\"password\":" + WitnessApi.quote(next) + "}").json().path("token").asText();
      api.send(api.request("/api/v1/auth/password").header("Authorization", "Bearer " + fresh)
          .header("Content-Type", "application/json")
          .POST(body("{\"currentPassword\":" + WitnessApi.quote(next) + ",\"newPassword\":" + WitnessApi.quote(old) + "}"))
          .build()).assertStatus(204);
    }
  }

  @Test
  void changePassword_wrongCurrentOrShortNew_refused() {
    WitnessApi api = WitnessApi.of(url);
    api.send(api.authorized("/api/v1/auth/password").header("Content-Type", "application/json")
        .POST(body("{\"currentPassword\":\"wrong-password\",\"newPassword\":\"another-long-passphrase\"}")).build())
        .assertProblem(403, "forbidden");
    api.send(api.authorized("/api/v1/auth/password").header("Content-Type", "application/json")
        .POST(body("{\"currentPassword\":" + WitnessApi.quote(WitnessApi.adminPassword()) + ",\"newPassword\":\"short\"}"))
        .build())
        .assertProblem(400, "validation");
  }

  private static java.net.http.HttpRequest.BodyPublisher body(String json) {
    return java.net.http.HttpRequest.BodyPublishers.ofString(json);
  }
}
