package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose attempts never end because its node goes down under it every time is given up after
 * {@code warden.ledger.max-cut-attempts} such attempts in a row, instead of being started at every
 * restart; a job whose attempts end normally in between is not.
 */
class CutAttemptsTest {
  private static final String CONF = "warden.ledger.shutdown.drain-timeout = 100ms\nwarden.ledger.max-cut-attempts = 2\n";

  @TempDir Path dir;

  /** Starts a node whose "hang" handler never returns, waits until job "poison" runs, then stops the node under it. */
  private void runUntilCut(boolean submit) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("hang", (p, ctx) -> {
        running.countDown();
        return new CompletableFuture<>();
      }, JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(10))));
      if (submit) {
        await(ledger.submit("hang", "poison", "p"));
      }
      assertTrue(running.await(20, TimeUnit.SECONDS), "the job's attempt started");
    }
  }

  @Test
  void aJobCutShortTwiceInARowIsGivenUpAtTheNextStartNotStartedAgain() throws Exception {
    runUntilCut(true); // attempt 1 cut
    runUntilCut(false); // attempt 2 cut
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("hang", (p, ctx) -> CompletableFuture.completedFuture("ran")));
      await().atMost(Duration.ofSeconds(20)).until(() -> status(ledger, "poison").status() == JobStatus.GAVE_UP);
      List<String> h = names(ledger, "poison");
      assertEquals(List.of("Submitted", "Started#1", "Started#2", "GaveUp"), h.stream().map(n -> n.replaceAll("\\(.*", "")).toList(), h.toString());
      assertEquals(2, status(ledger, "poison").attempt(), "not started a third time");
      assertTrue(status(ledger, "poison").cause().orElse("").contains("warden.ledger.max-cut-attempts = 2"), status(ledger, "poison").toString());
    }
  }

  @Test
  void anAttemptThatEndsResetsTheCount() throws Exception {
    runUntilCut(true); // attempt 1 cut
    try (Warden node = LedgerNode.start(dir, CONF)) { // attempt 2 fails normally, attempt 3 starts and is cut
      JobLedger ledger = JobLedger.of(node);
      CountDownLatch third = new CountDownLatch(1);
      ledger.register(new JobType("hang", (p, ctx) -> {
        if (ctx.attempt() == 2) {
          return CompletableFuture.failedFuture(new IllegalStateException("a failure of its own"));
        }
        third.countDown();
        return new CompletableFuture<>();
      }, JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(10).withBackoff(Duration.ofMillis(10), Duration.ofMillis(10), 0.0))));
      assertTrue(third.await(20, TimeUnit.SECONDS), "attempt 3 started after attempt 2 failed");
    }
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("hang", (p, ctx) -> CompletableFuture.completedFuture("ran")));
      assertEquals("ran", await(ledger.result("poison")), "one cut attempt since the failure: under the limit of 2, so it ran");
    }
  }
}
