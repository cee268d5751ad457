package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.Warden;
import dev.warden.core.LogCapture;
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

/** Late reports are judged: expected ones quietly, unexplained ones with a warning. */
class StaleReportsTest {
  private static final RetryPolicy TWICE = RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ZERO, Duration.ZERO, 0);

  @TempDir Path dir;

  @Test
  void aLateResultOfAReapedAttemptIsNoWarningButAReportNoAttemptExplainsIs() {
    CompletableFuture<String> firstAttempt = new CompletableFuture<>();
    try (LogCapture logs = new LogCapture(); Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("slow", (p, ctx) -> ctx.attempt() == 1 ? firstAttempt : CompletableFuture.completedFuture("ok"),
          JobPolicy.defaults().withStartToClose(Duration.ofMillis(200)).withRetry(TWICE)));
      await(ledger.submit("slow", "s1", ""));
      assertEquals("ok", await(ledger.result("s1")));
      firstAttempt.complete("late");
      await().atMost(Duration.ofSeconds(5)).until(() -> LedgerInternals.stats(ledger).stale.get() == 1);
      LedgerRoot.Handle handle = LedgerInternals.handle(ledger);
      handle.partitions().get(handle.settings().partitionOf("s1")).tell(new LedgerPartition.Complete("s1", 7, "from nowhere"));
      await().atMost(Duration.ofSeconds(5)).until(() -> !logs.matching("WARN", "ledger job \\[s1\\] completion for attempt \\[7\\] is stale").isEmpty());
      assertEquals(List.of(), logs.matching("WARN", "ledger job \\[s1\\] completion for attempt \\[1\\]"), "the reaped attempt's late result is expected");
    }
  }
}
