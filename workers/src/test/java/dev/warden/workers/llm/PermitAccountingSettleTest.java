package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.KindMetrics;
import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import dev.warden.core.WardenSettings;
import dev.warden.core.internal.NodeConfig;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.tree.SupervisorTree;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The settle window of a {@link PermitAccounting} that has just started, 30 s long here: it grants nothing until
 * every Up member has told it what it holds, and then at once. On Pekko's manual clock, with the membership given
 * and probes as holders (a probe's address is this member's); and on a real one-member cluster (127.0.0.1, any
 * port, joined to itself) through a real coordinator, and on two members of which one runs no llm kind (its
 * cluster roles say so): it is not waited for. (Two members and a fail-over: {@code LlmClusterPermitsTest}.)
 */
@ExtendWith(TestKitJUnit5Extension.class)
class PermitAccountingSettleTest {
  /** 28 s to find the singleton plus two 1 s checks: the window is 30 s. */
  private static final String WINDOW_30S =
      "pekko.cluster.singleton-proxy.singleton-identification-interval = 28s\nwarden.llm.idle.check-interval = 1s\n";
  private static final Address SELF = new Address("pekko", "warden", "127.0.0.1", 25520);
  private static final Address OTHER = new Address("pekko", "warden", "127.0.0.1", 25521);

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ConfigFactory.parseString(WINDOW_30S).withFallback(ManualTime.config()))
      .build();

  private final ManualTime clock = ManualTime.get(testKit.system());
  private final Set<Address> up = new CopyOnWriteArraySet<>(List.of(SELF));
  private final SettleWindow.Membership members = new SettleWindow.Membership() {
    @Override
    public Address self() {
      return SELF;
    }

    @Override
    public Set<Address> up() {
      return Set.copyOf(up);
    }
  };
  private final TestProbe<LlmCoordinator.Command> holder = testKit.createTestProbe();

  @Test
  void theFirstPermitIsGrantedAsSoonAsTheOnlyUpMemberHasToldWhatItHoldsNotAtTheWindowsEnd() {
    try (LogCapture logs = LogCapture.start()) {
      ActorRef<PermitAccounting.Command> accounting = askForAPermit(logs);
      holder.expectNoMessage(Duration.ofMillis(200)); // asking is not telling what one holds

      accounting.tell(new PermitAccounting.Held(Map.of(), holder.ref())); // holds nothing: the clock has not moved
      holder.expectMessage(new PermitAccounting.Granted("t1", "m"));
      assertThat(logs.matching("INFO", "^llm permit accounting granting now: all \\[1\\] Up member\\(s\\) told what they hold"
          + " after \\[\\d+\\] ms; \\[0\\] permit\\(s\\) held, \\[1\\] waiting$")).hasSize(1);
      clock.timePasses(Duration.ofSeconds(30)); // the window's timer, cancelled: no second word
      holder.expectNoMessage(Duration.ofMillis(200));
      assertThat(logs.matching("granting now")).hasSize(1);
    }
  }

  @Test
  void anUpMemberThatHasNotToldWhatItHoldsKeepsEveryPermitUntilTheWindowExpires() {
    try (LogCapture logs = LogCapture.start()) {
      ActorRef<PermitAccounting.Command> accounting = askForAPermit(logs);
      up.add(OTHER); // becomes Up during the window: its word is awaited too
      accounting.tell(new PermitAccounting.Held(Map.of(), holder.ref()));
      clock.expectNoMessageFor(Duration.ofSeconds(29), holder);

      clock.timePasses(Duration.ofSeconds(1));
      holder.expectMessage(new PermitAccounting.Granted("t1", "m"));
      assertThat(logs.matching("INFO", "^llm permit accounting granting now: settle window of \\[30000\\] ms expired with Up"
          + " member\\(s\\) \\[pekko://warden@127.0.0.1:25521\\] silent; \\[0\\] permit\\(s\\) held, \\[1\\] waiting$")).hasSize(1);
    }
  }

  /** Spawns the accounting, waits until its window's timer is set (on the manual clock), then asks for a permit of m for t1. */
  private ActorRef<PermitAccounting.Command> askForAPermit(LogCapture logs) {
    Config config = testKit.system().settings().config();
    ActorRef<PermitAccounting.Command> accounting = testKit.spawn(PermitAccounting.create(LlmSettings.create(config), members));
    logs.await("llm permit accounting started on this member");
    accounting.tell(new PermitAccounting.Acquire("t1", "m", holder.ref()));
    return accounting;
  }

  /**
   * A cluster member on 127.0.0.1 (any port), whose singleton proxy finds the singleton in 1 s and whose coordinator
   * checks every 15 s: a settle window of 31 s; its cluster roles are those Warden.start gives a node of {@code kinds}.
   */
  private static ActorTestKit member(String name, int minMembers, List<String> kinds) {
    Config config = Warden.loadConfig(ConfigFactory.parseString("warden.llm.idle.check-interval = 15s\n"
        + "warden.cluster { enabled = on, port = 0, min-nr-of-members = " + minMembers + " }\n" // Artery on 127.0.0.1, any port
        + "warden.data-dir = \"target/permit-accounting-settle-test/" + name + "\"\n"
        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"));
    return ActorTestKit.create("warden", NodeConfig.withKindRoles(config, kinds));
  }

  /** Starts the llm kind's coordinator on {@code member} and asks it for a permit of model m at once. */
  private static CompletableFuture<Void> askThroughACoordinator(ActorTestKit member) {
    Config config = member.system().settings().config();
    KindContext kind = new KindContext(LlmKind.NAME, "/warden/llm", config, WardenSettings.create(config),
        new SupervisorTree(), new KindMetrics(), new JmxRegistry("permit-accounting-settle-test", false));
    // the coordinator first, as on a node that starts: its word waits in its proxy until the singleton is found
    ActorRef<LlmCoordinator.Command> coordinator = member.spawn(LlmCoordinator.create(kind));
    CompletableFuture<Void> grant = new CompletableFuture<>();
    coordinator.tell(new LlmCoordinator.Acquire("job-1#1", "m", grant));
    return grant;
  }

  @Test
  void onAFreshOneMemberClusterTheFirstCallWaitsForTheMembersWordNotForTheWindow() throws Exception {
    ActorTestKit cluster = member("one", 1, List.of(LlmKind.NAME));
    try (LogCapture logs = LogCapture.start()) {
      long asked = System.nanoTime();
      CompletableFuture<Void> grant = askThroughACoordinator(cluster);
      Cluster member = Cluster.get(cluster.system());
      member.manager().tell(Join.create(member.selfMember().address()));

      grant.get(10, TimeUnit.SECONDS); // the window is 31 s, the first check 15 s away
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      assertThat(member.selfMember().status()).isEqualTo(MemberStatus.up());
      assertThat(logs.matching("INFO", "^llm permit accounting granting now: all \\[1\\] Up member\\(s\\) told what they hold"))
          .hasSize(1);
      System.out.printf("one-member cluster: first permit granted [%d] ms after the ask, the join included%n", millis);
    } finally {
      cluster.shutdownTestKit();
    }
  }

  /**
   * A member whose cluster roles say it runs other kinds only (a node started with the ledger, say) never tells
   * the singleton anything: it is not waited for. It is also the oldest member here: the singleton runs on the
   * oldest member that runs the llm kind, not on it (it never starts the singleton's manager).
   */
  @Test
  void aMemberThatDoesNotRunTheLlmKindIsNotWaitedForNorGivenTheSingleton() throws Exception {
    ActorTestKit other = member("ledger-only", 1, List.of("ledger"));
    ActorTestKit llm = member("llm", 1, List.of(LlmKind.NAME));
    try (LogCapture logs = LogCapture.start()) {
      Cluster oldest = Cluster.get(other.system());
      oldest.manager().tell(Join.create(oldest.selfMember().address()));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> oldest.selfMember().status() == MemberStatus.up());

      CompletableFuture<Void> grant = askThroughACoordinator(llm);
      Cluster.get(llm.system()).manager().tell(Join.create(oldest.selfMember().address()));
      grant.get(15, TimeUnit.SECONDS); // its window is 31 s: were the other member waited for, no permit yet
      assertThat(oldest.state().getMembers()).as("both members Up").hasSize(2).allMatch(m -> m.status() == MemberStatus.up());
      assertThat(oldest.selfMember().getRoles()).contains("warden-kind-ledger").doesNotContain("warden-kind-llm");
      assertThat(logs.matching("INFO", "^llm permit accounting granting now: all \\[1\\] Up member\\(s\\) told what they hold"))
          .hasSize(1);
    } finally {
      llm.shutdownTestKit();
      other.shutdownTestKit();
    }
  }
}
