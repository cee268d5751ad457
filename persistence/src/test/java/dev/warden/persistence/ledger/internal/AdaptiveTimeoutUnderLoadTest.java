package dev.warden.persistence.ledger.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerBusyException;
import dev.warden.persistence.ledger.LedgerNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive timeout learns the handler's own latency (invocation to result), not the time a
 * completion waits behind big submit batches to be journaled; an attempt whose result arrived is
 * never reaped.
 */
class AdaptiveTimeoutUnderLoadTest {
  @TempDir Path dir;

  @Test
  void floodOfNoOpJobsUnderALowAdaptiveMinimumReapsNothingAndReportsNothingStale() {
    int n = 20_000;
    String conf =
        "warden.ledger.partitions = 2\n"
            + "warden.ledger.reaper.tick = 10ms\n"
            + "warden.ledger.default-timeout { static = 30s, min = 25ms, min-samples = 5, window = 20 }\n";
    try (Warden warden = LedgerNode.start(dir, conf)) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("noop", (p, ctx) -> CompletableFuture.completedFuture(""), JobPolicy.defaults().withMaxConcurrency(1024)));
      ArrayDeque<CompletableFuture<JobView>> outstanding = new ArrayDeque<>();
      for (int i = 0; i < n; i++) {
        while (true) {
          CompletableFuture<JobView> f = ledger.submit("noop", "job-" + i, "").toCompletableFuture();
          if (!LedgerBusyException.rejected(f)) {
            outstanding.addLast(f);
            break;
          }
          outstanding.pollFirst().join(); // backpressure: wait for the oldest submit, then retry
        }
        while (!outstanding.isEmpty() && outstanding.peekFirst().isDone()) {
          outstanding.pollFirst().join();
        }
      }
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> ledger.count("noop", "succeeded") + ledger.count("noop", "failed") >= n);
      LedgerStats stats = LedgerInternals.stats(ledger);
      assertEquals(0, stats.reaped.get(), "no-op attempts reaped under a flood");
      assertEquals(0, stats.stale.get(), "stale reports (completions of reaped attempts)");
      assertEquals(n, ledger.count("noop", "succeeded"));
    }
  }
}
