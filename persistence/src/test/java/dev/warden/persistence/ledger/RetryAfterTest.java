package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure implementing {@link RetryAfter} delays its retry past the policy's (zero) backoff, and still counts. */
class RetryAfterTest {
  @TempDir Path dir;

  static final class Busy extends RuntimeException implements RetryAfter {
    private final Duration wait;

    Busy(Duration wait) {
      super("busy, come back in " + wait);
      this.wait = wait;
    }

    @Override
    public Duration retryAfter() {
      return wait;
    }
  }

  @Test
  void aFailureAskingToRetryAfterASecondIsRetriedNoEarlierAndTheRetryCounts() {
    AtomicInteger runs = new AtomicInteger();
    RetryPolicy noBackoff = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0, Set.of());
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("busy", (payload, ctx) -> CompletableFuture.failedFuture(new Busy(Duration.ofSeconds(1))),
          JobPolicy.defaults().withRetry(noBackoff)));
      ledger.register(new JobType("once", (payload, ctx) -> runs.incrementAndGet() == 1
          ? CompletableFuture.failedFuture(new Busy(Duration.ofSeconds(1))) : CompletableFuture.completedFuture("ok"),
          JobPolicy.defaults().withRetry(noBackoff)));
      await(ledger.submit("once", "o", ""));
      assertEquals("ok", await(ledger.result("o")));
      List<JobEvent> h = await(ledger.history("o"));
      JobEvent.Failed failed = h.stream().filter(JobEvent.Failed.class::isInstance).map(JobEvent.Failed.class::cast).findFirst().orElseThrow();
      JobEvent.RetryScheduled retry = h.stream().filter(JobEvent.RetryScheduled.class::isInstance)
          .map(JobEvent.RetryScheduled.class::cast).findFirst().orElseThrow();
      JobEvent.Started second = h.stream().filter(e -> e instanceof JobEvent.Started && ((JobEvent.Started) e).attempt() == 2)
          .map(JobEvent.Started.class::cast).findFirst().orElseThrow();
      assertTrue(retry.notBefore() - failed.at() >= 1000, "retry scheduled a second after the failure: " + h);
      assertTrue(second.at() - failed.at() >= 1000, "second attempt started a second after the failure: " + h);

      await(ledger.submit("busy", "b", ""));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> LedgerNode.status(ledger, "b").status() == JobStatus.GAVE_UP);
      assertEquals(List.of("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Failed#2", "GaveUp"), names(ledger, "b"),
          "a retry-after retry uses the attempt budget");
    }
  }
}
