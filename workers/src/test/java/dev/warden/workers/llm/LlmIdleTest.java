package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.KindMetrics;
import dev.warden.core.LogCapture;
import dev.warden.core.WardenSettings;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.tree.SupervisorTree;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The llm kind's idle ("nothing submitted") signal on Pekko's manual clock: the coordinator's
 * check ticks every {@code check-interval}, a quiet spell starts at the first quiet check after
 * some work, one warning once it lasted the threshold, none again until work arrives. The
 * coordinator's wall clock is moved with the manual one. (On a real node, with JMX and the
 * kind's MDC: {@code LlmFailuresAndBulkheadTest}, {@code LlmLogsTest}.)
 */
@ExtendWith(TestKitJUnit5Extension.class)
class LlmIdleTest {
  // few steps: Pekko's manual clock sleeps 100 ms at every step to let dispatchers settle
  private static final Duration CHECK = Duration.ofMinutes(1);
  private static final Duration THRESHOLD = Duration.ofMinutes(5);
  private static final String WARNING = "^llm: nothing submitted, pending, queued or running for \\[300000\\] ms"
      + " \\(warden.llm.idle.threshold \\[300000\\] ms\\).*";

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ConfigFactory.parseString(
              "warden.llm.idle { threshold = 5m, check-interval = 1m }\nwarden.data-dir = \"target/llm-idle-test\"")
          .withFallback(ManualTime.config()))
      .build();

  private final ManualTime clock = ManualTime.get(testKit.system());
  private final AtomicLong wallClock = new AtomicLong(1_000_000_000L);

  /** Moves the manual clock and the coordinator's wall clock together. */
  private void pass(Duration d) {
    wallClock.addAndGet(d.toMillis());
    clock.timePasses(d);
  }

  @Test
  void oneWarningOnceQuietForTheThresholdAfterWorkAndTheFlagClearsWhenWorkArrives() throws Exception {
    Config config = testKit.system().settings().config();
    KindMetrics metrics = new KindMetrics();
    KindContext kind = new KindContext(LlmKind.NAME, "/warden/llm", config, WardenSettings.create(config),
        new SupervisorTree(), metrics, new JmxRegistry("llm-idle-test", false));
    LlmView view = LlmView.of(testKit.system());
    ActorRef<LlmCoordinator.Command> coordinator = testKit.spawn(LlmCoordinator.create(kind, wallClock::get));
    TestProbe<Long> checks = testKit.createTestProbe();
    coordinator.tell(new LlmCoordinator.Attach(() -> {
      checks.ref().tell(wallClock.get()); // each check asks the ledger's pending count: nothing pending
      return 0L;
    }));

    try (LogCapture logs = LogCapture.start()) {
      work(coordinator, "t1"); // also the barrier: the coordinator and its check timer are up
      long quietFrom = wallClock.get() + CHECK.toMillis(); // the first quiet check starts the spell
      for (int i = 1; i <= THRESHOLD.dividedBy(CHECK); i++) {
        pass(CHECK);
        checks.expectMessage(wallClock.get());
        assertThat(view.snapshot().idle()).as("idle before the threshold, at check " + i).isFalse();
      }
      assertThat(wallClock.get() - quietFrom).isEqualTo(THRESHOLD.minus(CHECK).toMillis());
      assertThat(logs.matching(WARNING)).isEmpty();

      pass(CHECK); // the spell has lasted the threshold
      checks.expectMessage(wallClock.get());
      await().atMost(Duration.ofSeconds(5)).until(() -> view.snapshot().idle());
      assertThat(view.snapshot().idleWarnings()).isEqualTo(1);
      assertThat(metrics.snapshot()).containsEntry("idle.warnings", 1L);
      assertThat(logs.matching("WARN", WARNING)).hasSize(1);

      for (int i = 0; i < 3; i++) { // still quiet: no second warning
        pass(CHECK);
        checks.expectMessage(wallClock.get());
      }
      pass(CHECK);
      checks.expectMessage(wallClock.get());
      long quiet = THRESHOLD.plus(CHECK.multipliedBy(4)).toMillis();
      await().atMost(Duration.ofSeconds(5)).until(() -> view.snapshot().idleMillis() == quiet);
      assertThat(view.snapshot().idleWarnings()).isEqualTo(1);
      assertThat(logs.matching(WARNING)).hasSize(1);

      work(coordinator, "t2");
      pass(CHECK); // the figures are refreshed on the check
      checks.expectMessage(wallClock.get());
      await().atMost(Duration.ofSeconds(5)).until(() -> !view.snapshot().idle());
      assertThat(logs.matching("INFO", "^llm work arrived after \\[\\d+\\] ms idle; idle flag cleared$")).hasSize(1);
    }
    testKit.stop(coordinator);
  }

  /** Takes a permit and gives it back: work seen. Returns once the permit was granted. */
  private static void work(ActorRef<LlmCoordinator.Command> coordinator, String ticket) throws Exception {
    CompletableFuture<Void> grant = new CompletableFuture<>();
    coordinator.tell(new LlmCoordinator.Acquire(ticket, "m", grant));
    grant.get(5, TimeUnit.SECONDS);
    coordinator.tell(new LlmCoordinator.Release(ticket, "m", "c", 0, 0, LlmCoordinator.Outcome.CANCELLED));
  }
}
