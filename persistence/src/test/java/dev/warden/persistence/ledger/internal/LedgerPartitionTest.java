package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.LogCapture;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One ledger partition's command → event → state rules on Pekko's EventSourcedBehaviorTestKit (an
 * in-memory journal, no node, no H2): submit, start, complete, fail and retry, cancel and operator
 * retry, reap, stale reports, pause/hold, recovery. Every batch the partition writes goes through
 * the ledger's own serializer (LedgerSerializer) and must come back equal; so must a snapshot of
 * the state (PartitionSnapshot). Commands carry ActorRefs and handlers and never leave the node,
 * and the state is only ever stored as its snapshot, so neither is serialized as such.
 * Handlers really run (on the ledger's dispatcher), so what follows a start is awaited.
 * The same rules on a whole node, with crashes and restarts: LedgerLifecycleTest, ReaperTest, RestartTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerPartitionTest {
  private static final RetryPolicy NO_BACKOFF = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);

  private final Config config = EventSourcedBehaviorTestKit.config().withFallback(Warden.loadConfig(ConfigFactory.parseString(
      "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.ledger.partitions = 1\n"
          + "warden.ledger.reaper.tick = 2s\n"))); // the partition's own look-ahead reaps deadlines within a tick (no Reaper here)
  private final ActorTestKit testKit = ActorTestKit.create("ledger-partition", config);
  private final LedgerSettings settings = LedgerSettings.create(testKit.system().settings().config());
  private TestProbe<LedgerPartition.Recovered> recovered;
  private LedgerStats stats;
  private NodePermits permits;
  private EventSourcedBehaviorTestKit<LedgerPartition.Command, LedgerBatch, PartitionState> partition;

  @BeforeEach
  void freshPartition() {
    stats = new LedgerStats(1);
    permits = new NodePermits(1);
    permits.wakeWith(p -> {});
    recovered = testKit.createTestProbe();
    TestProbe<LedgerRoot.Command> root = testKit.createTestProbe(); // one partition: nothing to route
    var wiring = new LedgerPartition.Wiring(0, settings, stats, permits, root.ref(), recovered.ref());
    partition = EventSourcedBehaviorTestKit.create(testKit.system(), LedgerPartition.create(wiring),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false).withVerifyState(false));
    partition.clear();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
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

  private List<String> history(String id) {
    return partition.<LedgerBatch>runCommand(r -> new LedgerPartition.GetHistory(id, r)).reply().events().stream()
        .map(e -> e.label().replaceAll("\\(.*", "")).toList();
  }

  private void awaitStatus(String id, JobStatus expected) {
    Awaitility.await().atMost(Duration.ofSeconds(20)) // handlers run on a loaded 2-core machine
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
    awaitStatus("h1", JobStatus.GAVE_UP); // the partition's own look-ahead reaps at the deadline
    assertThat(history("h1")).containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp");
    assertThat(stats.reaped.get()).isEqualTo(1);

    TestProbe<LedgerPartition.ReapReport> reports = testKit.createTestProbe();
    partition.runCommand(new LedgerPartition.ReapOverdue(7, reports.ref()));
    assertThat(reports.receiveMessage()).as("a reaper's run with nothing due").isEqualTo(new LedgerPartition.ReapReport(0, 7, 0, 0));

    long staleBefore = stats.stale.get();
    try (LogCapture logs = LogCapture.start()) {
      hung.complete("too late");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stats.stale.get() == staleBefore + 1);
      var stray = partition.runCommand(new LedgerPartition.Complete("h1", 9, "from nowhere"));
      assertThat(stray.events().stream().flatMap(b -> b.events().stream()))
          .as("a stray report moves nothing: at most it is noted").allMatch(e -> e instanceof JobEvent.StaleReport);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stats.stale.get() == staleBefore + 2);
      // (moved here from the whole-node StaleReportsTest; ReaperTest discards a reaped attempt's late result on a node)
      logs.await("ledger job [h1] completion for attempt [9] is stale");
      assertThat(logs.matching("WARN", "ledger job \\[h1\\] completion for attempt \\[9\\] is stale")).as("a report no attempt explains").hasSize(1);
      assertThat(logs.matching("WARN", "ledger job \\[h1\\] completion for attempt \\[1\\]")).as("the reaped attempt's late result is expected").isEmpty();
    }
    assertThat(history("h1")).as("late completions are noted in the history, and change nothing else")
        .containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp", "StaleReport#1", "StaleReport#9");
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
    LedgerPartition.Recovered summary = recovered.receiveMessage();
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
