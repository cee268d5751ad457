package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.internal.LedgerInternals;
import dev.warden.persistence.ledger.internal.LedgerPartition;
import dev.warden.persistence.ledger.internal.LedgerRoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.ReadSnapshot;
import org.apache.pekko.persistence.testkit.SnapshotOperation;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Commands that reach a partition while it writes a batch wait in Pekko's own stash, which ends with
 * the partition's incarnation when that write fails. Here the write is held in Pekko's in-memory test
 * journal until a burst of submits, a cancel and a read have been sent behind it, and then fails, and
 * the journal stays down (every recovery fails too) until the test brings it back: every one of those
 * calls is answered at once (a submit "submit it again", a cancel or a read "outcome unknown"), none is
 * left to its ask timeout (60 s here), and once the journal is back the submits sent again are all
 * recorded. So are the calls that wait in the stash of a recovery that fails (Pekko does not signal the
 * stop of a recovering partition, only the failed recovery). The same on a real database whose
 * connections are cut or whose server is away: JournalOutageTest. An operator's pause stashed so is
 * asked again, and completes once the journal is back.
 */
class StashedAsksTest {
  private final Config config = EventSourcedBehaviorTestKit.config().withFallback(Warden.loadConfig(ConfigFactory.parseString(
      "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.ledger.partitions = 1\nwarden.ledger.ask-timeout = 60s\n")));
  private final ActorTestKit testKit = ActorTestKit.create("stashed-asks", config);
  private final Outage outage = new Outage();
  private LedgerRoot.Handle handle;

  @AfterEach
  void stop() {
    outage.release.countDown(); // never leave the journal's thread held
    testKit.shutdownTestKit();
  }

  /** The journal: passes everything until {@link #hold}; then holds the next write until {@link #release}, fails it and stays down. */
  private static final class Outage implements ProcessingPolicy<JournalOperation> {
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hold;
    volatile boolean down;

    @Override
    public ProcessingResult tryProcess(String persistenceId, JournalOperation op) {
      if (hold && op instanceof WriteEvents) {
        hold = false;
        holding.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        down = true;
        return StorageFailure.create(new IllegalStateException("the test's journal is down"));
      }
      return down ? StorageFailure.create(new IllegalStateException("the test's journal is down")) : ProcessingSuccess$.MODULE$;
    }

    /** The snapshot store: its reads fail while the journal is down, so a recovery fails at its first step, as on a real database. */
    final ProcessingPolicy<SnapshotOperation> snapshots = (persistenceId, op) -> down && op instanceof ReadSnapshot
        ? StorageFailure.create(new IllegalStateException("the test's snapshot store is down")) : ProcessingSuccess$.MODULE$;
  }

  /** The facade over one partition, recovered, with job "before" recorded. */
  private PartitionAsks partition() {
    PersistenceTestKit.create(testKit.system()).withPolicy(outage);
    SnapshotTestKit.create(testKit.system()).withPolicy(outage.snapshots);
    TestProbe<LedgerPartition.Recovered> recovered = testKit.createTestProbe();
    handle = LedgerInternals.onePartition(testKit, recovered.ref());
    recovered.receiveMessage(Duration.ofSeconds(10));
    PartitionAsks asks = new PartitionAsks(testKit.system(), handle);
    assertThat(submit(asks, "before").join()).isInstanceOf(LedgerPartition.Accepted.class);
    return asks;
  }

  @Test
  void asksStashedBehindAWriteThatFailsAreAnsweredAtOnceNotAtTheirAskTimeout() throws Exception {
    PartitionAsks asks = partition();

    outage.hold = true;
    Map<String, CompletableFuture<?>> calls = new LinkedHashMap<>();
    calls.put("held", submit(asks, "held")); // its batch's write is held
    assertThat(outage.holding.await(10, TimeUnit.SECONDS)).as("the partition writes the batch").isTrue();
    for (int i = 0; i < 20; i++) { // behind that write: in Pekko's stash or still in the mailbox
      calls.put("s" + i, submit(asks, "s" + i));
    }
    calls.put("cancel", asks.<LedgerPartition.Found>ask("before", r -> new LedgerPartition.Cancel("before", r)).toCompletableFuture());
    calls.put("status", asks.<LedgerPartition.Found>ask("before", r -> new LedgerPartition.GetStatus("before", r)).toCompletableFuture());
    outage.release.countDown();

    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(calls).allSatisfy((what, f) -> assertThat(f).as(what).isDone()));
    assertThat(calls).as("each answered: outcome unknown, call again").allSatisfy((what, f) -> assertThat(refusal(f)).as(what)
        .contains("submit it again (a submit is idempotent by id)"));

    outage.down = false; // the journal is back: the partition recovers by itself (backoff ≤ 200 ms)
    List<String> ids = new ArrayList<>(List.of("held"));
    for (int i = 0; i < 20; i++) {
      ids.add("s" + i);
    }
    allRecorded(asks, ids);
  }

  @Test
  void asksStashedWhileARecoveryFailsAreAnsweredAtOnceNotAtTheirAskTimeout() throws Exception {
    PartitionAsks asks = partition();
    outage.down = true;
    assertThat(refusal(submit(asks, "failed"))).as("its write failed").contains("submit it again");
    Map<String, CompletableFuture<?>> calls = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>(List.of("failed"));
    for (int i = 0; i < 20; i++) { // each reaches a partition that recovers, and fails to, again and again
      ids.add("r" + i);
      calls.put("r" + i, submit(asks, "r" + i));
    }
    calls.put("status", asks.<LedgerPartition.Found>ask("before", r -> new LedgerPartition.GetStatus("before", r)).toCompletableFuture());

    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(calls).allSatisfy((what, f) -> assertThat(f).as(what).isDone()));
    assertThat(calls).as("each answered: outcome unknown, call again").allSatisfy((what, f) -> assertThat(refusal(f)).as(what)
        .contains("submit it again (a submit is idempotent by id)"));

    outage.down = false;
    allRecorded(asks, ids);
  }

  /**
   * The operator's pause (JobLedger.pause and the JMX operation, both LedgerControl.hold) asks every
   * partition with a Hold; one stashed behind a write that fails ends with the incarnation. It is
   * asked again, so the pause completes within seconds of the journal being back, not at its ask
   * timeout (60 s here), and the type is paused: a job submitted then is kept, not started, until
   * the type is resumed.
   */
  @Test
  void aPauseStashedBehindAWriteThatFailsIsAskedAgainOnceThePartitionIsBack() throws Exception {
    PartitionAsks asks = partition();

    outage.hold = true;
    CompletableFuture<LedgerPartition.SubmitReply> held = submit(asks, "held"); // its batch's write is held
    assertThat(outage.holding.await(10, TimeUnit.SECONDS)).as("the partition writes the batch").isTrue();
    CompletableFuture<Void> pause = LedgerControl.hold(testKit.system(), handle, "quick", true).toCompletableFuture();
    outage.release.countDown();
    assertThat(refusal(held)).contains("submit it again");
    assertThat(pause).as("the journal is down: nothing can write the pause").isNotDone();

    outage.down = false; // the partition recovers by itself (backoff ≤ 200 ms)
    pause.get(5, TimeUnit.SECONDS);
    assertThat(handle.stats().isPaused("quick")).isTrue();

    AtomicInteger ran = new AtomicInteger();
    JobType quick = JobType.of("quick", (payload, ctx) -> {
      ran.incrementAndGet();
      return CompletableFuture.completedFuture("done");
    });
    handle.permits().limit("quick", quick.policy().maxConcurrency());
    handle.partitions().get(0).tell(new LedgerPartition.RegisterType(quick));
    await().atMost(Duration.ofSeconds(10)).until(() -> accepted(asks, "while-paused"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(ran).as("a paused type starts nothing (neither this job nor \"before\")").hasValue(0);
      assertThat(status(asks, "while-paused")).isEqualTo(JobStatus.PENDING);
    });

    LedgerControl.hold(testKit.system(), handle, "quick", false).toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(status(asks, "while-paused")).isEqualTo(JobStatus.SUCCEEDED));
  }

  private static JobStatus status(PartitionAsks asks, String id) throws Exception {
    return asks.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.GetStatus(id, r)).toCompletableFuture().get(10, TimeUnit.SECONDS)
        .job().orElseThrow().status();
  }

  /** Submits each of {@code ids} again until accepted, then finds it recorded. */
  private static void allRecorded(PartitionAsks asks, List<String> ids) throws Exception {
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(10)).until(() -> accepted(asks, id));
    }
    for (String id : ids) {
      assertThat(asks.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.GetStatus(id, r)).toCompletableFuture().get(10, TimeUnit.SECONDS).job())
          .as("job %s recorded", id).isPresent();
    }
  }

  /**
   * What {@code call} (done) was refused with: the failed batch's own submit is answered by the partition
   * ({@code Rejected}, which JobLedger turns into a LedgerBusyException), the rest by the facade.
   */
  private static String refusal(CompletableFuture<?> call) {
    try {
      Object reply = call.join();
      assertThat(reply).isInstanceOf(LedgerPartition.Rejected.class);
      return ((LedgerPartition.Rejected) reply).reason();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(LedgerBusyException.class);
      return e.getCause().getMessage();
    }
  }

  private static CompletableFuture<LedgerPartition.SubmitReply> submit(PartitionAsks asks, String id) {
    return asks.<LedgerPartition.SubmitReply>ask(id, r -> new LedgerPartition.Submit(id, "quick", "", null, r)).toCompletableFuture();
  }

  /** Submits {@code id} once more: true once accepted; false when refused for now (the partition recovering). */
  private static boolean accepted(PartitionAsks asks, String id) throws Exception {
    try {
      return submit(asks, id).get(10, TimeUnit.SECONDS) instanceof LedgerPartition.Accepted;
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(LedgerBusyException.class);
      return false;
    }
  }
}
