package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A reap that pops a running attempt's deadline entry in the same batch as a journaled heartbeat
 * of that job must keep the entry: once the attempt stops beating (or overruns start-to-close) it
 * is reaped all the same. The two commands are put in one batch deterministically: the journal
 * holds an unrelated write (a {@link LedgerPartition.Hold}) until both are in the partition's
 * mailbox, so Pekko stashes them and hands them to the partition together, before its next flush.
 * Deadlines pass on the manual clock ({@link ManualTimePartition}). The tick (100 ms) is shorter
 * than every limit here (150 ms), so the partition's own look-ahead, which arms only for a deadline
 * due before the next tick, never reaps behind the test's back: every reap here is one the test
 * sends, as the reaper's tick would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaperSameBatchTest {
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration LIMIT = Duration.ofMillis(150);

  private final ManualTimePartition time = new ManualTimePartition("reaper-same-batch",
      "warden.ledger.reaper.tick = " + TICK.toMillis() + "ms\n"
          + "warden.ledger.heartbeat.journal-interval = 1ms\n"); // every beat is journaled
  /** Armed: the next write of a hold waits for this latch. */
  private final AtomicReference<CountDownLatch> holdGate = new AtomicReference<>();
  private ManualTimePartition.Partition partition;

  @BeforeEach
  void freshPartition() {
    time.journal.withPolicy(this::gate);
    partition = time.spawn("");
  }

  @AfterEach
  void stopPartition() {
    partition.stop();
    time.journal.resetPolicy();
  }

  @AfterAll
  void stop() {
    time.shutdown();
  }

  @Test
  void anAttemptBeatingInTheReapsBatchIsReapedOnceItStopsBeating() {
    long invoked = startHungJob("b1", JobPolicy.defaults().withStartToClose(Duration.ofSeconds(60)).withHeartbeatTimeout(LIMIT));
    time.advanceTo(invoked + LIMIT.toMillis() + 1); // its deadline entry is due: no beat since the invocation

    assertThat(beatAndReapInOneBatch("b1", 1)).as("the reap popped the entry in the heartbeat's batch")
        .isEqualTo(new LedgerPartition.ReapReport(0, 1, 1, 0));
    long afterBeat = time.millis();
    assertThat(partition.history("b1")).as("one batch: the heartbeat written, nothing reaped")
        .containsExactly("Submitted", "Started#1", "Heartbeat");
    assertThat(partition.status("b1")).isEqualTo(JobStatus.RUNNING);

    time.advanceTo(afterBeat + LIMIT.toMillis() + 1); // no beat since
    assertThat(partition.reap(2)).as("the silent attempt still has a deadline entry, and it is reaped")
        .isEqualTo(new LedgerPartition.ReapReport(0, 2, 1, 1));
    assertThat(partition.status("b1")).isEqualTo(JobStatus.GAVE_UP);
    assertThat(partition.reason("b1")).startsWith("reaped: no heartbeat for");
  }

  @Test
  void anAttemptOverdueInTheReapsBatchOfItsHeartbeatIsReapedAtTheNextTick() {
    long invoked = startHungJob("o1", JobPolicy.defaults().withStartToClose(LIMIT));
    time.advanceTo(invoked + LIMIT.toMillis() + 1); // start-to-close has passed; a beat cannot help that

    assertThat(beatAndReapInOneBatch("o1", 1)).as("overdue, but touched by its heartbeat: not reaped in this batch")
        .isEqualTo(new LedgerPartition.ReapReport(0, 1, 1, 0));
    assertThat(partition.history("o1")).containsExactly("Submitted", "Started#1", "Heartbeat");
    assertThat(partition.status("o1")).isEqualTo(JobStatus.RUNNING);

    time.advance(TICK); // the next tick
    assertThat(partition.reap(2)).as("looked at again at the next tick, and reaped").isEqualTo(new LedgerPartition.ReapReport(0, 2, 1, 1));
    assertThat(partition.status("o1")).isEqualTo(JobStatus.GAVE_UP);
    assertThat(partition.reason("o1")).startsWith("reaped: start-to-close deadline passed");
  }

  /** Registers a type whose handler hangs, submits {@code id}, and answers when the handler was invoked (the ledger's clock). */
  private long startHungJob(String id, JobPolicy policy) {
    ManualTimePartition.Attempts hangs = new ManualTimePartition.Attempts(time);
    partition.register(new JobType("hangs", hangs, policy.withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
    partition.submit("hangs", id);
    long invoked = hangs.invoked(id, 1).invokedAt();
    partition.settle();
    return invoked;
  }

  /**
   * A beat of the running attempt, then a reaper's run, flushed as one batch: the journal holds a
   * hold's write until both are in the mailbox behind it, where Pekko stashes them.
   */
  private LedgerPartition.ReapReport beatAndReapInOneBatch(String id, int attempt) {
    CountDownLatch release = new CountDownLatch(1);
    holdGate.set(release);
    TestProbe<Done> held = time.testKit.createTestProbe();
    TestProbe<LedgerPartition.ReapReport> reports = time.testKit.createTestProbe();
    partition.ref.tell(new LedgerPartition.Hold("unrelated", true, held.ref()));
    partition.ref.tell(new LedgerPartition.Beat(id, attempt));
    partition.ref.tell(new LedgerPartition.ReapOverdue(1, reports.ref()));
    release.countDown();
    held.expectMessage(Done.getInstance());
    assertThat(holdGate.get()).as("the hold's write was held").isNull();
    return reports.receiveMessage();
  }

  private ProcessingResult gate(String persistenceId, JournalOperation op) {
    if (op instanceof WriteEvents w && w.getBatch().stream().anyMatch(b -> b instanceof LedgerBatch l && !l.holds().isEmpty())) {
      CountDownLatch latch = holdGate.getAndSet(null);
      if (latch != null) {
        try {
          latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return ProcessingSuccess$.MODULE$;
  }
}
