package dev.warden.ops.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code warden bench http}: what the node's HTTP face costs over the Java API. Every measured run is a
 * fresh JVM ({@link HttpBenchChild}) on a fresh H2 file, with its own baseline: waited submits from 16
 * threads through {@code JobLedger.submit(...).join()}, then the same through {@code POST /api/v1/jobs}
 * from 16 keep-alive clients on 127.0.0.1 (the order alternates across runs); their ratio; and the
 * latency of {@code GET /api/v1/jobs/{id}} with {@code --jobs} (default 100,000) jobs in the ledger; and the
 * console's first load (its bytes and first live snapshot) with those jobs.
 * Medians over {@code --runs}.
 */
final class HttpBench {
  private final ChildJvm.Options children;
  private final int runs;
  private final int ledgerSize;
  private final int submits;
  private final int gets;

  HttpBench(ChildJvm.Options children, int runs, Integer jobs) {
    this.children = children;
    this.runs = runs;
    this.ledgerSize = jobs == null ? 100_000 : jobs;
    this.submits = Math.max(1, Math.min(20_000, ledgerSize / 5));
    this.gets = Math.max(1, Math.min(10_000, ledgerSize / 10));
  }

  void run(PrintStream out) throws Exception {
    double[] java = new double[runs];
    double[] http = new double[runs];
    double[] ratio = new double[runs];
    double[] p50 = new double[runs];
    double[] p99 = new double[runs];
    double[] console = new double[runs];
    String mode = null;
    long inLedger = 0;
    for (int r = 0; r < runs; r++) {
      Map<String, String> c = child(r % 2 == 0);
      mode = c.get("durability");
      java[r] = ChildJvm.number(c, "java_per_s");
      http[r] = ChildJvm.number(c, "http_per_s");
      ratio[r] = http[r] / java[r];
      p50[r] = ChildJvm.number(c, "get_p50_ms");
      p99[r] = ChildJvm.number(c, "get_p99_ms");
      console[r] = ChildJvm.number(c, "console_ms");
      inLedger = (long) ChildJvm.number(c, "ledger_jobs");
    }
    String tag = "[" + mode + "]";
    Figures.print(out, "http", "submit_http", Figures.median(http), "jobs/s " + tag);
    Figures.print(out, "http", "submit_java", Figures.median(java), "jobs/s " + tag);
    Figures.print(out, "http", "submit_ratio", Figures.median(ratio), "x " + tag);
    Figures.print(out, "http", "get_p50", Figures.median(p50), "ms " + tag);
    Figures.print(out, "http", "get_p99", Figures.median(p99), "ms " + tag);
    Figures.print(out, "http", "console_first_load", Figures.median(console), "ms " + tag);
    out.printf(
        "%nhttp: %d run(s); each run is a fresh JVM (%s) on a fresh H2 file, %s, the node's HTTP server on 127.0.0.1 (no token)."
            + "%n  waited submits of a paused type (one Submitted event journaled per job), %,d per side after %,d warm-up each,"
            + " %d threads: POST /api/v1/jobs from keep-alive HTTP/1.1 clients (one per thread) %.0f jobs/s; the Java API"
            + " (JobLedger.submit(...).join()) in the same JVM %.0f jobs/s; HTTP / Java = %.2fx (median of the per-run ratios)"
            + "%n  GET /api/v1/jobs/{id} of random known ids, one client, %,d jobs in the ledger, %,d reads after as many"
            + " warm-up reads: p50 %s ms, p99 %s ms"
            + "%n  the console's first load with those jobs (a new connection: /, its script and style, the live feed's first"
            + " snapshot; no rendering), median of 20 after 20 warm-up: %s ms"
            + "%n  runs: http %s, java %s, ratio %s, get p50 %s, get p99 %s, console %s%n",
        runs, children.describe(), mode, submits, Math.min(submits, 2000), LedgerSyncChild.SUBMITTERS, Figures.median(http),
        Figures.median(java), Figures.median(ratio), inLedger, gets, Figures.format(Figures.median(p50)),
        Figures.format(Figures.median(p99)), Figures.format(Figures.median(console)), Arrays.toString(http),
        Arrays.toString(java), Arrays.toString(ratio), Arrays.toString(p50), Arrays.toString(p99), Arrays.toString(console));
  }

  private Map<String, String> child(boolean javaFirst) throws Exception {
    Path dir = children.freshDir("warden-bench-http");
    try (ChildJvm c = children.start("http", HttpBenchChild.class, dir.resolve("data").toString(), Integer.toString(submits),
        Integer.toString(ledgerSize), Integer.toString(gets), Boolean.toString(javaFirst))) {
      return c.finish(Duration.ofMinutes(15));
    } finally {
      LedgerBench.deleteQuietly(dir);
    }
  }
}
