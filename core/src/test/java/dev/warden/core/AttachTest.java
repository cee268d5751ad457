package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.supervision.KindMXBean;
import dev.warden.core.tree.NodeState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMX;
import javax.management.ObjectName;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** Warden inside an ActorSystem the host already runs. */
class AttachTest {

  @Test
  void attachedWardenRunsKindsAndCloseLeavesTheHostSystemRunning() {
    ActorSystem<Void> host =
        ActorSystem.create(
            Behaviors.empty(), "host", Warden.loadConfig(ConfigFactory.parseString("warden.node-name = attached")));
    try {
      Warden warden = Warden.attach(host, List.of(Counter.kind("steady")));
      warden.<Counter.Command>kind("steady").tell(new Counter.Increment());
      TestProbe<Integer> probe = TestProbe.create(host);
      warden.<Counter.Command>kind("steady").tell(new Counter.Get(probe.getRef()));
      probe.expectMessage(1);

      warden.close();
      warden.close();

      assertThat(warden.tree().node("/warden/steady").orElseThrow().state()).isEqualTo(NodeState.STOPPED);
      assertThat(host.whenTerminated().isCompleted()).isFalse();
    } finally {
      host.terminate();
    }
  }

  @Test
  void startReturnsOnlyOnceEveryKindsSetupRan() {
    AtomicBoolean wired = new AtomicBoolean();
    CountDownLatch never = new CountDownLatch(1);
    WorkerKind<Counter.Command> slow =
        WorkerKind.of("slow", ctx -> Behaviors.setup(c -> {
          never.await(300, TimeUnit.MILLISECONDS); // a setup that takes a while (a kind opening its files, say)
          wired.set(true); // where a kind wires its facade for the host
          return Counter.create();
        }));
    try (Warden warden = Warden.start(ConfigFactory.parseString("warden.node-name = slow-setup"), Counter.kind("quick"), slow)) {
      assertThat(wired).as("the slow kind's setup ran before Warden.start returned").isTrue();
    }
  }

  @Test
  void emptyRuntimeWithNoKindsStartsAndStops() {
    try (Warden warden = Warden.start(ConfigFactory.parseString("warden.node-name = empty"))) {
      assertThat(warden.tree().snapshot()).hasSize(1);
      assertThat(warden.tree().node("/warden").orElseThrow().state()).isEqualTo(NodeState.RUNNING);
    }
  }

  @Test
  void pauseAndResumeOverTheKindMBeanWhereTheKindSupportsIt() throws Exception {
    WorkerKind<Counter.Command> pausable =
        new WorkerKind<>() {
          @Override
          public String name() {
            return "pausable";
          }

          @Override
          public org.apache.pekko.actor.typed.Behavior<Counter.Command> rootBehavior(KindContext context) {
            return Counter.create();
          }

          @Override
          public java.util.Optional<Counter.Command> pauseMessage() {
            return java.util.Optional.of(new Counter.Increment());
          }

          @Override
          public java.util.Optional<Counter.Command> resumeMessage() {
            return java.util.Optional.of(new Counter.Increment());
          }
        };
    try (Warden warden = Warden.start(ConfigFactory.parseString("warden.node-name = pausing"), pausable, Counter.kind("plain"))) {
      KindMXBean bean =
          JMX.newMXBeanProxy(
              ManagementFactory.getPlatformMBeanServer(),
              new ObjectName("dev.warden:node=\"pausing\",type=Kind,name=\"pausable\""),
              KindMXBean.class);
      assertThat(bean.isPausable()).isTrue();
      bean.pause();
      await().atMost(Duration.ofSeconds(5)).until(() -> "PAUSED".equals(bean.getState()));
      bean.resume();
      await().atMost(Duration.ofSeconds(5)).until(() -> "RUNNING".equals(bean.getState()));
      // the kind saw both control messages (here: two increments)
      TestProbe<Integer> probe = TestProbe.create(warden.system());
      warden.<Counter.Command>kind("pausable").tell(new Counter.Get(probe.getRef()));
      probe.expectMessage(2);

      KindMXBean plain =
          JMX.newMXBeanProxy(
              ManagementFactory.getPlatformMBeanServer(),
              new ObjectName("dev.warden:node=\"pausing\",type=Kind,name=\"plain\""),
              KindMXBean.class);
      assertThat(plain.isPausable()).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(plain::pause)
          .hasMessageContaining("cannot be paused");
    }
  }
}
