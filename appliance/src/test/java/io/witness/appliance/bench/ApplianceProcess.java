package io.witness.appliance.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged appliance ({@code appliance/target/witness-appliance.jar}) as a child process, the way an operator
 * runs it: {@code java [jvm options] -jar witness-appliance.jar} with the {@code WITNESS_*} environment. Used by
 * the durability test (which must be able to SIGKILL the whole server, database included) and the benchmarks
 * (which must not share a JVM with the load generator).
 *
 * <p>Standard output and error go to {@code <workDir>/appliance-<n>.log}, so a failure can point at the log.
 * {@link #kill()} is SIGKILL ({@link Process#destroyForcibly()} on Linux sends signal 9: the exit code is 137,
 * which {@link #kill()} returns for the caller to check). {@link #close()} kills a process that is still alive.
 */
public final class ApplianceProcess implements AutoCloseable {
  /** The admin password every child gets. */
  public static final String ADMIN_PASSWORD = "bench-admin-password";
  /** The root keystore passphrase of every appliance started here (a test or benchmark data directory). */
  public static final String ROOT_PASSPHRASE = "bench-and-test-root-passphrase";

  private static int launches;

  private final Process process;
  private final int port;
  private final Path log;
  private final long startNanos;

  private ApplianceProcess(Process process, int port, Path log, long startNanos) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.startNanos = startNanos;
  }

  /**
   * What to start: data directory, JVM options, extra environment (e.g. {@code WITNESS_DB_URL}), and the
   * appliance's CPU niceness ({@code nice -n}; 0: as the benchmark's own).
   */
  public record Options(Path dataDir, Path workDir, List<String> jvmOptions, Map<String, String> env, int nice) {
    public static Options of(Path dataDir, Path workDir) {
      return new Options(dataDir, workDir, List.of(), Map.of(), 0);
    }

    public Options withJvmOptions(List<String> options) {
      return new Options(dataDir, workDir, List.copyOf(options), env, nice);
    }

    public Options withEnv(Map<String, String> extra) {
      Map<String, String> all = new HashMap<>(env);
      all.putAll(extra);
      return new Options(dataDir, workDir, jvmOptions, Map.copyOf(all), nice);
    }

    public Options withNice(int niceness) {
      return new Options(dataDir, workDir, jvmOptions, env, niceness);
    }
  }

  /** Starts the jar on a free port; does not wait for it to be ready (see {@link #awaitHealthy}). */
  public static ApplianceProcess start(Options o) {
    Path jar = Paths.applianceJar();
    int port = freePort();
    try {
      Files.createDirectories(o.dataDir());
      Files.createDirectories(o.workDir());
      Path log;
      synchronized (ApplianceProcess.class) {
        log = o.workDir().resolve("appliance-" + (++launches) + ".log");
      }
      List<String> cmd = new ArrayList<>();
      if (o.nice() != 0) {
        cmd.addAll(List.of("nice", "-n", Integer.toString(o.nice())));
      }
      cmd.add(Paths.javaExecutable());
      cmd.addAll(o.jvmOptions());
      cmd.add("-jar");
      cmd.add(jar.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("WITNESS_DATA_DIR", o.dataDir().toAbsolutePath().toString());
      pb.environment().put("WITNESS_HTTP_PORT", Integer.toString(port));
      pb.environment().put("WITNESS_HTTP_HOST", "127.0.0.1");
      pb.environment().put("WITNESS_ADMIN_PASSWORD", ADMIN_PASSWORD);
      pb.environment().put("WITNESS_ROOT_PASSPHRASE", ROOT_PASSPHRASE);
      pb.environment().putAll(o.env());
      long t0 = System.nanoTime();
      Process process = pb.start();
      // A child must not outlive a test JVM that dies or is interrupted (CI ends what it started, but not this).
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-appliance-" + process.pid()));
      return new ApplianceProcess(process, port, log, t0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + jar, e);
    }
  }

  /** Polls {@code GET /health} until 200; returns the time since the process was started. */
  public Duration awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest req = HttpRequest.newBuilder(baseUri().resolve("/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the appliance exited with code " + process.exitValue()
            + " before /health answered 200; see " + log + ":\n" + tail(40));
      }
      try {
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - startNanos);
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the appliance", e);
      }
      sleep(50);
    }
    throw new AssertionError("the appliance did not answer GET /health with 200 within " + timeout + "; see "
        + log + ":\n" + tail(40));
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Resident set size in KiB ({@code VmRSS} of /proc/<pid>/status). */
  public long rssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS for pid " + pid());
  }

  /** SIGKILL (no shutdown hooks, no database close); returns the exit code, 137 for signal 9. */
  public int kill() {
    process.destroyForcibly();
    return waitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM (orderly shutdown: the JVM runs its shutdown hooks); returns the exit code. */
  public int stop() {
    return stop(Duration.ofSeconds(60));
  }

  /** SIGTERM, waiting up to {@code timeout} before SIGKILL (an AOT training run writes its cache at exit). */
  public int stop(Duration timeout) {
    process.destroy();
    return waitExit(timeout);
  }

  /** Waits for the process to end by itself (a refused start); its exit code, or an error if it still runs. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the appliance is still running after " + timeout + "; log:\n" + tail(20));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the appliance to exit", e);
    }
  }

  private int waitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the appliance to exit", e);
    }
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
