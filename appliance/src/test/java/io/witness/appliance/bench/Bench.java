package io.witness.appliance.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every benchmark main shares: {@code key=value} arguments, a fresh work directory, the machine line for
 * docs/benchmarks.md (cores, CPU model, RAM, load average, JDK), CPU time of a child from /proc, percentiles.
 */
final class Bench {
  private final Map<String, String> args = new HashMap<>();
  final Path work;

  Bench(String name, String[] argv) {
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
      }
      args.put(a.substring(0, eq).replaceFirst("^--", ""), a.substring(eq + 1));
    }
    try {
      Path base = Path.of(arg("work-dir", Paths.repo().resolve("appliance/target/bench").toString()));
      Files.createDirectories(base);
      work = Files.createTempDirectory(base.toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("# bench " + name + "  " + String.join(" ", argv));
    System.out.println("# " + machine());
    System.out.println("# work directory " + work);
  }

  String arg(String key, String dflt) {
    return args.getOrDefault(key, dflt);
  }

  int intArg(String key, int dflt) {
    return Integer.parseInt(arg(key, Integer.toString(dflt)));
  }

  double doubleArg(String key, double dflt) {
    return Double.parseDouble(arg(key, Double.toString(dflt)));
  }

  /** Extra JVM options for the appliance: {@code jvm="-XX:+UseSerialGC -Xmx256m"}. */
  List<String> jvmOptions(List<String> base) {
    List<String> all = new ArrayList<>(base);
    String extra = arg("jvm", "").trim();
    if (!extra.isEmpty()) {
      all.addAll(Arrays.asList(extra.split("\\s+")));
    }
    return all;
  }

  static String machine() {
    return "date " + ZonedDateTime.now(java.time.ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
        + "; nproc " + Runtime.getRuntime().availableProcessors()
        + "; cpu " + cpuModel() + "; RAM " + memTotalGib() + " GiB; " + loadAverage()
        + "; JDK " + Runtime.version() + damon() + "; " + speedProbe();
  }

  /**
   * CPU time of a fixed piece of work (counting 500,000 pseudo-random short strings in a HashMap, best of 3), so
   * that figures from different hours can be compared: on 2026-12-05 the same VM did the same work at half the
   * speed in some hours (a Python loop took 0.6 s or 1.1 s of one core), and every benchmark moved with it
   * (docs/benchmarks.md, "Session 15").
   */
  static String speedProbe() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    int distinct = 0;
    for (int round = 0; round < 3; round++) {
      long t0 = threads.getCurrentThreadCpuTime();
      Map<String, Integer> counts = new HashMap<>();
      long x = 42;
      for (int i = 0; i < 500_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
        counts.merge(Long.toString(x >>> 44, 36), 1, Integer::sum);
      }
      best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
      distinct = counts.size();
    }
    return String.format(java.util.Locale.ROOT, "speed probe %.0f ms CPU (%,d strings counted; lower is faster)",
        best / 1e6, distinct);
  }

  /**
   * Whether the kernel's DAMON runs a page-out scheme (kdamond): on 2026-12-03's machine it sampled physical memory
   * every 500 ms and stalled both processes for 25–40 ms each time, which decided the ingest p99
   * (docs/benchmarks.md "Ingest p99, 2026-12-03 (session 5)"). Empty when there is no DAMON.
   */
  static String damon() {
    Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
    if (!Files.isDirectory(kdamonds)) {
      return "";
    }
    try (var dirs = Files.list(kdamonds)) {
      List<String> on = new ArrayList<>();
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        if (Files.readString(d.resolve("state")).trim().equals("on")) {
          Path sample = d.resolve("contexts/0/monitoring_attrs/intervals/sample_us");
          on.add(d.getFileName() + (Files.isReadable(sample)
              ? " (sample interval " + Long.parseLong(Files.readString(sample).trim()) / 1000 + " ms)" : ""));
        }
      }
      return on.isEmpty() ? "; DAMON off" : "; DAMON ON: kdamond " + String.join(", ", on)
          + " — its page-out sampling stalls the machine (docs/benchmarks.md)";
    } catch (IOException | RuntimeException e) {
      return "; DAMON ?";
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "load average ?";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static String memTotalGib() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .findFirst().map(l -> String.format("%.1f", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0))
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  /** User+system CPU seconds a process has used (/proc/<pid>/stat, fields 14 and 15, in clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /**
   * User+system CPU seconds per thread group of a process (the stat file of each task under /proc/<pid>/task),
   * threads named alike (digits removed) summed: where the appliance's CPU goes, e.g. request carriers, batch writers, GC, JIT.
   */
  static java.util.Map<String, Double> threadCpuSeconds(long pid) {
    java.util.Map<String, Double> groups = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          groups.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      return groups;
    }
    return groups;
  }

  /** "name 1.23 ms" per group, largest first: the CPU of each thread group between two readings, per unit. */
  static String cpuPerUnit(java.util.Map<String, Double> before, java.util.Map<String, Double> after, long units) {
    if (units == 0) {
      return "";
    }
    return after.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() * 1000 / units >= 0.01)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .limit(8)
        .map(e -> String.format("%s %.2f", e.getKey().trim(), e.getValue() * 1000 / units))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** The p-th percentile (0..100) of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static long median(List<Long> values) {
    long[] a = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}
