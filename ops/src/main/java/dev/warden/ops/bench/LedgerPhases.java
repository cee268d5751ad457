package dev.warden.ops.bench;

import static dev.warden.ops.bench.LedgerBenchChild.awaitCount;
import static dev.warden.ops.bench.LedgerBenchChild.durability;
import static dev.warden.ops.bench.LedgerBenchChild.peakRssMb;
import static dev.warden.ops.bench.LedgerBenchChild.put;
import static dev.warden.ops.bench.LedgerBenchChild.reportCommon;
import static dev.warden.ops.bench.LedgerBenchChild.startNode;
import static dev.warden.ops.bench.LedgerBenchChild.submitAll;
import static dev.warden.ops.bench.LedgerBenchChild.userConfig;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ledger bench's phases on a running node ({@link LedgerBenchChild} starts them): no-op jobs
 * submitted one at a time and run to completion, the plain-JDBC floor under them, and the reaper's
 * lateness on hung jobs.
 */
final class LedgerPhases {
  private LedgerPhases() {}

  static void ledger(Path data, int jobs) {
    try (Warden w = startNode(data, "")) {
      reportCommon(w);
      JobLedger ledger = JobLedger.of(w);
      CompletableFuture<String> done = CompletableFuture.completedFuture("");
      // max concurrency is node-wide now: 16 * 1024 is what the bench always ran with (1024 in each of 16 partitions)
      ledger.register(new JobType("noop", (p, ctx) -> done, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
      long t0 = System.nanoTime();
      int retries = submitAll(ledger, "noop", jobs, "job-", "");
      double submitted = (System.nanoTime() - t0) / 1e9;
      awaitCount(ledger, "noop", "succeeded", jobs, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - t0) / 1e9;
      put("jobs", jobs);
      put("seconds", seconds);
      put("submit_seconds", submitted);
      put("busy_retries", retries);
      put("jobs_per_s", jobs / seconds);
      put("peak_rss_mb", peakRssMb());
    }
  }

  static void floor(Path data, int rows) throws Exception {
    Config cfg = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + data.toAbsolutePath() + "\"").withFallback(userConfig()));
    put("durability", durability(cfg));
    Files.createDirectories(data);
    PersistenceSettings db = PersistenceSettings.create(cfg);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      try (Statement st = c.createStatement()) {
        st.execute(BenchDatabase.floorTable(db, "event_journal"));
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
      put("rows_per_s", rows / ((System.nanoTime() - start) / 1e9));
      if (db.dialect() == Dialect.H2) {
        try (Statement st = c.createStatement()) {
          st.execute("SHUTDOWN");
        }
      }
    }
  }


  static void reaper(Path data, int jobs, long timeoutMs, long spacingMs) throws Exception {
    Map<String, Long> invokedAt = new ConcurrentHashMap<>();
    try (Warden w = startNode(data, "")) {
      reportCommon(w);
      put("tick_ms", w.system().settings().config().getDuration("warden.ledger.reaper.tick").toMillis());
      JobLedger ledger = JobLedger.of(w);
      ledger.register(new JobType("hang", (p, ctx) -> {
        invokedAt.put(ctx.jobId(), System.currentTimeMillis());
        return new CompletableFuture<>(); // never completes
      }, JobPolicy.defaults().withStartToClose(Duration.ofMillis(timeoutMs)).withMaxConcurrency(16 * 1024)
          .withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
      for (int i = 0; i < jobs; i++) { // spread the deadlines over the reaper's tick
        ledger.submit("hang", "hung-" + i, "").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Thread.sleep(spacingMs);
      }
      awaitCount(ledger, "hang", "failed", jobs, Duration.ofMinutes(5));
      double[] late = new double[jobs];
      for (int i = 0; i < jobs; i++) {
        String id = "hung-" + i;
        long reapedAt = -1;
        for (JobEvent e : ledger.history(id).toCompletableFuture().get(30, TimeUnit.SECONDS)) {
          if (e instanceof JobEvent.Reaped) {
            reapedAt = e.at();
          }
        }
        if (reapedAt < 0 || !invokedAt.containsKey(id)) {
          throw new IllegalStateException("job " + id + " was not reaped: " + ledger.history(id).toCompletableFuture().get());
        }
        late[i] = reapedAt - (invokedAt.get(id) + timeoutMs);
      }
      Arrays.sort(late);
      put("samples", jobs);
      put("timeout_ms", timeoutMs);
      put("late_p50_ms", Figures.quantile(late, 0.5));
      put("late_p99_ms", Figures.quantile(late, 0.99));
      put("late_max_ms", late[jobs - 1]);
      put("late_min_ms", late[0]);
    }
  }
}
