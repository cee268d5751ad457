package dev.warden.persistence.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reaper's cadence on Pekko's manual clock: a run per tick to every partition, a run counted
 * once all partitions answered, late answers of an old run ignored, JMX's reap-now in between.
 * (The reaping itself: {@code ReaperTest}, on the manual clock and once on a real node.)
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one actor system (and manual clock) for the class, shut down after all
class ReaperTickTest {
  private static final Duration TICK = Duration.ofSeconds(10);

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  private final ManualTime clock = ManualTime.get(testKit.system());

  @Test
  void eachTickAsksEveryPartitionOnceAndARunCountsWhenAllAnswered() {
    TestProbe<LedgerPartition.Command> p0 = testKit.createTestProbe();
    TestProbe<LedgerPartition.Command> p1 = testKit.createTestProbe();
    LedgerStats stats = new LedgerStats(2);
    started(Reaper.create(List.of(p0.ref(), p1.ref()), TICK, stats), p0, p1);

    clock.expectNoMessageFor(TICK.minusMillis(1), p0, p1);
    clock.timePasses(Duration.ofMillis(1));
    LedgerPartition.ReapOverdue a0 = p0.expectMessageClass(LedgerPartition.ReapOverdue.class);
    LedgerPartition.ReapOverdue a1 = p1.expectMessageClass(LedgerPartition.ReapOverdue.class);
    assertThat(a0.run()).isEqualTo(2);
    assertThat(a1.run()).isEqualTo(2);

    a0.replyTo().tell(new LedgerPartition.ReapReport(0, 2, 3, 1));
    assertThat(stats.reaperRuns.get()).as("one partition of two answered").isZero();
    a1.replyTo().tell(new LedgerPartition.ReapReport(1, 2, 0, 0));
    awaitRuns(stats, 1);
    assertThat(stats.reaperLastRun()).isPositive();

    clock.timePasses(TICK);
    assertThat(p0.expectMessageClass(LedgerPartition.ReapOverdue.class).run()).isEqualTo(3);
    assertThat(p1.expectMessageClass(LedgerPartition.ReapOverdue.class).run()).isEqualTo(3);
  }

  @Test
  void reapNowStartsARunAtOnceAndAnswersOfTheRunBeforeAreIgnored() {
    TestProbe<LedgerPartition.Command> p0 = testKit.createTestProbe();
    LedgerStats stats = new LedgerStats(1);
    ActorRef<Reaper.Command> reaper = started(Reaper.create(List.of(p0.ref()), TICK, stats), p0);

    clock.timePasses(TICK);
    LedgerPartition.ReapOverdue first = p0.expectMessageClass(LedgerPartition.ReapOverdue.class);
    reaper.tell(Reaper.ReapNow.INSTANCE);
    LedgerPartition.ReapOverdue now = p0.expectMessageClass(LedgerPartition.ReapOverdue.class);
    assertThat(now.run()).isEqualTo(first.run() + 1);

    first.replyTo().tell(new LedgerPartition.ReapReport(0, first.run(), 5, 5));
    now.replyTo().tell(new LedgerPartition.ReapReport(0, now.run(), 0, 0));
    awaitRuns(stats, 1);
    clock.expectNoMessageFor(TICK.minusMillis(1), p0);
    assertThat(stats.reaperRuns.get()).as("the late answer of run 2 completed no run").isEqualTo(1);
  }

  /**
   * Spawns the reaper and waits until it runs (its timer started in its constructor): a reap-now
   * (run 1, left unanswered) reaches every partition. Moving the manual clock before that would
   * move it under a timer not yet started.
   */
  @SafeVarargs
  private ActorRef<Reaper.Command> started(org.apache.pekko.actor.typed.Behavior<Reaper.Command> behavior, TestProbe<LedgerPartition.Command>... partitions) {
    ActorRef<Reaper.Command> reaper = testKit.spawn(behavior);
    reaper.tell(Reaper.ReapNow.INSTANCE);
    for (TestProbe<LedgerPartition.Command> p : partitions) {
      assertThat(p.expectMessageClass(LedgerPartition.ReapOverdue.class).run()).isEqualTo(1);
    }
    return reaper;
  }

  /** The reaper counts on its own thread; the probe's receive of the next message is no barrier to that. */
  private static void awaitRuns(LedgerStats stats, long runs) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stats.reaperRuns.get() == runs);
  }
}
