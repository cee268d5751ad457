package dev.warden.persistence.ledger.internal;

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
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobHandler;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerBusyException;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.LedgerSettings;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful stop with partitions that drain at different times: a partition that has drained
 * stays stopped while a sibling still waits for a long attempt. Before the {@code stopping} flag,
 * a drained partition forgot it was stopping (its drain reply was cleared), so a retry falling
 * due or a late submit started new work that the node then abandoned mid-flight.
 */
class DrainTest {
  private static final Duration BACKOFF = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void drainedPartitionStartsNothingWhileASiblingStillDrains() throws Exception {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    CompletableFuture<String> longCall = new CompletableFuture<>();
    JobHandler handler = (payload, ctx) -> {
      runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
      if (payload.equals("long")) {
        return longCall;
      }
      if (payload.equals("fail-once") && ctx.attempt() == 1) {
        return CompletableFuture.failedFuture(new IllegalStateException("first attempt fails"));
      }
      return CompletableFuture.completedFuture("done@" + ctx.attempt());
    };
    RetryPolicy retry = RetryPolicy.defaults().withMaxAttempts(3).withBackoff(BACKOFF, BACKOFF, 0);
    try (Warden warden = LedgerNode.start(dir, "warden.ledger.shutdown.drain-timeout = 20s\n")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("work", handler, JobPolicy.defaults().withRetry(retry)));
      LedgerRoot.Handle handle = await(AskPattern.<LedgerRoot.Command, LedgerRoot.Handle>ask(
          warden.kind(LedgerKind.NAME), LedgerRoot.GetHandle::new, Duration.ofSeconds(10), warden.system().scheduler()));
      LedgerSettings settings = handle.settings();
      String longJob = idIn(settings, 0, "long-");
      String retried = idIn(settings, 1, "retried-");
      String late = idIn(settings, 1, "late-");

      await(ledger.submit("work", longJob, "long"));
      await(ledger.submit("work", retried, "fail-once"));
      await().atMost(Duration.ofSeconds(10)).until(() -> status(ledger, retried).status() == JobStatus.RETRY_WAIT);
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey(longJob));
      JobEvent.RetryScheduled scheduled = (JobEvent.RetryScheduled) await(ledger.history(retried)).stream()
          .filter(e -> e instanceof JobEvent.RetryScheduled).findFirst().orElseThrow();

      // what LedgerRoot does at a graceful stop, with the per-partition answers visible to the test
      List<CompletableFuture<Done>> drains = new ArrayList<>();
      for (ActorRef<LedgerPartition.Command> p : handle.partitions()) {
        drains.add(AskPattern.<LedgerPartition.Command, Done>ask(p, LedgerPartition.Drain::new, Duration.ofSeconds(30),
            warden.system().scheduler()).toCompletableFuture());
      }
      drains.get(1).get(10, TimeUnit.SECONDS);
      assertTrue(System.currentTimeMillis() < scheduled.notBefore(),
          "partition 1 drained before the retry of [" + retried + "] fell due; else this test proves nothing");
      assertFalse(drains.get(0).isDone(), "partition 0 still drains: its long attempt runs");

      // the retry falls due while partition 1 is drained: it must not start
      await().atMost(BACKOFF.plusSeconds(10)).until(() -> System.currentTimeMillis() > scheduled.notBefore());
      await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
          .until(() -> runs.get(retried).get() == 1 && status(ledger, retried).status() == JobStatus.RETRY_WAIT);

      ExecutionException rejected =
          assertThrows(ExecutionException.class, () -> ledger.submit("work", late, "quick").toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertInstanceOf(LedgerBusyException.class, rejected.getCause());
      assertTrue(rejected.getCause().getMessage().contains("the ledger is stopping"), rejected.getCause().getMessage());
      assertFalse(runs.containsKey(late), "a submit to a drained partition never runs");
      assertEquals(List.of("Submitted", "Started#1", "Failed#1", "RetryScheduled"), names(ledger, retried));

      longCall.complete("finally");
      drains.get(0).get(10, TimeUnit.SECONDS);
      assertEquals(List.of("Submitted", "Started#1", "Completed#1", "Succeeded"), names(ledger, longJob),
          "the draining partition let its running attempt finish and journaled it");
      assertEquals(1, runs.get(retried).get());
    }
  }

  /** A job id that lives in partition {@code partition}. */
  private static String idIn(LedgerSettings settings, int partition, String prefix) {
    return IntStream.range(0, 10_000).mapToObj(i -> prefix + i).filter(id -> settings.partitionOf(id) == partition)
        .findFirst().orElseThrow();
  }
}
