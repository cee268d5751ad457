package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.ops.NodeOptions;
import dev.warden.persistence.Checkpointer;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.Ledger;
import dev.warden.persistence.ledger.LedgerBusyException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * No-op jobs of a host type, submitted one API call at a time from one thread, through the full
 * durable path (Submitted → Started → Completed/Succeeded journaled on a fresh H2 file, default
 * {@code ;WRITE_DELAY=0}); jobs/s from the first submit until the ledger counts the last one
 * succeeded (counts are published only after the batch is journaled). A rejected submit
 * ({@link LedgerBusyException}) waits for the oldest outstanding one and is retried. Beside it,
 * the floor: plain JDBC inserts of journal-shaped rows, 100 per transaction, same durability.
 */
final class LedgerBench {
  private final NodeOptions node;
  private final int runs;

  LedgerBench(NodeOptions node, int runs) {
    this.node = node;
    this.runs = runs;
  }

  void run(PrintStream out) throws Exception {
    double[] throughput = new double[runs];
    double[] burst = new double[runs];
    double[] floor = new double[runs];
    for (int r = 0; r < runs; r++) {
      throughput[r] = jobsPerSecond(50_000);
      burst[r] = jobsPerSecond(10_000);
      floor[r] = floorRowsPerSecond(50_000);
    }
    double t = Figures.median(throughput);
    double f = Figures.median(floor);
    Figures.print(out, "ledger", "throughput", t, "jobs/s");
    Figures.print(out, "ledger", "burst", Figures.median(burst), "jobs/s");
    Figures.print(out, "ledger", "floor", f, "rows/s");
    Figures.print(out, "ledger", "ratio", t / f, "x");
    Figures.print(out, "ledger", "peak_rss", peakRssMb(), "MB");
    out.printf(
        "%nledger: %d run(s), each on a fresh H2 file in this JVM (;WRITE_DELAY=0: every commit on disk before it returns)."
            + "%n  50,000 no-op jobs, one submit call at a time from one thread, first submit to last journaled success: median %.0f jobs/s"
            + "%n  10,000 jobs: median %.0f jobs/s; floor (plain JDBC, 100 journal-shaped rows per transaction): %.0f rows/s"
            + "%n  runs: throughput %s, burst %s, floor %s%n",
        runs, t, Figures.median(burst), f, java.util.Arrays.toString(throughput), java.util.Arrays.toString(burst), java.util.Arrays.toString(floor));
  }

  private double jobsPerSecond(int jobs) throws Exception {
    Path dir = Files.createTempDirectory("warden-bench-ledger");
    String conf =
        "warden.node-name = bench-ledger\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\n"
            + "warden.data-dir = \"" + dir.toAbsolutePath() + "\"\n";
    try (Warden warden = Warden.start(node.overridesOver(ConfigFactory.parseString(conf)), Ledger.kind(), Checkpointer.kind())) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("noop", (p, ctx) -> CompletableFuture.completedFuture(""), JobPolicy.defaults().withMaxConcurrency(1024)));
      ArrayDeque<CompletableFuture<JobView>> window = new ArrayDeque<>();
      long start = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        String id = "job-" + i;
        while (true) {
          CompletableFuture<JobView> f = ledger.submit("noop", id, "").toCompletableFuture();
          if (!LedgerBusyException.rejected(f)) {
            window.addLast(f);
            break;
          }
          if (window.isEmpty()) {
            LockSupport.parkNanos(100_000);
          } else {
            window.pollFirst().join(); // wait for the oldest outstanding submit, then retry
          }
        }
        while (!window.isEmpty() && window.peekFirst().isDone()) {
          window.pollFirst();
        }
      }
      while (ledger.count("noop", "succeeded") < jobs) {
        LockSupport.parkNanos(200_000);
      }
      return jobs / ((System.nanoTime() - start) / 1e9);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static double floorRowsPerSecond(int rows) throws Exception {
    Path dir = Files.createTempDirectory("warden-bench-floor");
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath() + "/floor;WRITE_DELAY=0", "sa", "")) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE event_journal (ordering BIGINT AUTO_INCREMENT, deleted BOOLEAN DEFAULT FALSE, persistence_id VARCHAR(255),"
                + " sequence_number BIGINT, writer VARCHAR, write_timestamp BIGINT, adapter_manifest VARCHAR, event_payload BLOB,"
                + " event_ser_id INTEGER, event_ser_manifest VARCHAR, meta_payload BLOB, meta_ser_id INTEGER, meta_ser_manifest VARCHAR,"
                + " PRIMARY KEY(persistence_id, sequence_number))");
      }
      c.setAutoCommit(false);
      byte[] payload = new byte[200];
      long start = System.nanoTime();
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, event_payload,"
                  + " event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', ?, '', ?, 33, 'E')")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "p-" + (i % 16));
          ps.setLong(2, i);
          ps.setLong(3, System.currentTimeMillis());
          ps.setBytes(4, payload);
          ps.addBatch();
          if (i % 100 == 99) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // temp files only
    }
  }
}
