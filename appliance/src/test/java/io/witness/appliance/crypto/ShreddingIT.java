package io.witness.appliance.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.witness.appliance.site.SiteService;
import io.witness.appliance.testing.Corpus;
import io.witness.appliance.testing.Deployments;
import io.witness.appliance.testing.WitnessApi;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crypto-shredding is final: the sealed chunks of a subject's recording, copied before its erasure (as a backup
 * would hold them), open under no key left in the system afterwards — every remaining subject key combined with
 * every remaining bucket key of the site, under the recording's own id. Before the erasure the same search finds
 * the key (the search itself works).
 */
@ExtendWith(ArquillianExtension.class)
class ShreddingIT {
  @Deployment(testable = false)
  static JavaArchive deployment() {
    return Deployments.appliance();
  }

  @ArquillianResource URL url;
  @Inject KeyRing ring;
  @Inject @Named("witness") DataSource dataSource;

  @Test
  void afterErasure_noRemainingKeyOpensTheBackedUpChunks() throws Exception {
    WitnessApi api = WitnessApi.of(url);
    String site = SiteService.DEMO_SITE_ID;
    String subject = "shredding-" + UUID.randomUUID();
    byte[] events = Corpus.events("todomvc-vanillajs").toString().getBytes(StandardCharsets.UTF_8);
    String id = api.send(api.authorized("/api/v1/recordings?subject=" + WitnessApi.encode(subject))
            .header("Content-Type", "application/json").header(WitnessApi.CONSENT_HEADER, api.demoConsent())
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(events)).build())
        .assertStatus(201).json().path("id").asText();
    // Other subjects keep their keys: the search below must try them all.
    for (int i = 0; i < 3; i++) {
      api.importRecording(events, false).assertStatus(201);
    }
    Map<Integer, byte[]> backup = chunks(id);
    assertTrue(!backup.isEmpty(), "the recording has chunks");

    assertTrue(opensWithSomeKey(site, id, backup), "before the erasure some key opens the chunks");
    api.send(api.authorized("/api/v1/erasures").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"subject\":" + WitnessApi.quote(subject) + "}"))
        .build()).assertStatus(201);
    assertTrue(!opensWithSomeKey(site, id, backup), "after the erasure no remaining key opens them");
  }

  /** True if any remaining (subject key, bucket key) pair of the site opens every chunk of the backup. */
  private boolean opensWithSomeKey(String site, String recordingId, Map<Integer, byte[]> backup) throws Exception {
    List<byte[]> subjects = keys(site, KeyRing.SUBJECT);
    List<byte[]> buckets = keys(site, KeyRing.BUCKET);
    assertTrue(!buckets.isEmpty() && !subjects.isEmpty(), "the site has keys to try");
    for (byte[] sk : subjects) {
      for (byte[] rk : buckets) {
        javax.crypto.SecretKey dek = KeyService.derive(site, sk, rk, recordingId);
        try {
          for (Map.Entry<Integer, byte[]> c : backup.entrySet()) {
            Aead.open(dek, c.getValue(), Aead.context("chunk", recordingId, Integer.toString(c.getKey())));
          }
          return true;
        } catch (IntegrityException wrongKey) {
          // the next pair
        }
      }
    }
    return false;
  }

  /** Every remaining key of {@code kind} in the site, unwrapped by the key ring. */
  private List<byte[]> keys(String site, String kind) throws Exception {
    List<String> scopes = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("select distinct scope from crypto_keys where site_id = ?"
             + " and kind = ?")) {
      s.setString(1, site);
      s.setString(2, kind);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          scopes.add(rs.getString(1));
        }
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (String scope : scopes) {
      ring.keyBytes(site, kind, scope, false).ifPresent(out::add);
    }
    return out;
  }

  private Map<Integer, byte[]> chunks(String recordingId) throws Exception {
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
         PreparedStatement s = c.prepareStatement("select k.chunk_no, b.data from recording_chunks k join blobs b"
             + " on b.blob_key = k.blob_key where k.recording_id = ? order by k.chunk_no")) {
      s.setString(1, recordingId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getInt(1), rs.getBytes(2));
        }
      }
    }
    return out;
  }
}
