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
 * fresh JVM on a fresh H2 file; medians over {@code --runs}. Then waited submits ({@link LedgerSyncChild}):
 * the latency of one acknowledged submit, its rate from one thread and from 16, and the commit floor
 * (one row inserted and committed) on the same file.
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
    double[][] sync = new double[11][runs];
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
      Map<String, String> s = child(LedgerSyncChild.class, "sync", Math.max(1, jobs / 10));
      String[] keys = {"sync_p50_ms", "sync_p99_ms", "sync_per_s", "concurrent_per_s", "floor_p50_ms", "floor_p99_ms",
            "floor_journal_p50_ms", "floor_journal_p99_ms", "peer_p50_ms", "peer_per_s", "peer_concurrent_per_s"};
      for (int k = 0; k < keys.length; k++) {
        sync[k][r] = ChildJvm.number(s, keys[k]);
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
    double p50 = Figures.median(sync[0]);
    double floorP50 = Figures.median(sync[4]);
    Figures.print(out, "ledger", "submit_latency", p50, "ms " + tag);
    Figures.print(out, "ledger", "submit_latency_p99", Figures.median(sync[1]), "ms " + tag);
    Figures.print(out, "ledger", "sync_throughput", Figures.median(sync[2]), "jobs/s " + tag);
    Figures.print(out, "ledger", "commit_floor", floorP50, "ms " + tag);
    Figures.print(out, "ledger", "commit_floor_p99", Figures.median(sync[5]), "ms " + tag);
    Figures.print(out, "ledger", "submit_over_floor", p50 / floorP50, "x " + tag);
    double journalFloorP50 = Figures.median(sync[6]);
    Figures.print(out, "ledger", "commit_floor_journal", journalFloorP50, "ms " + tag);
    Figures.print(out, "ledger", "commit_floor_journal_p99", Figures.median(sync[7]), "ms " + tag);
    Figures.print(out, "ledger", "submit_over_journal_floor", p50 / journalFloorP50, "x " + tag);
    Figures.print(out, "ledger", "concurrent_submitters", Figures.median(sync[3]), "jobs/s " + tag);
    double peerP50 = Figures.median(sync[8]);
    Figures.print(out, "ledger", "peer_submit_latency", peerP50, "ms " + tag);
    Figures.print(out, "ledger", "peer_sync_throughput", Figures.median(sync[9]), "jobs/s " + tag);
    Figures.print(out, "ledger", "peer_concurrent_submitters", Figures.median(sync[10]), "jobs/s " + tag);
    Figures.print(out, "ledger", "submit_over_peer", p50 / peerP50, "x " + tag);
    Figures.print(out, "ledger", "concurrent_over_peer", Figures.median(sync[3]) / Figures.median(sync[10]), "x " + tag);
    out.printf(
        "%nledger: %d run(s); each run is a fresh JVM (%s) on a fresh H2 file (or PostgreSQL schema), %s (the node's H2"
            + " default: every commit on disk before it returns)."
            + "%n  %,d no-op jobs (host type, max concurrency 16,384 on the node), one submit call at a time from one thread, first submit to"
            + " last journaled success: median %.0f jobs/s (target >= 10,000), peak RSS %.0f MB"
            + "%n  %,d jobs: median %.0f jobs/s; floor (plain JDBC, 100 journal-shaped rows per transaction): %.0f rows/s"
            + "%n  runs: throughput %s, burst %s, floor %s, peak RSS %s"
            + "%n  waited submits (type paused, so only Submitted is written): %,d from one thread, each waited for before the"
            + " next: p50 %s ms, p99 %s ms, %.0f jobs/s; %d threads each waiting for its own (%,d in all): %.0f jobs/s"
            + "%n  commit floor (same file and options, one journal-shaped row inserted and committed per transaction, one"
            + " thread): p50 %s ms, p99 %s ms; submit p50 / floor p50 = %.1fx"
            + "%n  peer baseline, db-scheduler 16.7.1 scheduleIfNotExists on the same database after the node closed: p50 %s ms"
            + " from one thread, %d threads %.0f jobs/s"
            + "%n  runs: submit p50 %s, sync %s, %d submitters %s, floor p50 %s, peer p50 %s, peer %d submitters %s%n",
        runs, children.describe(), mode, jobs, t, Figures.median(rss), burstJobs, Figures.median(burst), f,
        Arrays.toString(throughput), Arrays.toString(burst), Arrays.toString(floor), Arrays.toString(rss),
        Math.max(1, jobs / 10), Figures.format(p50), Figures.format(Figures.median(sync[1])), Figures.median(sync[2]),
        LedgerSyncChild.SUBMITTERS, 2 * Math.max(1, jobs / 10), Figures.median(sync[3]), Figures.format(floorP50),
        Figures.format(Figures.median(sync[5])), p50 / floorP50, Figures.format(peerP50), LedgerSyncChild.SUBMITTERS,
        Figures.median(sync[10]), Arrays.toString(sync[0]), Arrays.toString(sync[2]),
        LedgerSyncChild.SUBMITTERS, Arrays.toString(sync[3]), Arrays.toString(sync[4]), Arrays.toString(sync[8]),
        LedgerSyncChild.SUBMITTERS, Arrays.toString(sync[10]));
  }

  private Map<String, String> child(String phase, int n) throws Exception {
    return child(LedgerBenchChild.class, phase, n);
  }

  private Map<String, String> child(Class<?> main, String phase, int n) throws Exception {
    Path dir = children.freshDir("warden-bench-" + phase);
    String[] args = main == LedgerBenchChild.class
        ? new String[] {phase, dir.resolve("data").toString(), Integer.toString(n)}
        : new String[] {dir.resolve("data").toString(), Integer.toString(n)};
    try (ChildJvm c = children.start(phase, main, args)) {
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
