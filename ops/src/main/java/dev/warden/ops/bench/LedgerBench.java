package dev.warden.ops.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * {@code warden bench ledger}: no-op jobs of a host type, submitted one API call at a time from one
 * thread, through the full durable path (Submitted → Started → Completed/Succeeded journaled on the
 * H2 file, the node's default durability mode); jobs/s from the first submit until the ledger
 * counts the last one succeeded (counts are published only once a batch is journaled). 50,000 jobs
 * ({@code throughput}) and 10,000 ({@code burst}); beside them the floor, plain JDBC inserts of
 * journal-shaped rows, 100 per transaction, with the same H2 options. Every measured run is its own
 * fresh JVM on a fresh H2 file; medians over {@code --runs}.
 */
final class LedgerBench {
  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;

  LedgerBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 50_000 : jobs;
  }

  void run(PrintStream out) throws Exception {
    int burstJobs = Math.max(1, jobs / 5);
    double[] throughput = new double[runs];
    double[] burst = new double[runs];
    double[] floor = new double[runs];
    double[] rss = new double[runs];
    String mode = null;
    for (int r = 0; r < runs; r++) {
      Map<String, String> t = child("ledger", jobs);
      throughput[r] = ChildJvm.number(t, "jobs_per_s");
      rss[r] = ChildJvm.number(t, "peak_rss_mb");
      mode = t.get("durability");
      burst[r] = ChildJvm.number(child("ledger", burstJobs), "jobs_per_s");
      Map<String, String> f = child("floor", jobs);
      floor[r] = ChildJvm.number(f, "rows_per_s");
      if (!mode.equals(f.get("durability"))) {
        throw new IllegalStateException("the floor ran with " + f.get("durability") + ", the node with " + mode);
      }
    }
    String tag = "[" + mode + "]";
    double t = Figures.median(throughput);
    double f = Figures.median(floor);
    Figures.print(out, "ledger", "throughput", t, "jobs/s " + tag);
    Figures.print(out, "ledger", "burst", Figures.median(burst), "jobs/s " + tag);
    Figures.print(out, "ledger", "floor", f, "rows/s " + tag);
    Figures.print(out, "ledger", "ratio", t / f, "x " + tag);
    Figures.print(out, "ledger", "peak_rss", Figures.median(rss), "MB " + tag);
    out.printf(
        "%nledger: %d run(s); each run is a fresh JVM (%s) on a fresh H2 file, %s (the node's default: every commit on disk"
            + " before it returns)."
            + "%n  %,d no-op jobs (host type, max concurrency 16,384 on the node), one submit call at a time from one thread, first submit to"
            + " last journaled success: median %.0f jobs/s (target >= 10,000), peak RSS %.0f MB"
            + "%n  %,d jobs: median %.0f jobs/s; floor (plain JDBC, 100 journal-shaped rows per transaction): %.0f rows/s"
            + "%n  runs: throughput %s, burst %s, floor %s, peak RSS %s%n",
        runs, children.describe(), mode, jobs, t, Figures.median(rss), burstJobs, Figures.median(burst), f,
        Arrays.toString(throughput), Arrays.toString(burst), Arrays.toString(floor), Arrays.toString(rss));
  }

  private Map<String, String> child(String phase, int n) throws Exception {
    Path dir = children.freshDir("warden-bench-" + phase);
    try (ChildJvm c = children.start(phase, LedgerBenchChild.class, phase, dir.resolve("data").toString(), Integer.toString(n))) {
      return c.finish(Duration.ofMinutes(15));
    } finally {
      deleteQuietly(dir);
    }
  }

  static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files only
    }
  }
}
