package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerLifecycleTest {
  @TempDir Path dir;

  @Test
  void jobRunsThroughSubmittedStartedCompletedSucceeded() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("echo", (payload, ctx) -> CompletableFuture.completedFuture("echo:" + payload)));
      JobView submitted = await(ledger.submit("echo", "job-1", "hello"));
      assertEquals("job-1", submitted.id());
      assertEquals("echo:hello", await(ledger.result("job-1")));
      assertEquals(List.of("Submitted", "Started#1", "Completed#1", "Succeeded"), names(ledger, "job-1"));
      JobView done = status(ledger, "job-1");
      assertEquals(JobStatus.SUCCEEDED, done.status());
      assertEquals(1, done.attempt());
      await().atMost(Duration.ofSeconds(5)).until(() -> ledger.counts().getOrDefault("echo", java.util.Map.of()).getOrDefault("succeeded", 0L) == 1L);
      assertEquals(0L, ledger.counts().get("echo").get("pending"));
      assertEquals(0L, ledger.counts().get("echo").get("running"));
    }
  }

  @Test
  void submittingAnExistingIdAnswersTheExistingJob() {
    AtomicInteger runs = new AtomicInteger();
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("count", (payload, ctx) -> CompletableFuture.completedFuture(payload + runs.incrementAndGet())));
      CompletableFuture<JobView> a = ledger.submit("count", "same", "a").toCompletableFuture();
      CompletableFuture<JobView> b = ledger.submit("count", "same", "b").toCompletableFuture();
      assertEquals(await(a).id(), await(b).id());
      assertEquals("a1", await(ledger.result("same")));
      JobView again = await(ledger.submit("count", "same", "c"));
      assertEquals(JobStatus.SUCCEEDED, again.status());
      assertEquals(1, runs.get(), "the handler ran once");
      assertEquals(1L, names(ledger, "same").stream().filter(n -> n.equals("Submitted")).count());
    }
  }

  @Test
  void unregisteredTypeIsRejectedClearly() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> ledger.submit("nope", "x", "").toCompletableFuture().get());
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("nope"));
    }
  }

  @Test
  void failuresAreRetriedWithBackoffThenGiveUpAndNonRetryableGivesUpAtOnce() {
    AtomicInteger flaky = new AtomicInteger();
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      RetryPolicy retry =
          RetryPolicy.defaults().withMaxAttempts(3).withBackoff(Duration.ofMillis(20), Duration.ofMillis(50), 0.5)
              .withNonRetryable(IllegalArgumentException.class);
      JobHandler handler =
          (payload, ctx) -> {
            if (payload.equals("bad-input")) {
              return CompletableFuture.failedFuture(new IllegalArgumentException("bad input"));
            }
            if (payload.equals("twice") && flaky.incrementAndGet() < 3) {
              return CompletableFuture.failedFuture(new IllegalStateException("flaky " + ctx.attempt()));
            }
            if (payload.equals("always")) {
              throw new IllegalStateException("always fails");
            }
            return CompletableFuture.completedFuture("ok@" + ctx.attempt());
          };
      ledger.register(new JobType("work", handler, JobPolicy.defaults().withRetry(retry)));
      await(ledger.submit("work", "flaky", "twice"));
      await(ledger.submit("work", "bad", "bad-input"));
      await(ledger.submit("work", "doomed", "always"));

      assertEquals("ok@3", await(ledger.result("flaky")));
      assertEquals(
          List.of("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Failed#2", "RetryScheduled", "Started#3", "Completed#3", "Succeeded"),
          names(ledger, "flaky"));

      ExecutionException bad = assertThrows(ExecutionException.class, () -> ledger.result("bad").toCompletableFuture().get());
      assertInstanceOf(JobFailedException.class, bad.getCause());
      assertEquals(List.of("Submitted", "Started#1", "Failed#1", "GaveUp"), names(ledger, "bad"));
      assertTrue(status(ledger, "bad").cause().orElse("").contains("IllegalArgumentException"));

      assertThrows(ExecutionException.class, () -> ledger.result("doomed").toCompletableFuture().get());
      assertEquals(
          List.of("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Failed#2", "RetryScheduled", "Started#3", "Failed#3", "GaveUp"),
          names(ledger, "doomed"));
      JobEvent.GaveUp gaveUp = (JobEvent.GaveUp) await(ledger.history("doomed")).get(9);
      assertTrue(gaveUp.reason().startsWith("attempts exhausted (3 of 3)"), gaveUp.reason());
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(2L, ledger.counts().get("work").get("failed")));
      assertFalse(ledger.counts().get("work").get("succeeded") != 1L);
    }
  }
}
