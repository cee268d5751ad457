package dev.warden.ops.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code warden bench reaper}: jobs whose handler never completes, start-to-close 500 ms, one
 * attempt, submitted 25 ms apart so their deadlines fall all over the reaper's tick; lateness is
 * the journaled Reaped event's time minus the deadline (the handler's invocation, stamped by the
 * handler, plus the timeout). Each run a fresh JVM on a fresh H2 file; medians of p50, p99, max.
 */
final class ReaperBench {
  private static final long TIMEOUT_MS = 500;
  private static final long SPACING_MS = 25;

  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;

  ReaperBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 200 : jobs;
  }

  void run(PrintStream out) throws Exception {
    double[] p50 = new double[runs];
    double[] p99 = new double[runs];
    double[] max = new double[runs];
    String mode = null;
    double tick = 0;
    for (int r = 0; r < runs; r++) {
      Path dir = children.freshDir("warden-bench-reaper");
      try (ChildJvm c = children.start("reaper", LedgerBenchChild.class, "reaper", dir.resolve("data").toString(), Integer.toString(jobs),
          Long.toString(TIMEOUT_MS), Long.toString(SPACING_MS))) {
        Map<String, String> res = c.finish(Duration.ofMinutes(10));
        p50[r] = ChildJvm.number(res, "late_p50_ms");
        p99[r] = ChildJvm.number(res, "late_p99_ms");
        max[r] = ChildJvm.number(res, "late_max_ms");
        tick = ChildJvm.number(res, "tick_ms");
        mode = res.get("durability");
      } finally {
        LedgerBench.deleteQuietly(dir);
      }
    }
    String tag = "[" + mode + ", tick " + (long) tick + " ms]";
    Figures.print(out, "reaper", "late_p50", Figures.median(p50), "ms " + tag);
    Figures.print(out, "reaper", "late_p99", Figures.median(p99), "ms " + tag);
    Figures.print(out, "reaper", "late_max", Figures.median(max), "ms " + tag);
    Figures.print(out, "reaper", "tick", tick, "ms");
    out.printf(
        "%nreaper: %d run(s) of %d hung jobs (start-to-close %d ms, one attempt, submitted %d ms apart), fresh JVM (%s) each, %s."
            + "%n  deadline passed -> Reaped journaled: p50 %.0f ms, p99 %.0f ms, max %.0f ms; reaper tick %.0f ms (target: within one tick)"
            + "%n  runs: p50 %s, p99 %s, max %s%n",
        runs, jobs, TIMEOUT_MS, SPACING_MS, children.describe(), mode, Figures.median(p50), Figures.median(p99), Figures.median(max), tick,
        Arrays.toString(p50), Arrays.toString(p99), Arrays.toString(max));
  }
}
