package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.persistence.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (ledger + checkpointer kinds) whose journal is PostgreSQL ({@link TestPostgres}):
 * jobs are submitted and completed, and after a restart the pending and running ones resume and
 * each succeeds once. Nothing is written to an H2 file.
 */
class PostgresLedgerTest {
  @TempDir Path dir;

  @Test
  void aNodeOnPostgresCompletesJobsAndResumesPendingOnesAfterARestart() throws Exception {
    int n = 12;
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      String conf = pg.config() + "warden.ledger.shutdown.drain-timeout = 100ms\nwarden.ledger.snapshot-every = 3\n";
      CountDownLatch running = new CountDownLatch(2);
      try (Warden first = LedgerNode.start(dir, conf)) {
        JobLedger ledger = JobLedger.of(first);
        ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("quick " + p)));
        ledger.register(
            new JobType("slow", (p, ctx) -> {
              running.countDown();
              return new CompletableFuture<>(); // never finishes in this run
            }, JobPolicy.defaults().withMaxConcurrency(2)));
        for (int i = 0; i < 5; i++) {
          await(ledger.submit("quick", "quick-" + i, "q" + i));
        }
        for (int i = 0; i < n; i++) {
          await(ledger.submit("slow", "job-" + i, "p" + i));
        }
        for (int i = 0; i < 5; i++) {
          assertEquals("quick q" + i, await(ledger.result("quick-" + i)));
        }
        running.await();
      }
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      try (Warden second = LedgerNode.start(dir, conf)) {
        JobLedger ledger = JobLedger.of(second);
        ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("again " + p)));
        ledger.register(JobType.of("slow", (p, ctx) -> {
          runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
          return CompletableFuture.completedFuture("done " + p);
        }));
        for (int i = 0; i < n; i++) {
          assertEquals("done p" + i, await(ledger.result("job-" + i)));
        }
        for (int i = 0; i < n; i++) {
          List<String> h = names(ledger, "job-" + i);
          assertEquals(1, h.stream().filter(e -> e.equals("Succeeded")).count(), h.toString());
        }
        assertEquals(List.of("Submitted", "Started#1", "Completed#1", "Succeeded"), names(ledger, "quick-0"));
        assertEquals(n, runs.size());
        assertTrue(runs.values().stream().allMatch(r -> r.get() == 1), runs.toString());
      }
      assertTrue(count(pg, "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'ledger-%'") > 0);
      assertTrue(count(pg, "SELECT COUNT(*) FROM snapshot") > 0, "partitions saved snapshots");
      assertEquals(1, count(pg, "SELECT COUNT(*) FROM warden_ledger_meta"), "the partition count is recorded there");
      try (var files = Files.list(dir)) {
        assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".mv.db")), "no H2 file beside the node");
      }
    }
  }

  private static long count(TestPostgres pg, String sql) throws Exception {
    try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
