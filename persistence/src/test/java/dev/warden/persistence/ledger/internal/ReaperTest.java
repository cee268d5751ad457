package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobHandler;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperTest {
  @TempDir Path dir;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopClock() {
    clock.shutdownNow();
  }

  @Test
  void hungAttemptIsReapedWithinTimeoutPlusOneTickRetriedAndLateResultIsDiscarded() {
    Map<Integer, CompletableFuture<String>> attempts = new ConcurrentHashMap<>();
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      JobHandler handler =
          (payload, ctx) -> {
            if (ctx.attempt() == 1) {
              CompletableFuture<String> hung = new CompletableFuture<>();
              attempts.put(1, hung);
              return hung; // hangs until the test completes it late
            }
            return CompletableFuture.completedFuture("second try");
          };
      RetryPolicy quick = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);
      ledger.register(new JobType("hangs", handler, JobPolicy.defaults().withStartToClose(Duration.ofMillis(300)).withRetry(quick)));
      long t0 = System.nanoTime();
      await(ledger.submit("hangs", "h1", ""));
      assertEquals("second try", await(ledger.result("h1")));
      List<JobEvent> history = await(ledger.history("h1"));
      JobEvent.Started first = (JobEvent.Started) history.get(1);
      JobEvent.Reaped reaped = (JobEvent.Reaped) history.get(2);
      assertTrue(reaped.at() - first.deadline() <= 100 + 150, "reaped within one 100 ms tick of the deadline (+ slack): " + (reaped.at() - first.deadline()));
      assertTrue(reaped.at() >= first.deadline(), "never before the deadline");
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);

      attempts.get(1).complete("late result of attempt 1");
      await().atMost(Duration.ofSeconds(5)).until(() -> warden.system() != null && staleReports(ledger) >= 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> names(ledger, "h1").contains("StaleReport#1"));
      assertEquals(
          List.of("Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded", "StaleReport#1"),
          names(ledger, "h1"), "the late result is noted, and changes nothing else");
      assertEquals("second try", LedgerNode.status(ledger, "h1").result().orElseThrow());
    }
  }

  @Test
  void aDeadlineDueBeforeTheNextTickIsReapedAtTheDeadlineNotAtTheTick() {
    try (Warden warden = LedgerNode.start(dir, "warden.ledger.reaper.tick = 10s\n")) {
      JobLedger ledger = JobLedger.of(warden);
      JobHandler hangs = (payload, ctx) -> ctx.attempt() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture("ok");
      RetryPolicy quick = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);
      ledger.register(new JobType("hangs", hangs, JobPolicy.defaults().withStartToClose(Duration.ofMillis(300)).withRetry(quick)));
      long t0 = System.nanoTime();
      await(ledger.submit("hangs", "h1", ""));
      assertEquals("ok", await(ledger.result("h1")));
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000, "reaped long before the first 10 s tick");
      List<JobEvent> history = await(ledger.history("h1"));
      JobEvent.Started first = (JobEvent.Started) history.get(1);
      JobEvent.Reaped reaped = (JobEvent.Reaped) history.get(2);
      assertTrue(reaped.at() >= first.deadline(), "never before the deadline");
      assertTrue(reaped.at() - first.deadline() < 1_500, "reaped within a small fraction of the 10 s tick: " + (reaped.at() - first.deadline()));
    }
  }

  @Test
  void reapsMadeByAPartitionsOwnLookAheadAreCounted() {
    try (Warden warden = LedgerNode.start(dir, "warden.ledger.reaper.tick = 30s\n")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(new JobType("hangs", (payload, ctx) -> new CompletableFuture<>(),
          JobPolicy.defaults().withStartToClose(Duration.ofMillis(100)).withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
      for (int i = 0; i < 6; i++) {
        await(ledger.submit("hangs", "h" + i, ""));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> ledger.count("hangs", "failed") == 6);
      assertEquals(0, ledger.reaperLastRun(), "no tick of the 30 s reaper ran: the look-ahead reaped them all");
      assertEquals(6, stats(ledger).reaped.get(), "each Reaped event counts, whoever asked for the reap");
    }
  }

  private static long staleReports(JobLedger ledger) {
    return stats(ledger).stale.get();
  }

  static LedgerStats stats(JobLedger ledger) {
    return LedgerInternals.stats(ledger);
  }

  @Test
  void heartbeatsKeepASlowJobAliveWhileASilentOneIsReaped() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      JobHandler beating =
          (payload, ctx) -> {
            CompletableFuture<String> done = new CompletableFuture<>();
            var beat = clock.scheduleAtFixedRate(ctx::heartbeat, 0, 50, TimeUnit.MILLISECONDS);
            clock.schedule(() -> {
              beat.cancel(false);
              done.complete("alive@" + ctx.attempt());
            }, 1200, TimeUnit.MILLISECONDS);
            return done;
          };
      JobHandler silent =
          (payload, ctx) -> ctx.attempt() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture("woke@" + ctx.attempt());
      JobPolicy policy =
          JobPolicy.defaults().withStartToClose(Duration.ofSeconds(10)).withHeartbeatTimeout(Duration.ofMillis(300))
              .withRetry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0));
      ledger.register(new JobType("beating", beating, policy));
      ledger.register(new JobType("silent", silent, policy));
      await(ledger.submit("beating", "b1", ""));
      await(ledger.submit("silent", "s1", ""));
      assertEquals("alive@1", await(ledger.result("b1")), "heartbeats every 50 ms kept 1.2 s of work alive past a 300 ms heartbeat timeout");
      assertEquals("woke@2", await(ledger.result("s1")));
      assertTrue(names(ledger, "s1").contains("Reaped#1"));
      JobEvent.Reaped r = (JobEvent.Reaped) await(ledger.history("s1")).get(2);
      assertTrue(r.reason().startsWith("no heartbeat"), r.reason());
    }
  }

  @Test
  void perTypeTimeoutsFromConfigLetTheSlowTypeFinishAndReapTheFastOne() {
    String conf = "warden.ledger.types { slow { start-to-close = 5s }, fast { start-to-close = 200ms, max-attempts = 1 } }\n";
    try (Warden warden = LedgerNode.start(dir, conf)) {
      JobLedger ledger = JobLedger.of(warden);
      JobHandler takes600ms =
          (payload, ctx) -> {
            CompletableFuture<String> done = new CompletableFuture<>();
            clock.schedule(() -> done.complete("done"), 600, TimeUnit.MILLISECONDS);
            return done;
          };
      ledger.register(JobType.of("slow", takes600ms));
      ledger.register(JobType.of("fast", takes600ms));
      await(ledger.submit("slow", "slow-1", ""));
      await(ledger.submit("fast", "fast-1", ""));
      assertEquals("done", await(ledger.result("slow-1")));
      assertTrue(ledger.result("fast-1").toCompletableFuture().handle((v, t) -> t != null).join());
      List<String> fast = names(ledger, "fast-1");
      assertEquals(List.of("Submitted", "Started#1", "Reaped#1", "GaveUp"), fast.subList(0, 4));
      // the reaped handler still finishes at 600 ms: its late result is noted once it arrives, nothing else
      assertEquals(fast.size() == 4 ? List.of() : List.of("StaleReport#1"), fast.subList(4, fast.size()));
      assertEquals(List.of("Submitted", "Started#1", "Completed#1", "Succeeded"), names(ledger, "slow-1"));
      await().atMost(Duration.ofSeconds(3)).until(() -> ledger.reaperLastRun() > 0);
    }
  }

  @Test
  void typesWithoutATimeoutGetAnAdaptiveOneFromObservedLatency() {
    String conf = "warden.ledger.partitions = 1\nwarden.ledger.default-timeout { static = 30s, min = 250ms, min-samples = 5 }\n";
    try (Warden warden = LedgerNode.start(dir, conf)) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(
          new JobType("quick", (p, ctx) -> p.equals("hang") && ctx.attempt() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture("ok"),
              JobPolicy.defaults().withRetry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0))));
      for (int i = 0; i < 20; i++) {
        await(ledger.result(await(ledger.submit("quick", "q" + i, "")).id()));
      }
      await(ledger.submit("quick", "hang", "hang"));
      assertEquals("ok", await(ledger.result("hang")), "reaped at the adaptive minimum (250 ms), not the 30 s static default");
      JobEvent.Started s = (JobEvent.Started) await(ledger.history("hang")).get(1);
      assertEquals(250, s.deadline() - s.at());
    }
  }
}
