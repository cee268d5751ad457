package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.LogCapture;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerSettings;
import dev.warden.persistence.ledger.RetryAfter;
import dev.warden.persistence.ledger.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One ledger partition's command → event → state rules on Pekko's EventSourcedBehaviorTestKit (an
 * in-memory journal, no node, no H2): submit, start, complete, fail and retry (a failure's
 * Retry-After too), cancel and operator retry, reap, stale reports, pause/hold, a graceful stop's
 * drain, recovery. Every batch the partition writes goes through the ledger's own serializer
 * (LedgerSerializer) and must come back equal; so must a snapshot of the state
 * (PartitionSnapshot). Commands carry ActorRefs and handlers and never leave the node, and the
 * state is only ever stored as its snapshot, so neither is serialized as such. Handlers really run
 * (on the ledger's dispatcher), so what follows a start is awaited (polled every 10 ms). Time is
 * Pekko's manual time with the partition's clock moved along ({@link ManualTimePartition}): a
 * deadline or a retry falls due when the test moves time past it, never by waiting.
 * The same rules on a whole node, with crashes and restarts: LedgerLifecycleTest, ReaperTest,
 * RestartTest; a model server's Retry-After end to end: LlmRetryAfterTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerPartitionTest {
  private static final RetryPolicy NO_BACKOFF = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);
  private static final Duration POLL = Duration.ofMillis(10);

  /** The partition's own look-ahead reaps deadlines within a 2 s tick (no Reaper here), on the manual clock. */
  private final ManualTimePartition time = new ManualTimePartition("ledger-partition", "warden.ledger.reaper.tick = 2s\n");
  private final ActorTestKit testKit = time.testKit;
  private final LedgerSettings settings = LedgerSettings.create(testKit.system().settings().config());
  private TestProbe<LedgerPartition.Recovered> recovered;
  private LedgerStats stats;
  private NodePermits permits;
  private EventSourcedBehaviorTestKit<LedgerPartition.Command, LedgerBatch, PartitionState> partition;
  private volatile ActorRef<LedgerPartition.Command> running;

  @BeforeEach
  void freshPartition() {
    stats = new LedgerStats(1);
    permits = new NodePermits(1);
    permits.wakeWith(p -> {});
    recovered = testKit.createTestProbe();
    TestProbe<LedgerRoot.Command> root = testKit.createTestProbe(); // one partition: nothing to route
    var wiring = new LedgerPartition.Wiring(0, settings, stats, permits, root.ref(), recovered.ref());
    // the running partition's own ref, for stopping it after the test (restart() spawns a new one)
    Behavior<LedgerPartition.Command> behavior = Behaviors.setup(ctx -> {
      running = ctx.getSelf();
      return LedgerPartition.create(wiring.withClock(time));
    });
    partition = EventSourcedBehaviorTestKit.create(testKit.system(), behavior,
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false).withVerifyState(false));
    partition.clear();
  }

  /**
   * Every test's partition has the same persistence id on the class's one in-memory journal: a partition
   * left running would write there when a later test moves the manual clock past one of its timers.
   */
  @AfterEach
  void stopPartition() {
    TestProbe<Object> watcher = testKit.createTestProbe();
    Adapter.toClassic(running).tell(PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    watcher.expectTerminated(running, Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    time.shutdown();
  }

  private void register(JobType type) {
    permits.limit(type.name(), type.policy().maxConcurrency());
    partition.runCommand(new LedgerPartition.RegisterType(type));
  }

  private LedgerPartition.SubmitReply submit(String id, String type) {
    return partition.<LedgerPartition.SubmitReply>runCommand(r -> new LedgerPartition.Submit(id, type, "payload of " + id, null, r)).reply();
  }

  private Optional<JobView> status(String id) {
    return partition.<LedgerPartition.Found>runCommand(r -> new LedgerPartition.GetStatus(id, r)).reply().job();
  }

  private List<JobEvent> events(String id) {
    return partition.<LedgerBatch>runCommand(r -> new LedgerPartition.GetHistory(id, r)).reply().events();
  }

  /** The first event of {@code id}'s history of class {@code kind}. */
  private <E extends JobEvent> E first(String id, Class<E> kind) {
    return events(id).stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }

  private List<String> history(String id) {
    return events(id).stream().map(e -> e.label().replaceAll("\\(.*", "")).toList();
  }

  private void awaitStatus(String id, JobStatus expected) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(POLL) // handlers run on a loaded 2-core machine
        .until(() -> status(id).map(JobView::status).orElse(null) == expected);
  }

  @Test
  void aSubmitIsJournaledAsSubmittedAndAcceptedAndASecondSubmitOfTheIdWritesNothing() {
    var first = partition.<LedgerPartition.SubmitReply>runCommand(r -> new LedgerPartition.Submit("j1", "unknown", "p", null, r));
    assertThat(first.reply()).isEqualTo(new LedgerPartition.Accepted(first.state().jobs.get("j1").view(), true));
    assertThat(first.events()).singleElement().satisfies(b -> assertThat(b.events()).singleElement().isInstanceOf(JobEvent.Submitted.class));
    assertThat(first.state().jobs.get("j1").status).as("no handler registered: it waits").isEqualTo(JobStatus.PENDING);

    var again = partition.<LedgerPartition.SubmitReply>runCommand(r -> new LedgerPartition.Submit("j1", "unknown", "other", null, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(((LedgerPartition.Accepted) again.reply()).created()).isFalse();
    assertThat(((LedgerPartition.Accepted) again.reply()).job().id()).isEqualTo("j1");
  }

  @Test
  void aRegisteredTypeStartsItsJobAndTheHandlersResultCompletesIt() {
    register(JobType.of("echo", (payload, ctx) -> CompletableFuture.completedFuture(payload + " @" + ctx.attempt())));
    submit("e1", "echo");
    awaitStatus("e1", JobStatus.SUCCEEDED);
    assertThat(history("e1")).containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
    assertThat(status("e1").orElseThrow().result()).contains("payload of e1 @1");
    assertThat(partition.getState().totalRunning).isZero();
  }

  @Test
  void aRetryableFailureIsRetriedAndTheLastAttemptGivesUp() {
    register(new JobType("flaky", (payload, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("no luck " + ctx.attempt())),
        JobPolicy.defaults().withRetry(NO_BACKOFF.withMaxAttempts(2))));
    submit("f1", "flaky");
    awaitStatus("f1", JobStatus.GAVE_UP);
    assertThat(history("f1")).containsExactly("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Failed#2", "GaveUp");
    assertThat(status("f1").orElseThrow().cause()).hasValueSatisfying(c -> assertThat(c).contains("no luck 2"));
  }

  /** A failure asking for a wait ({@link RetryAfter}), as a server's Retry-After. */
  private static final class Busy extends RuntimeException implements RetryAfter {
    Busy() {
      super("busy, come back in 1 s");
    }

    @Override
    public Duration retryAfter() {
      return Duration.ofSeconds(1);
    }
  }

  @Test
  void aFailureAskingToRetryAfterASecondIsRetriedNoEarlierAndTheRetryCounts() {
    AtomicInteger runs = new AtomicInteger();
    JobPolicy twiceNoBackoff = JobPolicy.defaults().withRetry(NO_BACKOFF.withMaxAttempts(2));
    register(new JobType("busy", (payload, ctx) -> CompletableFuture.failedFuture(new Busy()), twiceNoBackoff));
    register(new JobType("once", (payload, ctx) -> runs.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(new Busy()) : CompletableFuture.completedFuture("ok"), twiceNoBackoff));
    submit("o", "once");
    submit("b", "busy");
    awaitStatus("o", JobStatus.RETRY_WAIT); // its failure's batch is handled: the retry's timer is set
    awaitStatus("b", JobStatus.RETRY_WAIT);
    JobEvent.Failed failed = first("o", JobEvent.Failed.class);
    JobEvent.RetryScheduled retry = first("o", JobEvent.RetryScheduled.class);
    assertThat(retry.notBefore() - failed.at()).as("retry scheduled a second after the failure, past the zero backoff").isEqualTo(1000);

    time.advanceTo(retry.notBefore() - 1);
    assertThat(status("o").orElseThrow().status()).as("not retried before the second is up").isEqualTo(JobStatus.RETRY_WAIT);
    assertThat(runs).hasValue(1);
    time.advance(Duration.ofMillis(1));
    awaitStatus("o", JobStatus.SUCCEEDED);
    assertThat(status("o").orElseThrow().result()).contains("ok");
    JobEvent.Started second = events("o").stream().filter(e -> e instanceof JobEvent.Started st && st.attempt() == 2)
        .map(JobEvent.Started.class::cast).findFirst().orElseThrow();
    assertThat(second.at() - failed.at()).as("second attempt started a second after the failure").isGreaterThanOrEqualTo(1000);

    awaitStatus("b", JobStatus.GAVE_UP);
    assertThat(history("b")).as("a retry-after retry uses the attempt budget")
        .containsExactly("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Failed#2", "GaveUp");
  }

  @Test
  void aCancelledJobNeverStartsAndAnOperatorRetryGivesItANewRound() {
    submit("c1", "later"); // no handler yet: pending
    var cancelled = partition.<LedgerPartition.Found>runCommand(r -> new LedgerPartition.Cancel("c1", r));
    assertThat(cancelled.reply().job().orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(partition.<LedgerPartition.Found>runCommand(r -> new LedgerPartition.Cancel("c1", r)).hasNoEvents())
        .as("cancelling a cancelled job writes nothing").isTrue();

    register(JobType.of("later", (payload, ctx) -> CompletableFuture.completedFuture("ran")));
    assertThat(status("c1").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    partition.<LedgerPartition.Found>runCommand(r -> new LedgerPartition.Retry("c1", r));
    awaitStatus("c1", JobStatus.SUCCEEDED);
    assertThat(history("c1")).containsExactly("Submitted", "Cancelled", "OperatorRetried", "Started#1", "Completed#1", "Succeeded");
  }

  @Test
  void anOverdueAttemptIsReapedAndItsLateResultIsAQuietStaleReportWhileAnUnexplainedOneWarns() {
    CompletableFuture<String> hung = new CompletableFuture<>();
    register(new JobType("hangs", (payload, ctx) -> hung,
        JobPolicy.defaults().withStartToClose(Duration.ofMillis(50)).withRetry(NO_BACKOFF.withMaxAttempts(1))));
    submit("h1", "hangs");
    awaitStatus("h1", JobStatus.RUNNING); // its start's batch is handled: the look-ahead is armed
    long deadline = ((JobEvent.Started) events("h1").get(1)).deadline();
    time.advanceTo(deadline);
    assertThat(history("h1")).as("nothing is reaped before its deadline").containsExactly("Submitted", "Started#1");
    time.advance(Duration.ofMillis(1)); // no reaper's run is asked for: only the partition's own look-ahead can reap
    awaitStatus("h1", JobStatus.GAVE_UP);
    assertThat(history("h1")).containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp");
    assertThat(events("h1").get(2).at() - deadline).as("reaped at the deadline, not at the 2 s tick").isBetween(0L, 1L);
    assertThat(stats.reaped.get()).isEqualTo(1);

    TestProbe<LedgerPartition.ReapReport> reports = testKit.createTestProbe();
    partition.runCommand(new LedgerPartition.ReapOverdue(7, reports.ref()));
    assertThat(reports.receiveMessage()).as("a reaper's run with nothing due").isEqualTo(new LedgerPartition.ReapReport(0, 7, 0, 0));

    long staleBefore = stats.stale.get();
    try (LogCapture logs = LogCapture.start()) {
      hung.complete("too late");
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(POLL).until(() -> stats.stale.get() == staleBefore + 1);
      var stray = partition.runCommand(new LedgerPartition.Complete("h1", 9, "from nowhere"));
      assertThat(stray.events().stream().flatMap(b -> b.events().stream()))
          .as("a stray report moves nothing: at most it is noted").allMatch(e -> e instanceof JobEvent.StaleReport);
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(POLL).until(() -> stats.stale.get() == staleBefore + 2);
      // (moved here from the whole-node StaleReportsTest; ReaperTest discards a reaped attempt's late result on a node)
      logs.await("ledger job [h1] completion for attempt [9] is stale");
      assertThat(logs.matching("WARN", "ledger job \\[h1\\] completion for attempt \\[9\\] is stale")).as("a report no attempt explains").hasSize(1);
      assertThat(logs.matching("WARN", "ledger job \\[h1\\] completion for attempt \\[1\\]")).as("the reaped attempt's late result is expected").isEmpty();
    }
    assertThat(history("h1")).as("late completions are noted in the history, and change nothing else")
        .containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp", "StaleReport#1", "StaleReport#9");
  }

  /**
   * A graceful stop: the drain lets the running attempt finish, journals it and only then answers;
   * afterwards the partition stays stopped (on a node, its siblings may still drain). Before the
   * {@code stopping} flag, a drained partition forgot it was stopping (its drain reply was
   * cleared), so a retry falling due or a late submit started work the node then abandoned.
   */
  @Test
  void aDrainLetsTheRunningAttemptFinishAndADrainedPartitionStartsNothingWhenARetryFallsDue() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    CompletableFuture<String> longCall = new CompletableFuture<>();
    register(new JobType("work", (payload, ctx) -> {
      runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
      if (ctx.jobId().equals("long")) {
        return longCall;
      }
      return ctx.attempt() == 1 ? CompletableFuture.failedFuture(new IllegalStateException("first attempt fails"))
          : CompletableFuture.completedFuture("done@" + ctx.attempt());
    }, JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(3).withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 0))));
    submit("long", "work");
    submit("retried", "work");
    awaitStatus("retried", JobStatus.RETRY_WAIT);
    awaitStatus("long", JobStatus.RUNNING);
    long retryDue = first("retried", JobEvent.RetryScheduled.class).notBefore();

    TestProbe<Done> drained = testKit.createTestProbe();
    partition.runCommand(new LedgerPartition.Drain(drained.ref()));
    assertStoppingRejects("late");
    drained.expectNoMessage(Duration.ZERO); // the drain and the submit's batch were handled: no answer while an attempt runs
    longCall.complete("finally");
    drained.receiveMessage(Duration.ofSeconds(20)); // a handler's result on a loaded 2-core machine
    assertThat(history("long")).as("the draining partition let its running attempt finish and journaled it")
        .containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
    assertThat(time.millis()).as("drained before the retry fell due; else this test proves nothing").isLessThan(retryDue);

    time.advanceTo(retryDue); // the retry falls due while the partition is drained: it must not start
    assertThat(status("retried").orElseThrow().status()).isEqualTo(JobStatus.RETRY_WAIT);
    assertStoppingRejects("later");
    assertThat(history("retried")).containsExactly("Submitted", "Started#1", "Failed#1", "RetryScheduled");
    assertThat(runs.get("retried")).hasValue(1);
    assertThat(runs).as("a submit to a drained partition never runs").doesNotContainKeys("late", "later");
  }

  /** A submit to a stopping partition is rejected, once its batch (which also releases due retries) is written. */
  private void assertStoppingRejects(String id) {
    assertThat(submit(id, "work")).isInstanceOfSatisfying(LedgerPartition.Rejected.class, r -> {
      assertThat(r.stopping()).isTrue();
      assertThat(r.reason()).contains("the ledger is stopping");
    });
  }

  @Test
  void aHoldPausesATypeOnceJournaledAndAResumeStartsItsWaitingJobs() {
    var held = partition.<Done>runCommand(r -> new LedgerPartition.Hold("batch", true, r));
    assertThat(held.events()).singleElement().satisfies(b -> assertThat(b.holds()).singleElement()
        .satisfies(h -> assertThat(h.paused()).isTrue()));
    assertThat(held.state().paused).containsExactly("batch");
    assertThat(partition.<Done>runCommand(r -> new LedgerPartition.Hold("batch", true, r)).hasNoEvents())
        .as("holding a held type writes nothing").isTrue();

    register(JobType.of("batch", (payload, ctx) -> CompletableFuture.completedFuture("done")));
    submit("b1", "batch");
    assertThat(status("b1").orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    partition.<Done>runCommand(r -> new LedgerPartition.Hold("batch", false, r));
    awaitStatus("b1", JobStatus.SUCCEEDED);
    assertThat(partition.getState().paused).isEmpty();
  }

  @Test
  void aRestartRecoversTheSameJobsAndReportsThemAndTheSnapshotFormRoundTrips() {
    register(JobType.of("echo", (payload, ctx) -> CompletableFuture.completedFuture(payload)));
    submit("r1", "echo");
    awaitStatus("r1", JobStatus.SUCCEEDED);
    submit("r2", "waits");
    partition.<Done>runCommand(r -> new LedgerPartition.Hold("waits", true, r));
    assertThat(recovered.receiveMessage().terminal()).as("the first start's summary: an empty journal").isZero();

    PartitionState after = partition.restart().state();
    assertThat(after.jobs.get("r1").view()).isEqualTo(status("r1").orElseThrow());
    assertThat(after.jobs.get("r2").status).isEqualTo(JobStatus.PENDING);
    assertThat(after.paused).containsExactly("waits");
    // clear() restarted the first partition before the test began: its second (empty) summary may come first
    LedgerPartition.Recovered summary = recovered.fishForMessage(Duration.ofSeconds(10), r -> r.terminal() == 0 && r.pending() == 0
        ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete()).get(0);
    assertThat(summary.pending()).isEqualTo(1);
    assertThat(summary.terminal()).isEqualTo(1);

    Serialization serialization = SerializationExtension.get(testKit.system());
    PartitionSnapshot snapshot = after.snapshot();
    var serializer = serialization.findSerializerFor(snapshot);
    byte[] bytes = serialization.serialize(snapshot).get();
    PartitionSnapshot back = (PartitionSnapshot) serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, snapshot)).get();
    PartitionState restored = PartitionState.of(back, settings.retainedTerminal());
    for (String id : List.of("r1", "r2")) {
      assertThat(restored.jobs.get(id).view()).isEqualTo(after.jobs.get(id).view());
      assertThat(restored.jobs.get(id).history).isEqualTo(after.jobs.get(id).history);
    }
    assertThat(restored.paused).isEqualTo(after.paused);
  }
}
