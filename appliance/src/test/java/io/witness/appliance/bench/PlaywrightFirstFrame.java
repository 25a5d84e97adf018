package io.witness.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.e2e.ReplayFirstFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code bin/bench replay}'s default browser driver: {@code appliance/console/bench/replay-first-frame.mjs}, which
 * drives Debian's Chromium through the DevTools protocol with playwright-core (the console's devDependency). It
 * measures what {@link ReplayFirstFrame} does with chromedriver, without chromedriver's own work in the page
 * during navigation, which slowed every load by 150–250 ms on the 2-core box (docs/benchmarks.md, replay).
 */
final class PlaywrightFirstFrame {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlaywrightFirstFrame() {}

  /**
   * Signs in, opens the replay page {@code warmup + runs} times; returns the measured runs (warm-ups printed). Each
   * load waits until the page before it has all its events, unless {@code overlap}.
   */
  static List<ReplayFirstFrame.Run> measure(URI base, String recordingId, String user, String password, int warmup,
      int runs, String viewport, boolean overlap, Consumer<String> out) throws IOException, InterruptedException {
    Path console = Paths.repo().resolve("appliance/console");
    Path script = console.resolve("bench/replay-first-frame.mjs");
    if (!Files.isDirectory(console.resolve("node_modules/playwright-core"))) {
      throw new IllegalStateException("playwright-core is not installed in " + console
          + "/node_modules: build the console first (mvn -pl appliance -am package runs npm ci)");
    }
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), base.toString(), recordingId, user, "-",
        Integer.toString(warmup), Integer.toString(runs), viewport, overlap ? "overlap" : "idle")
        .directory(console.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("WITNESS_BENCH_PASSWORD", password);
    Process p = pb.start();
    List<ReplayFirstFrame.Run> measured = new ArrayList<>();
    int n = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode j = JSON.readTree(line);
        ReplayFirstFrame.Run run = new ReplayFirstFrame.Run(j.get("first").asDouble(), j.get("dcl").asDouble(),
            j.get("evStart").asDouble(), j.get("evFirst").asDouble(), j.get("evLast").asDouble(),
            j.get("evTransfer").asLong(), j.get("evDecoded").asLong(), j.get("ltSum").asDouble(),
            "[" + j.get("lt").asText() + "]");
        if (j.get("warmup").asBoolean()) {
          out.accept("warm-up " + run.line(0).substring(7));
        } else {
          measured.add(run);
          out.accept(run.line(++n));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    int exit = p.waitFor();
    if (exit != 0 || measured.size() != runs) {
      throw new IllegalStateException("replay-first-frame.mjs exited with " + exit + " after " + measured.size()
          + " of " + runs + " loads (is node on the PATH and Chromium at /usr/bin/chromium?)");
    }
    return measured;
  }
}
