package io.witness.appliance.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.witness.appliance.crypto.KeyService;
import io.witness.appliance.crypto.SigningKeys;
import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Erasure of a data subject (GDPR Art. 17) by crypto-shredding: the keys of the subject and of every visitor linked
 * to it are destroyed, so their recordings can never be decrypted again, here or in any backup; their recordings
 * are marked erased (410 from then on, left out of every search) and their content, facts, personal fields,
 * traits and links are deleted. The answer is a certificate signed with the appliance's signing key.
 *
 * <p>Order, per site: (1) recordings marked erased and their facts and personal fields deleted, one transaction,
 * taking each recording's row lock, so a batch being written finishes first and every later one is dropped by the
 * writer; (2) the keys destroyed, one transaction. A failure between the two leaves keys that nothing readable
 * uses; the request can be repeated (erasure is idempotent). (3) The recordings' chunks, ciphertext that no key
 * opens any more, are purged right after, off the request, in steps (and at start and every minute, for what a
 * stop interrupted): deleting megabytes of blobs would otherwise hold the answer (docs/benchmarks.md, erasure).
 */
@ApplicationScoped
public class ErasureService {
  private static final Logger LOG = Logger.getLogger(ErasureService.class.getName());
  /** Canonical JSON: keys sorted, no whitespace (values are strings, integers and arrays of them: RFC 8785). */
  static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  @Inject SubjectService subjects;
  @Inject KeyService keys;
  @Inject SigningKeys signing;
  @Inject ErasureSteps steps;

  /** Erased recordings whose chunks one purge step deletes. */
  static final int PURGE_STEP = 200;
  private final java.util.concurrent.ScheduledExecutorService purger =
      io.witness.appliance.platform.DaemonThreads.scheduler("witness-erasure-purge");

  /** At start: purge what an erasure left when the appliance stopped, then every minute. */
  void startPurging(@jakarta.enterprise.event.Observes
      @jakarta.enterprise.context.Initialized(jakarta.enterprise.context.ApplicationScoped.class) Object ignored) {
    purger.scheduleWithFixedDelay(this::purge, 10, 60, java.util.concurrent.TimeUnit.SECONDS);
  }

  @jakarta.annotation.PreDestroy
  void stopPurging() {
    purger.shutdownNow();
  }

  private void purge() {
    try {
      while (steps.purgeErased(PURGE_STEP) > 0) {
        // next step
      }
    } catch (RuntimeException e) {
      LOG.log(java.util.logging.Level.WARNING, "purging erased recordings' chunks failed; retried in a minute", e);
    }
  }

  /** A signed erasure certificate: the certificate's canonical JSON and its signature. */
  public record Certificate(String id, Map<String, Object> body, Map<String, Object> signature) {
    public Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("certificate", body);
      out.put("signature", signature);
      return out;
    }
  }

  /** Erases {@code subjectId} in {@code siteId} (or every site); {@code requestedBy} is the caller. */
  public Certificate erase(Optional<String> siteId, String subjectId, String requestedBy) {
    return erase(siteId, subjects.siteIds(siteId), site -> keys.subjectScope(site, subjectId),
        site -> subjects.keySubjects(site, subjectId), requestedBy);
  }

  /**
   * Erases one visitor of a site (a consent withdrawn under a policy that erases on withdrawal): the recordings made
   * under its visitor key, then that key. A named subject the visitor was linked to keeps its other recordings.
   */
  public Certificate eraseVisitor(String siteId, String visitorId, String requestedBy) {
    String visitorRef = keys.blindIndex(siteId, KeyService.VISITOR, visitorId);
    return erase(Optional.of(siteId), List.of(siteId), site -> visitorRef, site -> Set.of(visitorRef), requestedBy);
  }

  private Certificate erase(Optional<String> siteId, List<String> sites,
      java.util.function.Function<String, String> subjectRefOf,
      java.util.function.Function<String, Set<String>> refsOf, String requestedBy) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
    List<Map<String, Object>> perSite = new ArrayList<>();
    long recordings = 0;
    long facts = 0;
    long chunks = 0;
    long traits = 0;
    List<String> keyIds = new ArrayList<>();
    for (String site : sites) {
      Set<String> refs = refsOf.apply(site);
      String subjectRef = subjectRefOf.apply(site);
      ErasureSteps.Deleted d = steps.deleteData(site, subjectRef, refs);
      List<String> destroyed = keys.destroySubjects(site, refs);
      if (d.recordingIds().isEmpty() && destroyed.isEmpty() && d.traits() == 0 && d.links() == 0) {
        continue;
      }
      Map<String, Object> s = new TreeMap<>();
      s.put("site", site);
      s.put("subjectRef", subjectRef);
      s.put("visitorRefs", refs.stream().filter(r -> !r.equals(subjectRef)).sorted().toList());
      s.put("recordingIds", d.recordingIds());
      s.put("keysDestroyed", destroyed);
      perSite.add(s);
      recordings += d.recordingIds().size();
      facts += d.facts();
      chunks += d.chunks();
      traits += d.traits();
      keyIds.addAll(destroyed);
    }
    String id = TimeOrderedIds.next().toString();
    Map<String, Object> body = new TreeMap<>();
    body.put("type", "witness-erasure-certificate");
    body.put("version", 1);
    body.put("id", id);
    body.put("scope", siteId.orElse("*"));
    body.put("requestedBy", requestedBy);
    body.put("erasedAt", at.format(DateTimeFormatter.ISO_INSTANT));
    body.put("method", "crypto-shredding: subject keys destroyed (AES-256 data keys derived from them can no longer"
        + " be computed); recordings' facts, personal fields, traits and links deleted; their content chunks,"
        + " unreadable from then on, purged right after");
    body.put("sites", perSite);
    body.put("keysDestroyed", keyIds);
    Map<String, Object> counts = new TreeMap<>();
    counts.put("recordings", recordings);
    counts.put("facts", facts);
    counts.put("chunks", chunks);
    counts.put("traits", traits);
    counts.put("keys", (long) keyIds.size());
    body.put("counts", counts);
    byte[] canonical = canonical(body);
    SigningKeys.Signed signed = signing.sign(canonical);
    Map<String, Object> signature = new LinkedHashMap<>();
    signature.put("algorithm", signed.algorithm());
    signature.put("keyId", signed.keyId());
    signature.put("publicKey", Base64.getEncoder().encodeToString(signing.publicKey().publicKey()));
    signature.put("value", Base64.getEncoder().encodeToString(signed.signature()));
    Certificate cert = new Certificate(id, body, signature);
    steps.record(cert, siteId.orElse(null), requestedBy, at);
    LOG.info(() -> "erasure " + id + ": " + counts + " by " + requestedBy);
    purger.execute(this::purge);
    return cert;
  }

  /** The canonical bytes a certificate's signature covers. */
  public static byte[] canonical(Map<String, Object> body) {
    try {
      return CANONICAL.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stored certificate, as issued. */
  @Transactional
  public Optional<Map<String, Object>> certificate(String id) {
    return steps.certificate(id);
  }
}
