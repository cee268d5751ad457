package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.TreeNode;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SupervisionTest {
  private Warden warden;

  @BeforeEach
  void start() {
    warden =
        Warden.start(
            ConfigFactory.parseString(
                "warden.node-name = supervision-test\n"
                    + "warden.supervision.default { max-restarts = 2, within = 1m, backoff.min = 10ms, backoff.max = 50ms }\n"),
            Counter.pair("pair"),
            Counter.kind("faulty"),
            Counter.kind("steady"),
            throughOutages("outaged"));
  }

  /** A counter kind whose crashes saying "database away" are its environment's ({@link WorkerKind#outage}). */
  private static WorkerKind<Counter.Command> throughOutages(String name) {
    WorkerKind<Counter.Command> counter = Counter.kind(name);
    return new WorkerKind<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public org.apache.pekko.actor.typed.Behavior<Counter.Command> rootBehavior(KindContext context) {
        return counter.rootBehavior(context);
      }

      @Override
      public java.util.function.Predicate<Throwable> outage() {
        return t -> t.getMessage() != null && t.getMessage().startsWith("database away");
      }
    };
  }

  @AfterEach
  void stop() {
    warden.close();
  }

  private int get(ActorRef<Counter.Command> ref, java.util.function.Function<Counter.Get, Counter.Command> wrap) {
    TestProbe<Integer> probe = TestProbe.create(warden.system());
    ref.tell(wrap.apply(new Counter.Get(probe.getRef())));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private TreeNode node(String path) {
    return warden.tree().node(path).orElseThrow();
  }

  @Test
  void crashingChildRestartsAloneAndSiblingKeepsItsState() {
    ActorRef<Counter.Command> pair = warden.kind("pair");
    for (int i = 0; i < 3; i++) {
      pair.tell(new Counter.To("a", new Counter.Increment()));
      pair.tell(new Counter.To("b", new Counter.Increment()));
    }
    assertThat(get(pair, g -> new Counter.To("b", g))).isEqualTo(3);

    pair.tell(new Counter.To("a", new Counter.Crash("boom in a")));

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(node("/warden/pair/a").getRestartCount()).isEqualTo(1);
      assertThat(node("/warden/pair/a").state()).isEqualTo(NodeState.RUNNING);
    });
    // the crashed child is a fresh incarnation; its sibling and its kind root kept their state
    assertThat(get(pair, g -> new Counter.To("a", g))).isEqualTo(0);
    assertThat(get(pair, g -> new Counter.To("b", g))).isEqualTo(3);
    assertThat(node("/warden/pair/a").getLastFailure()).contains("boom in a");
    assertThat(node("/warden/pair/b").getRestartCount()).isZero();
    assertThat(node("/warden/pair").getRestartCount()).isZero();
  }

  @Test
  void pastTheIntensityTheKindIsDegradedAndTheRestKeepsRunning() {
    ActorRef<Counter.Command> faulty = warden.kind("faulty");
    ActorRef<Counter.Command> steady = warden.kind("steady");
    steady.tell(new Counter.Increment());

    for (int crash = 1; crash <= 3; crash++) {
      faulty.tell(new Counter.Crash("crash " + crash));
      int expected = Math.min(crash, 2);
      if (crash <= 2) {
        await().atMost(Duration.ofSeconds(5))
            .until(() -> node("/warden/faulty").getRestartCount() == expected
                && node("/warden/faulty").state() == NodeState.RUNNING);
      }
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> node("/warden/faulty").state() == NodeState.DEGRADED);
    assertThat(node("/warden/faulty").getLastFailure()).contains("crash 3");
    assertThat(node("/warden/steady").state()).isEqualTo(NodeState.RUNNING);
    assertThat(node("/warden").state()).isEqualTo(NodeState.RUNNING);
    assertThat(get(steady, g -> g)).isEqualTo(1);
    assertThat(warden.system().whenTerminated().isCompleted()).isFalse();
  }

  @Test
  void crashesThatAreOutagesOfWhatTheKindDependsOnAreNotCountedTowardsTheIntensity() {
    ActorRef<Counter.Command> outaged = warden.kind("outaged");
    for (int crash = 1; crash <= 5; crash++) { // max-restarts is 2
      outaged.tell(new Counter.Crash("database away " + crash));
      int n = crash;
      await().atMost(Duration.ofSeconds(5))
          .until(() -> node("/warden/outaged").getRestartCount() == n && node("/warden/outaged").state() == NodeState.RUNNING);
    }
    outaged.tell(new Counter.Increment());
    assertThat(get(outaged, g -> g)).isEqualTo(1);
    for (int crash = 1; crash <= 3; crash++) { // its own crashes still count
      outaged.tell(new Counter.Crash("its own " + crash));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> node("/warden/outaged").state() == NodeState.DEGRADED);
  }

  @Test
  void operatorRestartBringsADegradedKindBack() {
    ActorRef<Counter.Command> faulty = warden.kind("faulty");
    for (int crash = 1; crash <= 3; crash++) {
      faulty.tell(new Counter.Crash("crash " + crash));
      int n = crash;
      await().atMost(Duration.ofSeconds(5))
          .until(() -> n == 3 ? node("/warden/faulty").state() == NodeState.DEGRADED
              : node("/warden/faulty").getRestartCount() == n && node("/warden/faulty").state() == NodeState.RUNNING);
    }
    warden.<Object>kind("faulty").tell(dev.warden.core.supervision.Supervisor.Control.RESTART);
    await().atMost(Duration.ofSeconds(5)).until(() -> node("/warden/faulty").state() == NodeState.RUNNING);
    faulty.tell(new Counter.Increment());
    assertThat(get(faulty, g -> g)).isEqualTo(1);
  }

  @Test
  void messagesQueuedBehindACrashReachTheNextIncarnation() {
    ActorRef<Counter.Command> faulty = warden.kind("faulty");
    faulty.tell(new Counter.Increment());
    faulty.tell(new Counter.Crash("mid-stream"));
    faulty.tell(new Counter.Increment());
    faulty.tell(new Counter.Increment());
    // the state before the crash is gone, nothing sent after it is lost
    assertThat(get(faulty, g -> g)).isEqualTo(2);
    assertThat(node("/warden/faulty").getRestartCount()).isEqualTo(1);
  }

  @Test
  void closeIsIdempotentAndMarksKindsStopped() {
    warden.close();
    warden.close();
    assertThat(node("/warden/steady").state()).isEqualTo(NodeState.STOPPED);
    assertThat(warden.system().whenTerminated().isCompleted()).isTrue();
  }
}
