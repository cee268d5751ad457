package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.KindMetrics;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trial worker's memory-guard tick on Pekko's manual clock: a running trial is sampled every
 * {@code check-interval} and braked at the first sample with low headroom; through a stop grace it
 * is sampled every quarter interval and SIGKILLed at the first sample that finds it still growing.
 * Real child processes; headroom and RSS are the test's. (Real RSS from /proc, real timers:
 * {@code TrialWorkerTest}.)
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one actor system (and manual clock) for the class
class TrialGuardTickTest {
  private static final long MIB = 1L << 20;
  // short on the manual clock too: the trial process actor tracks its tree on a 500 ms timer, run for each step of the clock
  private static final Duration CHECK = Duration.ofSeconds(2);
  private static final long CAP = 100 * MIB;

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  private final ManualTime clock = ManualTime.get(testKit.system());
  @TempDir Path logs;
  private final AtomicLong headroom = new AtomicLong();
  private final AtomicLong rss = new AtomicLong();
  private final KindMetrics metrics = new KindMetrics();
  private TestProbe<Long> samples;

  @BeforeEach
  void fresh() {
    headroom.set(64L << 30);
    rss.set(10 * MIB);
    samples = testKit.createTestProbe();
  }

  /** Host headroom and tree RSS as the test sets them; every RSS sample is told to {@link #samples}. */
  private MemoryProbe probe() {
    ActorRef<Long> to = samples.ref();
    return new MemoryProbe() {
      @Override
      public long availableBytes() {
        return headroom.get();
      }

      @Override
      public long rssBytes(long pid) {
        long now = rss.get();
        to.tell(now);
        return now;
      }
    };
  }

  private ActorRef<TrialWorker.Command> worker() {
    MemoryGuard.Settings guard = new MemoryGuard.Settings(2L << 30, 10, Duration.ofHours(1), CAP, Duration.ofDays(1), CHECK, 64 * MIB);
    // a stop grace of an hour on the manual clock: only the guard's grace samples can cut it short
    TrialWorker.Settings settings = new TrialWorker.Settings(guard, Duration.ofHours(1), logs, logs + "/w1");
    return testKit.spawn(TrialWorker.create("w1", settings, probe(), metrics));
  }

  private static TrialSpec sh(String id, String script) {
    return new TrialSpec(id, 1, List.of("/bin/sh", "-c", script), Map.of());
  }

  private static TrialReport report(TestProbe<TrialEvent> owner) {
    List<TrialEvent> got = owner.fishForMessage(Duration.ofSeconds(20),
        e -> e instanceof TrialReport ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (TrialReport) got.get(got.size() - 1);
  }

  /** Runs {@code script} and waits for its first output line: the worker knows the trial's pid and samples it from now. */
  private TestProbe<TrialEvent> running(ActorRef<TrialWorker.Command> worker, String id, String script) {
    TestProbe<TrialEvent> owner = testKit.createTestProbe();
    worker.tell(new TrialWorker.Run(sh(id, script), owner.ref()));
    owner.expectMessageClass(TrialEvent.TrialHeartbeat.class, Duration.ofSeconds(10));
    return owner;
  }

  @Test
  void aRunningTrialIsSampledEveryCheckIntervalAndBrakedAtTheFirstSampleWithLowHeadroom() {
    ActorRef<TrialWorker.Command> w = worker();
    TestProbe<TrialEvent> owner = running(w, "t0", "echo up; sleep 1000");

    for (int i = 0; i < 3; i++) { // safe headroom: sampled, left running
      clock.expectNoMessageFor(CHECK.minusMillis(1), samples, owner);
      clock.timePasses(Duration.ofMillis(1));
      samples.expectMessage(10 * MIB);
    }
    headroom.set(1L << 30);
    clock.expectNoMessageFor(CHECK.minusMillis(1), samples, owner);
    clock.timePasses(Duration.ofMillis(1));
    samples.expectMessage(10 * MIB);
    TrialReport braked = report(owner);
    assertThat(braked.outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    assertThat(braked.detail()).isEqualTo("braked: headroom 1024 MiB");
    assertThat(metrics.snapshot()).containsEntry("brakes", 1L).containsEntry("w1.consecutive-brakes", 1L);
    testKit.stop(w);
  }

  @Test
  void aTreeStillGrowingInItsStopGraceIsKilledAtTheNextGraceSample() {
    ActorRef<TrialWorker.Command> w = worker();
    // ignores SIGTERM (and so do its sleeps): only a SIGKILL ends it before the hour's grace
    TestProbe<TrialEvent> owner = running(w, "hog", "trap '' TERM; echo up; while :; do sleep 1; done");

    rss.set(200 * MIB);
    clock.timePasses(CHECK);
    samples.expectMessage(200 * MIB); // over the cap: stopped (SIGTERM, ignored), grace begins
    Duration graceCheck = CHECK.dividedBy(4);
    rss.set(250 * MIB); // grew, but by less than the allowance
    clock.timePasses(graceCheck);
    samples.expectMessage(250 * MIB);
    rss.set(400 * MIB); // grew past the allowance since the stop
    clock.expectNoMessageFor(graceCheck.minusMillis(1), samples, owner);
    clock.timePasses(Duration.ofMillis(1));
    samples.expectMessage(400 * MIB);
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(r.detail()).isEqualTo("worker RSS 200 MiB over cap 100 MiB");
    assertThat(metrics.snapshot()).containsEntry("grace-kills", 1L).containsEntry("recycles.rss", 1L);
    testKit.stop(w);
  }
}
