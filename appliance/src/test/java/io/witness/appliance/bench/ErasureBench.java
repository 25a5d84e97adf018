package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/bench erasure}: time of {@code POST /api/v1/erasures} for a data subject with many recordings (the
 * issue's target: 1,000 recordings in at most 1 s), measured at the client around the request. Each subject gets
 * {@code recordings} imports (?subject=) of a small corpus session (its first {@code events} events), with as
 * many recordings of other subjects around them; the erasure destroys the subject's key, marks its recordings
 * erased and deletes their chunks, blobs and facts in one transaction, and answers a signed certificate, which is
 * checked to count every recording. Reports each run and the median.
 *
 * <p>Arguments: {@code subjects=3}, {@code recordings=1000}, {@code events=200}, {@code jvm="..."}.
 */
public final class ErasureBench {
  private ErasureBench() {}

  public static void main(String[] argv) throws Exception {
    Bench bench = new Bench("erasure", argv);
    int subjects = bench.intArg("subjects", 3);
    int recordings = bench.intArg("recordings", 1000);
    int events = bench.intArg("events", 200);
    CorpusBatches.Session session = CorpusBatches.load().stream()
        .filter(s -> s.events().size() >= events).findFirst().orElseThrow();
    List<?> part = session.events().subList(0, events);
    byte[] body = CorpusBatches.gzip(CorpusBatches.json(CorpusBatches.JSON.valueToTree(part)));
    System.out.println("# each recording: the first " + events + " events of " + session.name() + " ("
        + body.length + " bytes gzipped)");
    ApplianceProcess.Options options = ApplianceProcess.Options.of(bench.work.resolve("data"), bench.work)
        .withJvmOptions(bench.jvmOptions(List.of()));
    List<Double> ms = new ArrayList<>();
    try (ApplianceProcess app = ApplianceProcess.start(options)) {
      app.awaitHealthy(Duration.ofMinutes(3));
      ApplianceClient client = new ApplianceClient(app.baseUri());
      for (int s = 0; s < subjects; s++) {
        String subject = "bench-subject-" + s;
        long t0 = System.nanoTime();
        for (int i = 0; i < recordings; i++) {
          client.importRecording(body, subject);
          client.importRecording(body, "bystander-" + s + "-" + i);
        }
        System.out.printf("subject %d: %d recordings (and %d of others) imported in %.1f s%n", s, recordings,
            recordings, (System.nanoTime() - t0) / 1e9);
        long start = System.nanoTime();
        ApplianceClient.Reply r = client.postJson("/api/v1/erasures", "{\"subject\":\"" + subject + "\"}");
        double took = (System.nanoTime() - start) / 1e6;
        if (r.status() != 201) {
          throw new AssertionError("erasure answered " + r.status() + ": " + r.text());
        }
        JsonNode counts = r.json().path("certificate").path("counts");
        if (counts.path("recordings").asInt() != recordings) {
          throw new AssertionError("the certificate counts " + counts + ", expected " + recordings + " recordings");
        }
        ms.add(took);
        System.out.printf("subject %d: erasure of %d recordings (%d facts, %d chunks, %d keys) in %.0f ms%n", s,
            recordings, counts.path("facts").asLong(), counts.path("chunks").asLong(), counts.path("keys").asLong(),
            took);
      }
    }
    List<Double> sorted = ms.stream().sorted().toList();
    System.out.printf("erasure of a subject with %d recordings: median %.0f ms, max %.0f ms over %d runs"
        + " (target <= 1000 ms)%n", recordings, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
        sorted.size());
  }
}
