package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobHandler;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reaping rules on one partition and Pekko's manual time ({@link ManualTimePartition}), with
 * nothing waiting for real time: a hung attempt is reaped within a tick of its deadline, retried,
 * and its late result noted and nothing else changed; a deadline before the next tick is reaped
 * by the partition's own look-ahead at the deadline, and those reaps are counted; heartbeats keep
 * a slow attempt alive while a silent one is reaped; per-type and adaptive timeouts. The test
 * plays the reaper, asking for a run at each tick (the reaper's cadence: ReaperTickTest). Handlers
 * really run on the ledger's dispatcher, so a test waits for what it started before time moves.
 * Last, the first story once more on a real node (H2 file, the reaper's own timer on the wall
 * clock, the type's timeout from {@code warden.ledger.types}), in the same JVM to share its start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaperTest {
  private static final RetryPolicy NO_BACKOFF = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);
  private static final RetryPolicy ONCE = RetryPolicy.defaults().withMaxAttempts(1);

  private final ManualTimePartition time = new ManualTimePartition("reaper", "");
  private ManualTimePartition.Partition partition;
  private long run;

  @TempDir Path dir;

  @AfterEach
  void stopPartition() {
    if (partition != null) {
      partition.stop();
      partition = null;
    }
  }

  @AfterAll
  void stop() {
    time.shutdown();
  }

  private void spawn(String conf) {
    partition = time.spawn(conf);
    run = 0;
  }

  /** A reaper's tick: the tick's time passes (timers due fire), then the partition is asked for a run. */
  private LedgerPartition.ReapReport tick() {
    time.advance(partition.settings.reaperTick());
    return partition.reap(++run);
  }

  private ManualTimePartition.Attempts hangs() {
    return new ManualTimePartition.Attempts(time);
  }

  /**
   * A partition whose reaper ticks every {@code tick}, and job h1 of a type (start-to-close 300 ms)
   * whose first attempt hangs and whose next ones answer {@code answer}: the first is running.
   */
  private ManualTimePartition.Attempts hungFirstAttempt(String tick, String answer) {
    spawn("warden.ledger.reaper.tick = " + tick);
    ManualTimePartition.Attempts hung = hangs();
    JobHandler handler = (payload, ctx) -> ctx.attempt() == 1 ? hung.run(payload, ctx) : CompletableFuture.completedFuture(answer);
    partition.register(new JobType("hangs", handler, JobPolicy.defaults().withStartToClose(Duration.ofMillis(300)).withRetry(NO_BACKOFF)));
    partition.submit("hangs", "h1");
    hung.invoked("h1", 1);
    partition.settle();
    return hung;
  }

  @Test
  void hungAttemptIsReapedWithinOneTickOfItsDeadlineRetriedAndItsLateResultIsNoted() {
    ManualTimePartition.Attempts hung = hungFirstAttempt("100ms", "second try");

    assertThat(tick().reaped()).isZero();
    assertThat(tick().reaped()).isZero();
    assertThat(tick().reaped()).as("the third 100 ms tick is at the 300 ms deadline").isEqualTo(1);
    assertThat(partition.awaitResult("h1").result()).contains("second try");
    JobEvent.Started first = (JobEvent.Started) partition.events("h1").get(1);
    JobEvent.Reaped reaped = (JobEvent.Reaped) partition.events("h1").get(2);
    assertThat(reaped.at() - first.deadline()).as("reaped within one tick of the deadline, never before")
        .isBetween(0L, partition.settings.reaperTick().toMillis());

    hung.invoked("h1", 1).result().complete("late result of attempt 1");
    partition.awaitEvent("h1", "StaleReport#1");
    assertThat(partition.stats.stale.get()).as("the late result is counted as stale").isEqualTo(1);
    assertThat(partition.history("h1")).as("the late result is noted, and changes nothing else")
        .containsExactly("Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded", "StaleReport#1");
    assertThat(partition.view("h1").result()).contains("second try");
  }

  @Test
  void aDeadlineDueBeforeTheNextTickIsReapedAtTheDeadlineNotAtTheTick() {
    hungFirstAttempt("10s", "ok");
    JobEvent.Started first = (JobEvent.Started) partition.events("h1").get(1);

    time.advanceTo(first.deadline());
    partition.settle();
    assertThat(partition.history("h1")).as("nothing is reaped before its deadline").containsExactly("Submitted", "Started#1");
    time.advance(Duration.ofMillis(1)); // no tick is sent: only the partition's look-ahead can reap
    assertThat(partition.awaitResult("h1").result()).contains("ok");
    JobEvent.Reaped reaped = (JobEvent.Reaped) partition.events("h1").get(2);
    assertThat(reaped.at() - first.deadline()).as("reaped at the deadline, not at the 10 s tick").isBetween(0L, 1L);
  }

  @Test
  void reapsMadeByAPartitionsOwnLookAheadAreCounted() {
    spawn("warden.ledger.reaper.tick = 30s");
    ManualTimePartition.Attempts hung = hangs();
    partition.register(new JobType("hangs", hung, JobPolicy.defaults().withStartToClose(Duration.ofMillis(100)).withRetry(ONCE)));
    long latest = 0;
    for (int i = 0; i < 6; i++) {
      partition.submit("hangs", "h" + i);
    }
    for (int i = 0; i < 6; i++) {
      hung.invoked("h" + i, 1);
    }
    partition.settle();
    for (int i = 0; i < 6; i++) {
      latest = Math.max(latest, ((JobEvent.Started) partition.events("h" + i).get(1)).deadline());
    }

    time.advanceTo(latest + 1); // no tick is sent: the 30 s reaper is far off
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> partition.stats.count("hangs", "failed") == 6);
    for (int i = 0; i < 6; i++) {
      assertThat(partition.history("h" + i)).containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp");
    }
    for (int i = 0; i < 6; i++) {
      List<JobEvent> h = partition.events("h" + i);
      assertThat(h.get(2).at() - ((JobEvent.Started) h.get(1)).deadline()).as("reaped by the look-ahead at its deadline, no tick of the 30 s reaper")
          .isBetween(0L, 1L);
    }
    assertThat(partition.stats.reaped.get()).as("each Reaped event counts, whoever asked for the reap").isEqualTo(6);
  }

  @Test
  void heartbeatsKeepASlowJobAliveWhileASilentOneIsReaped() {
    spawn("warden.ledger.reaper.tick = 250ms\nwarden.ledger.heartbeat.min-interval = 1ms\n");
    ManualTimePartition.Attempts beating = hangs();
    ManualTimePartition.Attempts silentFirst = hangs();
    JobHandler silent = (payload, ctx) -> ctx.attempt() == 1 ? silentFirst.run(payload, ctx) : CompletableFuture.completedFuture("woke@" + ctx.attempt());
    JobPolicy policy = JobPolicy.defaults().withStartToClose(Duration.ofSeconds(10)).withHeartbeatTimeout(Duration.ofMillis(300)).withRetry(NO_BACKOFF);
    partition.register(new JobType("beating", beating, policy));
    partition.register(new JobType("silent", silent, policy));
    partition.submit("beating", "b1");
    partition.submit("silent", "s1");
    ManualTimePartition.Attempt b = beating.invoked("b1", 1);
    silentFirst.invoked("s1", 1);
    partition.settle();

    while (time.millis() - b.invokedAt() < 1200) { // 1.2 s of work, a beat after every 250 ms tick
      tick();
      b.ctx().heartbeat();
      partition.settle();
    }
    b.result().complete("alive@" + b.ctx().attempt());
    assertThat(partition.awaitResult("b1").result()).as("a beat every 250 ms kept 1.25 s of work alive past a 300 ms heartbeat timeout")
        .contains("alive@1");
    assertThat(partition.history("b1")).containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
    assertThat(partition.awaitResult("s1").result()).contains("woke@2");
    assertThat(partition.history("s1")).contains("Reaped#1");
    JobEvent.Reaped r = (JobEvent.Reaped) partition.events("s1").get(2);
    assertThat(r.reason()).startsWith("no heartbeat");
    assertThat(r.at() - silentFirst.invoked("s1", 1).invokedAt()).as("not before its heartbeat timeout").isGreaterThanOrEqualTo(300);
  }

  @Test
  void perTypeTimeoutsLetTheSlowTypeFinishAndReapTheFastOne() {
    spawn("warden.ledger.reaper.tick = 200ms");
    ManualTimePartition.Attempts takes600ms = hangs();
    partition.register(new JobType("slow", takes600ms, JobPolicy.defaults().withStartToClose(Duration.ofSeconds(5))));
    partition.register(new JobType("fast", takes600ms, JobPolicy.defaults().withStartToClose(Duration.ofMillis(200)).withRetry(ONCE)));
    partition.submit("slow", "slow-1");
    partition.submit("fast", "fast-1");
    ManualTimePartition.Attempt slow = takes600ms.invoked("slow-1", 1);
    ManualTimePartition.Attempt fast = takes600ms.invoked("fast-1", 1);
    partition.settle();

    assertThat(tick().reaped()).as("the fast type's 200 ms are up at the first tick").isEqualTo(1);
    assertThat(partition.awaitResult("fast-1").status()).isEqualTo(JobStatus.GAVE_UP);
    assertThat(tick().reaped()).isZero();
    assertThat(tick().reaped()).isZero();
    slow.result().complete("done"); // both handlers finish at 600 ms
    fast.result().complete("done");
    assertThat(partition.awaitResult("slow-1").result()).contains("done");
    assertThat(partition.history("slow-1")).containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
    partition.awaitEvent("fast-1", "StaleReport#1");
    assertThat(partition.history("fast-1")).as("the reaped handler's late result is noted, nothing else")
        .containsExactly("Submitted", "Started#1", "Reaped#1", "GaveUp", "StaleReport#1");
  }

  @Test
  void typesWithoutATimeoutGetAnAdaptiveOneFromObservedLatency() {
    spawn("warden.ledger.reaper.tick = 100ms\nwarden.ledger.default-timeout { static = 30s, min = 250ms, min-samples = 5 }\n");
    ManualTimePartition.Attempts hung = hangs();
    JobHandler quick = (payload, ctx) -> ctx.jobId().equals("hang") && ctx.attempt() == 1 ? hung.run(payload, ctx) : CompletableFuture.completedFuture("ok");
    partition.register(new JobType("quick", quick, JobPolicy.defaults().withRetry(NO_BACKOFF)));
    for (int i = 0; i < 20; i++) {
      partition.submit("quick", "q" + i);
      assertThat(partition.awaitResult("q" + i).result()).contains("ok");
    }
    partition.submit("quick", "hang");
    hung.invoked("hang", 1);
    partition.settle();
    JobEvent.Started s = (JobEvent.Started) partition.events("hang").get(1);
    assertThat(s.deadline() - s.at()).as("the adaptive minimum, not the 30 s static default").isEqualTo(250);

    tick();
    tick();
    tick();
    assertThat(partition.awaitResult("hang").result()).as("reaped at the adaptive minimum (250 ms)").contains("ok");
    JobEvent.Reaped reaped = (JobEvent.Reaped) partition.events("hang").get(2);
    assertThat(reaped.at() - s.at()).isBetween(250L, 300L);
  }

  @Test
  void hungAttemptIsReapedRetriedAndItsLateResultIsNotedOnARealNode() {
    CompletableFuture<String> hung = new CompletableFuture<>();
    try (Warden warden = LedgerNode.start(dir, "warden.ledger.types { hangs { start-to-close = 300ms } }\n")) {
      JobLedger ledger = JobLedger.of(warden);
      JobHandler handler = (payload, ctx) -> ctx.attempt() == 1 ? hung : CompletableFuture.completedFuture("second try");
      ledger.register(new JobType("hangs", handler, JobPolicy.defaults().withRetry(NO_BACKOFF)));
      long t0 = System.nanoTime();
      await(ledger.submit("hangs", "h1", ""));
      assertThat(await(ledger.result("h1"))).isEqualTo("second try");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
      List<JobEvent> history = await(ledger.history("h1"));
      JobEvent.Started first = (JobEvent.Started) history.get(1);
      JobEvent.Reaped reaped = (JobEvent.Reaped) history.get(2);
      assertThat(first.deadline() - first.at()).as("start-to-close from warden.ledger.types.hangs").isEqualTo(300);
      assertThat(reaped.at()).as("never before the deadline").isGreaterThanOrEqualTo(first.deadline());

      hung.complete("late result of attempt 1");
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> names(ledger, "h1").contains("StaleReport#1"));
      assertThat(LedgerInternals.stats(ledger).stale.get()).isGreaterThanOrEqualTo(1);
      assertThat(names(ledger, "h1")).as("the late result is noted, and changes nothing else")
          .containsExactly("Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded", "StaleReport#1");
      assertThat(LedgerNode.status(ledger, "h1").result()).contains("second try");
      Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> ledger.reaperLastRun() > 0); // the reaper's own timer runs
    }
  }
}
