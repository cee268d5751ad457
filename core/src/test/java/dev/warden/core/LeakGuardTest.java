package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link LeakGuard} fails a test class that leaves an actor system or a Warden MBean behind, and passes
 * one that cleans up: the classes below (nested, so the build does not run them itself) run through
 * JUnit's launcher with the guard autodetected as in the build, on a 300 ms grace.
 */
class LeakGuardTest {
  static ActorSystem<Void> leaked;
  static final ObjectName MBEAN = LeakGuard.name("dev.warden:node=leak-guard-test,type=Leaked");

  /** Hides its leftovers from the guard of this class, which would rightly fail it too. */
  @AfterEach
  void cleanUp() throws Exception {
    if (leaked != null) {
      leaked.terminate();
      leaked.getWhenTerminated().toCompletableFuture().join();
      leaked = null;
    }
    if (ManagementFactory.getPlatformMBeanServer().isRegistered(MBEAN)) {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(MBEAN);
    }
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(testClass))
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
        .configurationParameter(LeakGuard.GRACE_KEY, "300")
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    return listener.getSummary();
  }

  private static List<String> failures(TestExecutionSummary summary) {
    return summary.getFailures().stream().map(f -> f.getException().getMessage()).toList();
  }

  @Test
  void aClassThatLeavesAnActorSystemRunningFailsNamingIt() {
    TestExecutionSummary summary = run(LeavesAnActorSystem.class);
    assertThat(summary.getTestsSucceededCount()).as("its test itself passed").isEqualTo(1);
    assertThat(failures(summary)).singleElement().asString()
        .contains("LeavesAnActorSystem left running after its last test").contains("actor system leak-guard-leaked");
  }

  @Test
  void aClassThatLeavesAWardenMBeanRegisteredFailsNamingIt() {
    TestExecutionSummary summary = run(LeavesAnMBean.class);
    assertThat(failures(summary)).singleElement().asString().contains("MBean " + MBEAN);
  }

  @Test
  void aClassThatTerminatesWhatItStartedPasses() {
    TestExecutionSummary summary = run(CleansUp.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(failures(summary)).isEmpty();
  }

  static class LeavesAnActorSystem {
    @Test
    void startsOne() {
      leaked = ActorSystem.create(Behaviors.empty(), "leak-guard-leaked");
    }
  }

  /** A Warden-shaped MBean that is never unregistered. */
  public interface LeakedMBean {
    int getValue();
  }

  static class LeavesAnMBean {
    @Test
    void registersOne() throws Exception {
      ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(() -> 1, LeakedMBean.class), MBEAN);
    }
  }

  static class CleansUp {
    @Test
    void startsAndTerminatesOne() {
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "leak-guard-clean");
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
