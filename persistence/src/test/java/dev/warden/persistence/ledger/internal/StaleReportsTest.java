package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A late result on a node: noted in the job's history once, journaled (the rules themselves: LedgerPartitionTest). */
class StaleReportsTest {
  private static final RetryPolicy TWICE = RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ZERO, Duration.ZERO, 0);

  @TempDir Path dir;

  /** The console's job timeline shows what came late: the audit trail the incident never had. */
  @Test
  void aLateResultIsKeptInTheJobsHistoryOnceAndStaysThereAfterARestart() {
    CompletableFuture<String> firstAttempt = new CompletableFuture<>();
    JobType slow = new JobType("slow", (p, ctx) -> ctx.attempt() == 1 ? firstAttempt : CompletableFuture.completedFuture("ok"),
        JobPolicy.defaults().withStartToClose(Duration.ofMillis(200)).withRetry(TWICE));
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(slow);
      await(ledger.submit("slow", "s1", ""));
      assertEquals("ok", await(ledger.result("s1")));
      firstAttempt.complete("late");
      await().atMost(Duration.ofSeconds(5)).until(() -> staleIn(ledger).size() == 1);
      LedgerRoot.Handle handle = LedgerInternals.handle(ledger);
      handle.partitions().get(handle.settings().partitionOf("s1")).tell(new LedgerPartition.Complete("s1", 1, "again"));
      handle.partitions().get(handle.settings().partitionOf("s1")).tell(new LedgerPartition.Fail("s1", 1, "and failed", true, null, null, 0));
      await().atMost(Duration.ofSeconds(5)).until(() -> LedgerInternals.stats(ledger).stale.get() == 3);
      assertEquals(List.of(new Noted(1, "completion", 2, "SUCCEEDED")), staleIn(ledger),
          "one entry per attempt, however often it comes; a late failure is only counted");
    }
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(slow);
      assertEquals(1, staleIn(ledger).size(), "journaled, so a restart keeps it");
      List<String> labels = await(ledger.history("s1")).stream().map(JobEvent::label).toList();
      assertEquals("StaleReport#1", labels.get(labels.size() - 1));
    }
  }

  private record Noted(int attempt, String report, int currentAttempt, String currentStatus) {}

  private static List<Noted> staleIn(JobLedger ledger) {
    return await(ledger.history("s1")).stream()
        .filter(e -> e instanceof JobEvent.StaleReport)
        .map(e -> (JobEvent.StaleReport) e)
        .map(s -> new Noted(s.attempt(), s.report(), s.currentAttempt(), s.currentStatus()))
        .toList();
  }
}
