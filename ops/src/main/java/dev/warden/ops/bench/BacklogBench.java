package dev.warden.ops.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code warden bench backlog}: a first child JVM fills a fresh H2 file with 100,000 jobs of a
 * host type whose concurrency is 1 per partition and whose body never ends, so all but one job per
 * partition stay pending, and stops gracefully (the running ones are simply resumed later). Then,
 * per measured run, a cold start of a fresh JVM on a copy of that file: time from the JVM's launch
 * (taken by this process just before starting it) to the first journaled completion, with the
 * steps that bound it (main entered, node up, type registered, first handler call), and the peak
 * RSS while it then drains the whole backlog.
 */
final class BacklogBench {
  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;

  BacklogBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 100_000 : jobs;
  }

  void run(PrintStream out) throws Exception {
    Path dir = children.freshDir("warden-bench-backlog");
    try {
      Path filled = dir.resolve("filled");
      Map<String, String> fill;
      try (ChildJvm c = children.start("backlog-fill", LedgerBenchChild.class, "backlog-fill", filled.toString(), Integer.toString(jobs))) {
        fill = c.finish(Duration.ofMinutes(15));
      }
      double fileMb = sizeMb(filled);
      String[] keys = {"main_ms", "node_up_ms", "registered_ms", "first_dispatch_ms", "first_completion_ms", "peak_rss_at_first_mb",
          "peak_rss_mb", "drain_jobs_per_s"};
      double[][] v = new double[keys.length][runs];
      String mode = null;
      for (int r = 0; r < runs; r++) {
        Path data = dir.resolve("run-" + r);
        copy(filled, data);
        Map<String, String> cold;
        try (ChildJvm c = children.start("backlog-cold", LedgerBenchChild.class, "backlog-cold", data.toString(), "{launch}", Integer.toString(jobs))) {
          cold = c.finish(Duration.ofMinutes(15));
        }
        if (ChildJvm.number(cold, "jobs") != jobs) {
          throw new IllegalStateException("the cold node found " + cold.get("jobs") + " jobs, expected " + jobs);
        }
        for (int k = 0; k < keys.length; k++) {
          v[k][r] = ChildJvm.number(cold, keys[k]);
        }
        mode = cold.get("durability");
        LedgerBench.deleteQuietly(data);
      }
      String tag = "[" + mode + "]";
      double first = Figures.median(v[4]) / 1000.0;
      Figures.print(out, "backlog", "first_completion", first, "s " + tag);
      Figures.print(out, "backlog", "peak_rss", Figures.median(v[6]), "MB " + tag);
      Figures.print(out, "backlog", "peak_rss_at_first", Figures.median(v[5]), "MB " + tag);
      Figures.print(out, "backlog", "main_entered", Figures.median(v[0]) / 1000.0, "s " + tag);
      Figures.print(out, "backlog", "node_up", Figures.median(v[1]) / 1000.0, "s " + tag);
      Figures.print(out, "backlog", "first_dispatch", Figures.median(v[3]) / 1000.0, "s " + tag);
      Figures.print(out, "backlog", "drain", Figures.median(v[7]), "jobs/s " + tag);
      out.printf(
          "%nbacklog: %,d jobs in the journal (%s pending, %s running at the stop and resumed), H2 file %.1f MB, %s;"
              + " %d cold start(s), each a fresh JVM (%s) on a fresh copy of the file."
              + "%n  from the JVM's launch (medians): main() entered %.2f s, node up %.2f s (ledger recovery runs in it),"
              + " type registered %.2f s, first handler call %.2f s, first journaled completion %.2f s (target < 1)"
              + "%n  peak RSS %.0f MB at the first completion, %.0f MB after draining the whole backlog at %.0f jobs/s (target < 512)"
              + "%n  runs: first completion %s ms%n",
          jobs, fill.get("pending"), fill.get("running"), fileMb, mode, runs, children.describe(), Figures.median(v[0]) / 1000.0,
          Figures.median(v[1]) / 1000.0, Figures.median(v[2]) / 1000.0, Figures.median(v[3]) / 1000.0, first,
          Figures.median(v[5]), Figures.median(v[6]), Figures.median(v[7]), Arrays.toString(v[4]));
    } finally {
      LedgerBench.deleteQuietly(dir);
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static double sizeMb(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1e6;
    }
  }
}
