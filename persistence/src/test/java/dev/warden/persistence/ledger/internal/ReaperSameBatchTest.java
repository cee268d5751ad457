package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerSettings;
import dev.warden.persistence.ledger.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.awaitility.Awaitility;
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
 * Pekko's manual clock keeps the partition's own look-ahead timer from reaping behind the test's
 * back: every reap here is one the test sends, as the reaper's tick would. Deadlines themselves are
 * wall-clock epoch ms (as in the ledger), so the test waits for them to pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaperSameBatchTest {
  private static final Duration TICK = Duration.ofMillis(200);
  private static final Duration LIMIT = Duration.ofMillis(150);

  private final Config config = ManualTime.config().withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(Warden.loadConfig(ConfigFactory.parseString(
          "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.ledger.partitions = 1\n"
              + "warden.ledger.reaper.tick = " + TICK.toMillis() + "ms\n"
              + "warden.ledger.heartbeat.journal-interval = 1ms\n"))); // every beat is journaled
  private final ActorTestKit testKit = ActorTestKit.create("reaper-same-batch", config);
  private final LedgerSettings settings = LedgerSettings.create(testKit.system().settings().config());
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  /** Armed: the next write of a hold waits for this latch. */
  private final AtomicReference<CountDownLatch> holdGate = new AtomicReference<>();
  private NodePermits permits;
  private ActorRef<LedgerPartition.Command> partition;

  @BeforeEach
  void freshPartition() {
    journal.clearAll();
    journal.withPolicy(this::gate);
    permits = new NodePermits(1);
    permits.wakeWith(p -> {});
    TestProbe<LedgerRoot.Command> root = testKit.createTestProbe();
    TestProbe<LedgerPartition.Recovered> recovered = testKit.createTestProbe();
    partition = testKit.spawn(LedgerPartition.create(new LedgerPartition.Wiring(0, settings, new LedgerStats(1), permits, root.ref(), recovered.ref())));
  }

  @AfterEach
  void stopPartition() {
    testKit.stop(partition);
    journal.resetPolicy();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anAttemptBeatingInTheReapsBatchIsReapedOnceItStopsBeating() {
    long invoked = startHungJob("b1", JobPolicy.defaults().withStartToClose(Duration.ofSeconds(60)).withHeartbeatTimeout(LIMIT));
    awaitPast(invoked + LIMIT.toMillis()); // its deadline entry is due: no beat since the invocation

    assertThat(beatAndReapInOneBatch("b1", 1)).as("the reap popped the entry in the heartbeat's batch")
        .isEqualTo(new LedgerPartition.ReapReport(0, 1, 1, 0));
    long afterBeat = System.currentTimeMillis();
    assertThat(history("b1")).as("one batch: the heartbeat written, nothing reaped")
        .containsExactly("Submitted", "Started#1", "Heartbeat");
    assertThat(status("b1")).isEqualTo(JobStatus.RUNNING);

    awaitPast(afterBeat + LIMIT.toMillis()); // no beat since
    assertThat(reap(2)).as("the silent attempt still has a deadline entry, and it is reaped")
        .isEqualTo(new LedgerPartition.ReapReport(0, 2, 1, 1));
    assertThat(status("b1")).isEqualTo(JobStatus.GAVE_UP);
    assertThat(reason("b1")).startsWith("reaped: no heartbeat for");
  }

  @Test
  void anAttemptOverdueInTheReapsBatchOfItsHeartbeatIsReapedAtTheNextTick() {
    long invoked = startHungJob("o1", JobPolicy.defaults().withStartToClose(LIMIT));
    awaitPast(invoked + LIMIT.toMillis()); // start-to-close has passed; a beat cannot help that

    assertThat(beatAndReapInOneBatch("o1", 1)).as("overdue, but touched by its heartbeat: not reaped in this batch")
        .isEqualTo(new LedgerPartition.ReapReport(0, 1, 1, 0));
    long batch = System.currentTimeMillis();
    assertThat(history("o1")).containsExactly("Submitted", "Started#1", "Heartbeat");
    assertThat(status("o1")).isEqualTo(JobStatus.RUNNING);

    awaitPast(batch + TICK.toMillis()); // the next tick
    assertThat(reap(2)).as("looked at again at the next tick, and reaped").isEqualTo(new LedgerPartition.ReapReport(0, 2, 1, 1));
    assertThat(status("o1")).isEqualTo(JobStatus.GAVE_UP);
    assertThat(reason("o1")).startsWith("reaped: start-to-close deadline passed");
  }

  /** Registers a type whose handler hangs, submits {@code id}, and answers when the handler was invoked (epoch ms, no earlier than the ledger's own stamp). */
  private long startHungJob(String id, JobPolicy policy) {
    CompletableFuture<Long> invoked = new CompletableFuture<>();
    JobType type = new JobType("hangs", (payload, ctx) -> {
      invoked.complete(System.currentTimeMillis());
      return new CompletableFuture<>();
    }, policy.withRetry(RetryPolicy.defaults().withMaxAttempts(1)));
    permits.limit(type.name(), type.policy().maxConcurrency());
    partition.tell(new LedgerPartition.RegisterType(type));
    TestProbe<LedgerPartition.SubmitReply> accepted = testKit.createTestProbe();
    partition.tell(new LedgerPartition.Submit(id, type.name(), "", null, accepted.ref()));
    accepted.expectMessageClass(LedgerPartition.Accepted.class);
    return invoked.orTimeout(20, TimeUnit.SECONDS).join(); // a handler thread on a loaded 2-core machine
  }

  /**
   * A beat of the running attempt, then a reaper's run, flushed as one batch: the journal holds a
   * hold's write until both are in the mailbox behind it, where Pekko stashes them.
   */
  private LedgerPartition.ReapReport beatAndReapInOneBatch(String id, int attempt) {
    CountDownLatch release = new CountDownLatch(1);
    holdGate.set(release);
    TestProbe<Done> held = testKit.createTestProbe();
    TestProbe<LedgerPartition.ReapReport> reports = testKit.createTestProbe();
    partition.tell(new LedgerPartition.Hold("unrelated", true, held.ref()));
    partition.tell(new LedgerPartition.Beat(id, attempt));
    partition.tell(new LedgerPartition.ReapOverdue(1, reports.ref()));
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

  private LedgerPartition.ReapReport reap(long run) {
    TestProbe<LedgerPartition.ReapReport> reports = testKit.createTestProbe();
    partition.tell(new LedgerPartition.ReapOverdue(run, reports.ref()));
    return reports.receiveMessage();
  }

  private static void awaitPast(long epochMillis) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> System.currentTimeMillis() > epochMillis);
  }

  private JobView view(String id) {
    TestProbe<LedgerPartition.Found> found = testKit.createTestProbe();
    partition.tell(new LedgerPartition.GetStatus(id, found.ref()));
    return found.receiveMessage().job().orElseThrow();
  }

  private JobStatus status(String id) {
    return view(id).status();
  }

  private String reason(String id) {
    return view(id).cause().orElseThrow();
  }

  private List<String> history(String id) {
    TestProbe<LedgerBatch> events = testKit.createTestProbe();
    partition.tell(new LedgerPartition.GetHistory(id, events.ref()));
    return events.receiveMessage().events().stream().map(JobEvent::label).toList();
  }
}
