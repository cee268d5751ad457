package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobContext;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobHandler;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.awaitility.Awaitility;

/**
 * One ledger partition on Pekko's manual time, for the reaping rules: the persistence testkit's
 * in-memory journal, no node, and the partition's {@link LedgerClock} moved in the same call as
 * the actor system's timers ({@link #advance}), so deadlines, heartbeats and the partition's
 * look-ahead timer agree and nothing waits for real time. One actor system per test class, a
 * fresh partition per test ({@link #spawn}); or, for a test that reads each command's events and
 * state, a partition under EventSourcedBehaviorTestKit on this {@link #testKit} and clock
 * (LedgerPartitionTest).
 *
 * <p>Time moves only when a test moves it, and the ledger clock moves before the timers fire: a
 * timer that fires during an advance sees the advance's end. Before advancing, a test lets the
 * partition settle ({@link Partition#settle}), so nothing from before reads the later time.
 */
final class ManualTimePartition implements LedgerClock {
  /** Where the manual clock starts (epoch ms; any time > 0). */
  static final long EPOCH = 1_800_000_000_000L;

  final ActorTestKit testKit;
  final PersistenceTestKit journal;
  private final ManualTime time;
  /** Written by the test thread only; read by the partition's and the handlers' threads. */
  private volatile long now = EPOCH;

  /** {@code conf}: warden.* settings of the class's actor system (the ledger has one partition). */
  ManualTimePartition(String name, String conf) {
    Config config = ManualTime.config().withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(Warden.loadConfig(ConfigFactory.parseString(
            "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.ledger.partitions = 1\n" + conf)));
    this.testKit = ActorTestKit.create(name, config);
    this.journal = PersistenceTestKit.create(testKit.system());
    this.time = ManualTime.get(testKit.system());
  }

  @Override
  public long millis() {
    return now;
  }

  /** Moves the ledger's clock, then Pekko's manual time: the timers due by then fire, seeing the new time. */
  void advance(Duration d) {
    now += d.toMillis();
    time.timePasses(d);
  }

  /** Advances to {@code epochMillis} (not before now). */
  void advanceTo(long epochMillis) {
    assertThat(epochMillis).as("the manual clock only moves forward").isGreaterThanOrEqualTo(now);
    advance(Duration.ofMillis(epochMillis - now));
  }

  /** A fresh partition 0 on an empty journal, with the class's settings and {@code conf} over them. */
  Partition spawn(String conf) {
    journal.clearAll();
    LedgerSettings settings = LedgerSettings.create(ConfigFactory.parseString(conf).withFallback(testKit.system().settings().config()));
    return new Partition(settings);
  }

  void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A running partition and what a test asks it. */
  final class Partition {
    final LedgerSettings settings;
    final LedgerStats stats = new LedgerStats(1);
    final NodePermits permits = new NodePermits(1);
    final ActorRef<LedgerPartition.Command> ref;

    private Partition(LedgerSettings settings) {
      this.settings = settings;
      permits.wakeWith(p -> {});
      TestProbe<LedgerRoot.Command> root = testKit.createTestProbe(); // one partition: nothing to route
      TestProbe<LedgerPartition.Recovered> recovered = testKit.createTestProbe();
      LedgerPartition.Wiring wiring = new LedgerPartition.Wiring(0, settings, stats, permits, root.ref(), recovered.ref());
      this.ref = testKit.spawn(LedgerPartition.create(wiring.withClock(ManualTimePartition.this)));
    }

    void register(JobType type) {
      permits.limit(type.name(), type.policy().maxConcurrency());
      ref.tell(new LedgerPartition.RegisterType(type));
    }

    JobView submit(String type, String id) {
      TestProbe<LedgerPartition.SubmitReply> accepted = testKit.createTestProbe();
      ref.tell(new LedgerPartition.Submit(id, type, "", null, accepted.ref()));
      return accepted.expectMessageClass(LedgerPartition.Accepted.class).job();
    }

    /** A reaper's run, as its tick sends it, answered once its batch is written. */
    LedgerPartition.ReapReport reap(long run) {
      TestProbe<LedgerPartition.ReapReport> reports = testKit.createTestProbe();
      ref.tell(new LedgerPartition.ReapOverdue(run, reports.ref()));
      return reports.receiveMessage();
    }

    /**
     * Answers once the partition handled everything sent to it before (its mailbox is in order):
     * e.g. the batch whose starts invoked a handler has armed its look-ahead.
     */
    void settle() {
      view("settle");
    }

    JobView view(String id) {
      TestProbe<LedgerPartition.Found> found = testKit.createTestProbe();
      ref.tell(new LedgerPartition.GetStatus(id, found.ref()));
      return found.receiveMessage().job().orElse(null);
    }

    JobStatus status(String id) {
      return view(id).status();
    }

    String reason(String id) {
      return view(id).cause().orElseThrow();
    }

    /** The job once it reached a terminal status. */
    JobView awaitResult(String id) {
      TestProbe<LedgerPartition.Found> found = testKit.createTestProbe();
      ref.tell(new LedgerPartition.AwaitResult(id, found.ref()));
      return found.receiveMessage(Duration.ofSeconds(20)).job().orElseThrow(); // handlers run on a loaded 2-core machine
    }

    List<JobEvent> events(String id) {
      TestProbe<LedgerBatch> events = testKit.createTestProbe();
      ref.tell(new LedgerPartition.GetHistory(id, events.ref()));
      return events.receiveMessage().events();
    }

    List<String> history(String id) {
      return events(id).stream().map(JobEvent::label).toList();
    }

    /** The first event of {@code id}'s history of class {@code kind}. */
    <E extends JobEvent> E first(String id, Class<E> kind) {
      return events(id).stream().filter(kind::isInstance).map(kind::cast).findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " in " + history(id)));
    }

    /** Waits (real time: the partition's and the handlers' threads) until {@code id}'s history holds {@code label}. */
    void awaitEvent(String id, String label) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> history(id).contains(label));
    }

    void stop() {
      testKit.stop(ref);
    }
  }

  /** One invocation of an {@link Attempts} handler: its context, when (the ledger's clock), and the result the test gives it. */
  record Attempt(JobContext ctx, long invokedAt, CompletableFuture<String> result) {}

  /**
   * A handler whose attempts run until the test ends them: each invocation is kept with its
   * context, by job id and attempt; {@link #invoked} waits for one (a handler thread of a loaded
   * 2-core machine), stamped with the ledger's clock.
   */
  static final class Attempts implements JobHandler {
    private final Map<String, CompletableFuture<Attempt>> attempts = new ConcurrentHashMap<>();
    private final LedgerClock clock;

    Attempts(LedgerClock clock) {
      this.clock = clock;
    }

    @Override
    public CompletableFuture<String> run(String payload, JobContext ctx) {
      Attempt a = new Attempt(ctx, clock.millis(), new CompletableFuture<>());
      slot(ctx.jobId(), ctx.attempt()).complete(a);
      return a.result();
    }

    Attempt invoked(String id, int attempt) {
      return slot(id, attempt).orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private CompletableFuture<Attempt> slot(String id, int attempt) {
      return attempts.computeIfAbsent(id + "#" + attempt, k -> new CompletableFuture<>());
    }
  }
}
