package dev.warden.persistence.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.LogCapture;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checkpointer's timers on Pekko's manual clock: a checkpoint per interval and none before, a
 * tick that finds one running is skipped, interval 0 runs none, a hanging final checkpoint is
 * abandoned at its final-timeout. The SQL is a stand-in that reports each statement to a probe.
 * (Real checkpoints on a real node, JMX and the kind's shutdown: {@code CheckpointerTest}.)
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one actor system (and manual clock) for the class
class CheckpointerTickTest {
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final Duration FINAL_TIMEOUT = Duration.ofSeconds(30);
  private static final String OK_LINE = "^checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=ok$";
  private static final String STATS_LINE = "^checkpoint stats n=\\d+ p50_ms=\\d+ p95_ms=\\d+ max_ms=\\d+$";

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  private final ManualTime clock = ManualTime.get(testKit.system());
  private CountDownLatch release;
  private LogCapture logs;
  private TestProbe<String> statements;
  private TestProbe<Checkpointer.Result> results;

  @BeforeEach
  void fresh() {
    release = new CountDownLatch(1);
    logs = new LogCapture();
    statements = testKit.createTestProbe();
    results = testKit.createTestProbe();
  }

  @AfterEach
  void releaseHangingStatements() {
    release.countDown();
    logs.close();
  }

  /** Tells {@code statements} every statement it runs; holds those starting with the held prefix until the test releases them. */
  private final class ProbeRunner implements CheckpointRunner {
    private final ActorRef<String> to = statements.ref();
    private final CountDownLatch released = release;
    private volatile String held;

    ProbeRunner holding(String prefix) {
      held = prefix;
      return this;
    }

    @Override
    public void run(String sql) throws SQLException {
      to.tell(sql);
      String h = held;
      if (h != null && sql.startsWith(h)) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void close() {}
  }

  /** The published results, in order, instead of JMX. */
  private static Checkpointer.Publisher to(TestProbe<Checkpointer.Result> results) {
    return new Checkpointer.Publisher() {
      @Override
      public void published(Checkpointer.Result result, CheckpointerMBean.Figures figures) {
        results.ref().tell(result);
      }

      @Override
      public void close() {}
    };
  }

  private static PersistenceSettings settings(Duration interval) {
    return new PersistenceSettings("jdbc:h2:mem:manual-time", "sa", "", interval, FINAL_TIMEOUT, 16, Dialect.H2,
        Duration.ZERO, Duration.ZERO);
  }

  /**
   * Spawns the checkpointer and waits until it runs (its timer starts in its constructor): an
   * answered checkpoint-now went through. Moving the clock before that would move it under a
   * timer not yet started.
   */
  private ActorRef<Checkpointer.Command> started(Duration interval, CheckpointRunner runner) {
    ActorRef<Checkpointer.Command> checkpointer =
        testKit.spawn(Checkpointer.create("/warden/checkpointer", settings(interval), runner, ctx -> to(results)));
    TestProbe<Checkpointer.Result> answer = testKit.createTestProbe();
    checkpointer.tell(Checkpointer.CheckpointNow.answering(answer.ref()));
    statements.expectMessage("CHECKPOINT");
    assertThat(answer.receiveMessage().succeeded()).isTrue();
    results.receiveMessage();
    return checkpointer;
  }

  @Test
  void periodicCheckpointsRunEveryIntervalAndNoneBeforeEachLoggingOneLine() {
    ActorRef<Checkpointer.Command> checkpointer = started(INTERVAL, new ProbeRunner());

    for (int i = 0; i < 3; i++) {
      clock.expectNoMessageFor(INTERVAL.minusMillis(1), statements);
      clock.timePasses(Duration.ofMillis(1));
      statements.expectMessage("CHECKPOINT");
      assertThat(results.receiveMessage().summary()).matches(OK_LINE);
    }
    TestProbe<Done> stopped = testKit.createTestProbe();
    checkpointer.tell(new Checkpointer.FinalCheckpoint(stopped.ref()));
    statements.expectMessage("CHECKPOINT SYNC");
    statements.expectMessage("SHUTDOWN");
    stopped.expectMessage(Done.getInstance());
    stopped.expectTerminated(checkpointer);
    assertThat(logs.matching(OK_LINE)).as(logs.lines().toString()).hasSize(4);
    assertThat(logs.matching(STATS_LINE)).as(logs.lines().toString()).hasSize(1);
    clock.expectNoMessageFor(INTERVAL.multipliedBy(2), statements);
  }

  @Test
  void aTickThatFindsACheckpointRunningIsSkipped() {
    ProbeRunner runner = new ProbeRunner();
    ActorRef<Checkpointer.Command> checkpointer = started(INTERVAL, runner);
    runner.holding("CHECKPOINT");

    clock.timePasses(INTERVAL);
    statements.expectMessage("CHECKPOINT"); // hangs
    clock.timePasses(INTERVAL); // the tick finds it running: skipped
    TestProbe<Checkpointer.Result> waiter = testKit.createTestProbe();
    checkpointer.tell(Checkpointer.CheckpointNow.answering(waiter.ref())); // joins the running one, starts none
    statements.expectNoMessage(Duration.ofMillis(100));
    release.countDown();
    assertThat(waiter.receiveMessage().succeeded()).isTrue();
    assertThat(results.receiveMessage().succeeded()).isTrue();
    statements.expectNoMessage(Duration.ofMillis(100));
    assertThat(logs.matching("^checkpoint mode=")).as("the skipped tick ran nothing: " + logs.lines()).hasSize(2);

    clock.timePasses(INTERVAL);
    statements.expectMessage("CHECKPOINT");
  }

  @Test
  void intervalZeroRunsNoPeriodicCheckpoint() {
    started(Duration.ZERO, new ProbeRunner());
    clock.expectNoMessageFor(INTERVAL.multipliedBy(10), statements);
  }

  @Test
  void aHangingFinalCheckpointIsAbandonedAtItsFinalTimeout() {
    ActorRef<Checkpointer.Command> checkpointer = started(INTERVAL, new ProbeRunner().holding("CHECKPOINT SYNC"));

    TestProbe<Done> stopped = testKit.createTestProbe();
    checkpointer.tell(new Checkpointer.FinalCheckpoint(stopped.ref()));
    statements.expectMessage("CHECKPOINT SYNC"); // hangs
    clock.expectNoMessageFor(FINAL_TIMEOUT.minusMillis(1), stopped);
    clock.timePasses(Duration.ofMillis(1));
    stopped.expectMessage(Done.getInstance());
    stopped.expectTerminated(checkpointer);
    Checkpointer.Result abandoned = results.receiveMessage();
    assertThat(abandoned.mode()).isEqualTo(Checkpointer.Mode.SYNC);
    assertThat(abandoned.elapsedMillis()).isEqualTo(FINAL_TIMEOUT.toMillis());
    assertThat(abandoned.failure()).contains("did not finish within final-timeout 30000 ms; shutdown continues");
    assertThat(logs.matching("^checkpoint stats n=2 ")).as(logs.lines().toString()).hasSize(1);
  }
}
