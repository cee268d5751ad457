package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.internal.LedgerInternals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A type's max concurrency holds for the whole node, and every way an attempt ends gives its permit back. */
class NodeConcurrencyTest {
  @TempDir Path dir;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopClock() {
    clock.shutdownNow();
  }

  @Test
  void maxConcurrencyIsNodeWideOverAllPartitions() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (Warden warden = LedgerNode.start(dir, "")) { // 4 partitions
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("resize", (p, ctx) -> {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<String> done = new CompletableFuture<>();
        clock.schedule(() -> {
          inFlight.decrementAndGet();
          done.complete("ok");
        }, 20, TimeUnit.MILLISECONDS);
        return done;
      }, JobPolicy.defaults().withMaxConcurrency(3)));
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String id = "img-" + i;
        results.add(ledger.submit("resize", id, "").thenCompose(v -> ledger.result(id)).toCompletableFuture());
      }
      results.forEach(r -> assertEquals("ok", await(r)));
      assertTrue(most.get() <= 3, "at most 3 at once on the node, over 4 partitions: " + most.get());
      assertEquals(3, most.get(), "and the limit is used");
    }
  }

  @Test
  void reapedFailedAndCancelledAttemptsGiveTheirPermitBack() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("one", (p, ctx) -> {
        switch (p) {
          case "fail":
            return CompletableFuture.failedFuture(new IllegalStateException("no"));
          case "ok":
            return CompletableFuture.completedFuture("ok");
          default:
            return new CompletableFuture<>(); // hangs: reaped or cancelled
        }
      }, JobPolicy.defaults().withMaxConcurrency(1).withStartToClose(Duration.ofMillis(200))
          .withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
      await(ledger.submit("one", "hang", "hang"));
      await(ledger.submit("one", "fail", "fail"));
      await(ledger.submit("one", "cancel", "cancel"));
      await(ledger.submit("one", "ok", "ok"));
      await().atMost(Duration.ofSeconds(10)).until(() -> names(ledger, "cancel").contains("Started#1"));
      await(ledger.cancel("cancel"));
      assertEquals("ok", await(ledger.result("ok")), "the one permit came back after a reap, a failure and a cancel");
      assertEquals(List.of("Submitted", "Started#1", "Reaped#1", "GaveUp"), names(ledger, "hang"));
      assertEquals(List.of("Submitted", "Started#1", "Failed#1", "GaveUp"), names(ledger, "fail"));
      assertEquals(0, LedgerInternals.handle(ledger).permits().inUse().get("one"));
    }
  }
}
