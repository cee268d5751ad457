package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.KindMetrics;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes; host headroom injected, RSS read from /proc. */
class TrialWorkerTest {
  private static final long MIB = 1L << 20;
  private static final ActorTestKit kit = ActorTestKit.create();
  @TempDir Path logs;
  private final AtomicLong headroom = new AtomicLong(64L << 30);
  private final KindMetrics metrics = new KindMetrics();
  private final MemoryProbe probe =
      new MemoryProbe() {
        private final MemoryProbe proc = MemoryProbe.proc();

        @Override
        public long availableBytes() {
          return headroom.get();
        }

        @Override
        public long rssBytes(long pid) {
          return proc.rssBytes(pid);
        }
      };

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    headroom.set(64L << 30);
  }

  private ActorRef<TrialWorker.Command> worker(long rssCap, Duration maxAge, Duration safeWindow) {
    MemoryGuard.Settings guard =
        new MemoryGuard.Settings(2L << 30, 10, safeWindow, rssCap, maxAge, Duration.ofMillis(50));
    return kit.spawn(TrialWorker.create("w1", new TrialWorker.Settings(guard, Duration.ofMillis(200), logs), probe, metrics));
  }

  private static TrialSpec sh(String id, String script) {
    return new TrialSpec(id, 1, List.of("/bin/sh", "-c", script), Map.of());
  }

  private static TrialReport report(TestProbe<TrialEvent> probe) {
    List<TrialEvent> got = probe.fishForMessage(Duration.ofSeconds(20),
        e -> e instanceof TrialReport ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (TrialReport) got.get(got.size() - 1);
  }

  private long counter(String name) {
    return metrics.snapshot().getOrDefault(name, 0L);
  }

  @Test
  void leakerOverItsRssCapIsKilledAndTheNextTrialRunsInAFreshProcess() {
    ActorRef<TrialWorker.Command> w = worker(32 * MIB, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    // a shell that holds 64 MiB in a variable: a real leak, really resident
    w.tell(new TrialWorker.Run(sh("leak", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo leaked; sleep 1000"), owner.getRef()));
    TrialReport leak = report(owner);
    assertThat(leak.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(leak.detail()).contains("over cap 32 MiB");
    assertThat(leak.freeRetry()).isTrue();
    assertThat(counter("recycles.rss")).isEqualTo(1);

    w.tell(new TrialWorker.Run(sh("next", "echo 'WARDEN:RESULT {\"objective\":0.9}'"), owner.getRef()));
    TrialReport next = report(owner);
    assertThat(next.outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(next.detail()).isEqualTo("{\"objective\":0.9}");
  }

  @Test
  void lowHeadroomBrakesAndTenConsecutiveBrakesRecycleTheWorkerThenSafetyResetsTheCount() throws Exception {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofMillis(300));
    TestProbe<TrialEvent> owner = kit.createTestProbe();

    w.tell(new TrialWorker.Run(sh("t0", "echo up; sleep 1000"), owner.getRef()));
    owner.expectMessageClass(TrialEvent.TrialHeartbeat.class, Duration.ofSeconds(10));
    headroom.set(1L << 30);
    TrialReport braked = report(owner);
    assertThat(braked.outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    assertThat(braked.freeRetry()).isTrue();

    for (int i = 1; i < 10; i++) {
      w.tell(new TrialWorker.Run(sh("t" + i, "sleep 1000"), owner.getRef()));
      assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    }
    assertThat(counter("brakes")).isEqualTo(10);
    assertThat(counter("recycles.brake-limit")).isEqualTo(1);
    assertThat(counter("w1.consecutive-brakes")).isZero();

    w.tell(new TrialWorker.Run(sh("t10", "sleep 1000"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    assertThat(counter("w1.consecutive-brakes")).isEqualTo(1);
    headroom.set(64L << 30);
    // safe headroom for the (test-sized) safe window resets the count; checks run before each start
    long safeFrom = System.nanoTime();
    w.tell(new TrialWorker.Run(sh("s1", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> System.nanoTime() - safeFrom > 400_000_000L);
    w.tell(new TrialWorker.Run(sh("s2", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("w1.consecutive-brakes")).isZero();
  }

  @Test
  void exitFortyTwoRecyclesWithoutCountingAFailure() {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    w.tell(new TrialWorker.Run(sh("42", "exit 42"), owner.getRef()));
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(r.freeRetry()).isTrue();
    assertThat(counter("recycles.exit-42")).isEqualTo(1);
    assertThat(counter("trials.failed")).isZero();

    w.tell(new TrialWorker.Run(sh("3", "exit 3"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.FAILED);
    assertThat(counter("trials.failed")).isEqualTo(1);
  }

  @Test
  void maxAgeRecyclesBetweenTrialsNeverInterruptingOne() {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofMillis(300), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    w.tell(new TrialWorker.Run(sh("long", "sleep 1; echo 'WARDEN:RESULT {}'"), owner.getRef()));
    TrialReport r = report(owner);
    assertThat(r.outcome()).as("the trial outlived max-age and still finished").isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("recycles.age")).isZero();

    w.tell(new TrialWorker.Run(sh("after", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("recycles.age")).isEqualTo(1);
  }

  @Test
  void cancelledTrialLeavesNoProcessBehind() throws Exception {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    Path pidFile = logs.resolve("grandchild.pid");
    w.tell(new TrialWorker.Run(sh("hung", "sleep 1000 & echo $! > " + pidFile + "; echo up; wait"), owner.getRef()));
    owner.expectMessageClass(TrialEvent.TrialHeartbeat.class, Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long grandchild = Long.parseLong(Files.readString(pidFile).trim());
    w.tell(new TrialWorker.Cancel("hung", 1, "reaped: start-to-close timeout"));
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.CANCELLED);
    assertThat(r.detail()).contains("reaped");
    await().atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(Path.of("/proc", Long.toString(grandchild))));
  }
}
