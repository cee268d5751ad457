package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a restart, work cut short goes first; pending jobs follow in their submit order. */
class ResumeOrderTest {
  /** One partition, a snapshot after every row (recovery reads the snapshot), nothing waits at stop. */
  private static final String CONF =
      "warden.ledger.partitions = 1\nwarden.ledger.snapshot-every = 1\nwarden.ledger.shutdown.drain-timeout = 0s\n";

  @TempDir Path dir;

  @Test
  void resumedAttemptsStartBeforePendingJobsWhichKeepTheirSubmitOrder() throws Exception {
    List<String> pending = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      pending.add("job-" + (char) ('z' - i) + i); // ids whose hash order is not their submit order
    }
    CountDownLatch cutRuns = new CountDownLatch(1);
    try (Warden first = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(first);
      ledger.register(new JobType("work", (p, ctx) -> {
        cutRuns.countDown();
        return new CompletableFuture<>(); // still running when the node stops
      }, JobPolicy.defaults().withMaxConcurrency(1)));
      await(ledger.submit("work", "cut", ""));
      cutRuns.await();
      for (String id : pending) {
        await(ledger.submit("work", id, ""));
      }
    }
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    try (Warden second = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(second);
      ledger.register(new JobType("work", (p, ctx) -> {
        started.add(ctx.jobId());
        return CompletableFuture.completedFuture("ok");
      }, JobPolicy.defaults().withMaxConcurrency(1)));
      for (String id : pending) {
        await(ledger.result(id));
      }
      List<String> expected = new ArrayList<>(List.of("cut"));
      expected.addAll(pending);
      assertEquals(expected, started);
    }
  }
}
