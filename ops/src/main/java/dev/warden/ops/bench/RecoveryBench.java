package dev.warden.ops.bench;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.LedgerJournal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code warden bench recovery}: a child node gets 1,000 jobs (a host type whose body records each
 * execution in a side file with one unbuffered write, then takes its time), all of them in flight
 * (running, or pending behind the type's concurrency limit); the child is killed with kill -9 and a
 * fresh child starts on the same H2 file. Measured from the new JVM's launch: node up, every job
 * re-dispatched (its first Started in the new JVM, from the journaled history), every job done.
 * Then, from the journal itself (read with JDBC after the child exited): jobs never completed
 * ({@code lost}) and jobs with more than one Completed ({@code duplicate_completions}); from the side
 * file: job bodies that ran in both JVMs ({@code reexecuted}, at-least-once).
 */
final class RecoveryBench {
  private final ChildJvm.Options children;
  private final int runs;
  private final int jobs;

  RecoveryBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.jobs = jobs == null ? 1_000 : jobs;
  }

  private record Run(Map<String, String> load, Map<String, String> resume, Journal journal, int reexecuted) {}

  void run(PrintStream out) throws Exception {
    double[] allDone = new double[runs];
    double[] redispatch = new double[runs];
    double[] afterUp = new double[runs];
    double[] up = new double[runs];
    double[] lost = new double[runs];
    double[] dups = new double[runs];
    double[] reexec = new double[runs];
    double[] running = new double[runs];
    String mode = null;
    for (int r = 0; r < runs; r++) {
      Run run = once();
      allDone[r] = ChildJvm.number(run.resume(), "all_done_ms") / 1000.0;
      redispatch[r] = ChildJvm.number(run.resume(), "redispatch_all_ms") / 1000.0;
      afterUp[r] = ChildJvm.number(run.resume(), "redispatch_after_up_ms") / 1000.0;
      up[r] = ChildJvm.number(run.resume(), "node_up_ms") / 1000.0;
      lost[r] = run.journal().lost;
      dups[r] = run.journal().duplicates;
      reexec[r] = run.reexecuted();
      running[r] = ChildJvm.number(run.load(), "inflight_running");
      mode = run.resume().get("durability");
    }
    String tag = "[" + mode + "]";
    Figures.print(out, "recovery", "all_done", Figures.median(allDone), "s " + tag);
    Figures.print(out, "recovery", "redispatch_all", Figures.median(redispatch), "s " + tag);
    Figures.print(out, "recovery", "node_up", Figures.median(up), "s " + tag);
    // the same moment from Warden.start's return: "within 2 s of start" read as the node's start
    Figures.print(out, "recovery", "redispatch_after_node_up", Figures.median(afterUp), "s " + tag);
    // worst run, not the median: one lost or duplicated job in any run is what counts
    Figures.print(out, "recovery", "lost", Arrays.stream(lost).max().orElse(0), "jobs " + tag);
    Figures.print(out, "recovery", "duplicate_completions", Arrays.stream(dups).max().orElse(0), "jobs " + tag);
    Figures.print(out, "recovery", "reexecuted", Figures.median(reexec), "jobs " + tag);
    out.printf(
        "%nrecovery: %d run(s); %,d jobs in flight at the kill -9 (median %.0f running, the rest pending behind the type's"
            + " concurrency limit of 64 per partition), child JVMs %s, %s."
            + "%n  from the new JVM's launch: node up %.2f s, every job re-dispatched %.2f s (%.2f s after the node was up;"
            + " target within 2 s of start), all done %.2f s"
            + "%n  lost %s, duplicate completions %s (worst run; from the journal), bodies run again %s (from the side file; at-least-once)"
            + "%n  runs: all done %s, re-dispatched %s, node up %s%n",
        runs, jobs, Figures.median(running), children.describe(), mode, Figures.median(up), Figures.median(redispatch),
        Figures.median(afterUp), Figures.median(allDone), Arrays.toString(lost), Arrays.toString(dups), Arrays.toString(reexec),
        Arrays.toString(allDone), Arrays.toString(redispatch), Arrays.toString(up));
  }

  private Run once() throws Exception {
    Path dir = children.freshDir("warden-bench-recovery");
    try {
      Path data = dir.resolve("data");
      Path side = dir.resolve("executions.txt");
      Map<String, String> load = new HashMap<>();
      try (ChildJvm first = children.start("recovery-load", LedgerBenchChild.class, "recovery-load", data.toString(), side.toString(),
          Integer.toString(jobs))) {
        first.await("ready", Duration.ofMinutes(3));
        for (String k : List.of("inflight_running", "inflight_pending", "inflight_succeeded", "durability")) {
          load.put(k, first.await(k, Duration.ofSeconds(1)));
        }
        first.kill(); // kill -9 with every job in flight
      }
      Map<String, String> resume;
      try (ChildJvm second = children.start("recovery-resume", LedgerBenchChild.class, "recovery-resume", data.toString(),
          side.toString(), Integer.toString(jobs), "{launch}")) {
        resume = second.finish(Duration.ofMinutes(10));
      }
      Journal journal = Journal.read(data, jobs);
      return new Run(load, resume, journal, reexecuted(side));
    } finally {
      LedgerBench.deleteQuietly(dir);
    }
  }

  /** Jobs whose body ran in the first JVM and again in the second. */
  private static int reexecuted(Path side) throws IOException {
    Set<String> first = new HashSet<>();
    Set<String> again = new HashSet<>();
    for (String line : Files.readAllLines(side)) {
      String[] f = line.split(" ");
      if (f.length < 4) {
        continue; // a line cut short by the kill
      }
      if (f[0].equals("first")) {
        first.add(f[1]);
      } else if (first.contains(f[1])) {
        again.add(f[1]);
      }
    }
    return again.size();
  }

  /** Completions per job, read from the journal rows themselves (not from the ledger's memory). */
  static final class Journal {
    int lost;
    int duplicates;
    int completed;

    static Journal read(Path dataDir, int jobs) throws Exception {
      Map<String, Integer> completions = new HashMap<>();
      for (JobEvent.Completed e : LedgerJournal.read(dataDir).all(JobEvent.Completed.class)) {
        completions.merge(e.jobId(), 1, Integer::sum);
      }
      Journal j = new Journal();
      for (int i = 0; i < jobs; i++) {
        int n = completions.getOrDefault("job-" + i, 0);
        if (n == 0) {
          j.lost++;
        } else if (n > 1) {
          j.duplicates++;
        }
        j.completed += Math.min(n, 1);
      }
      return j;
    }
  }
}
