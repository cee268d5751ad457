package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Solo;
import dev.warden.core.Warden;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode: two members (two ActorSystems in this JVM, joined on 127.0.0.1) share one model's permits through
 * the {@link PermitAccounting} singleton: with a limit of 2, six attempts asking on both members get 2 permits in
 * the whole cluster, and each permit given back lets exactly one more in.
 */
@Solo
class LlmClusterPermitsTest {
  @TempDir Path dir;
  private final List<Warden> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Warden::close);
  }

  private Warden member(String name, int port, int seed) throws IOException {
    String conf = "warden.node-name = \"" + name + "\"\n"
        + "warden.data-dir = \"" + dir.resolve(name).toAbsolutePath() + "\"\n"
        + "warden.jmx.enabled = off\n"
        + "warden.llm.bulkhead.default-max-concurrency = 2\n"
        + "warden.llm.idle.check-interval = 200ms\n"
        + "warden.cluster { enabled = on, port = " + port + ", seed-nodes = [\"127.0.0.1:" + seed + "\"], stable-after = 3s,"
        + " management.port = " + freePort() + " }\n"
        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n";
    Warden w = Warden.start(ConfigFactory.parseString(conf), LlmKind.create());
    nodes.add(w);
    return w;
  }

  @Test
  void aModelsLimitHoldsAcrossTheClusterAndAReleasedPermitLetsOneMoreIn() throws IOException {
    int seed = freePort();
    Warden a = member("a", seed, seed);
    Warden b = member("b", freePort(), seed);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
        .allMatch(w -> Cluster.get(w.system()).state().members().size() == 2
            && Cluster.get(w.system()).selfMember().status() == MemberStatus.up()));

    List<String> tickets = new ArrayList<>();
    List<CompletableFuture<Void>> grants = new ArrayList<>();
    List<ActorRef<LlmCoordinator.Command>> where = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ActorRef<LlmCoordinator.Command> coordinator = (i % 2 == 0 ? b : a).kind(LlmKind.NAME); // b first: not the singleton's member
      CompletableFuture<Void> grant = new CompletableFuture<>();
      coordinator.tell(new LlmCoordinator.Acquire("job-" + i + "#1", "m", grant));
      tickets.add("job-" + i + "#1");
      grants.add(grant);
      where.add(coordinator);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> granted(grants) == 2);
    // held for several resend rounds (200 ms): re-sent waiters and held-lists grant nothing more
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> granted(grants) == 2);

    for (int round = 3; round <= 6; round++) {
      int i = firstGrantedNotReleased(grants, tickets);
      where.get(i).tell(new LlmCoordinator.Release(tickets.get(i), "m", "c", 60, 10, LlmCoordinator.Outcome.COMPLETED));
      tickets.set(i, null);
      int expected = round;
      await().atMost(Duration.ofSeconds(10)).until(() -> granted(grants) == expected);
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> granted(grants) == expected);
    }
  }

  @Test
  void theSingletonStartedAgainOnAnotherMemberAdoptsThePermitsHeldThereSoTheLimitStillHolds() throws IOException {
    int seed = freePort();
    Warden a = member("a", seed, seed);
    Warden b = member("b", freePort(), seed);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
        .allMatch(w -> Cluster.get(w.system()).state().members().size() == 2
            && Cluster.get(w.system()).selfMember().status() == MemberStatus.up()));
    ActorRef<LlmCoordinator.Command> onB = b.kind(LlmKind.NAME);
    List<CompletableFuture<Void>> grants = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Void> grant = new CompletableFuture<>();
      onB.tell(new LlmCoordinator.Acquire("job-" + i + "#1", "m", grant));
      grants.add(grant);
      if (i < 2) { // in order: 0 and 1 hold the permits
        await().atMost(Duration.ofSeconds(20)).until(grant::isDone);
      }
    }
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> granted(grants) == 2);

    a.close(); // graceful leave: the singleton (on the oldest, a) starts again on b, with nothing in it
    nodes.remove(a);
    await().atMost(Duration.ofSeconds(30)).until(() -> Cluster.get(b.system()).state().members().size() == 1);
    // b tells the new singleton what it holds before its waiter asks again: the waiter must still wait
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> !grants.get(2).isDone());

    onB.tell(new LlmCoordinator.Release("job-0#1", "m", "c", 60, 10, LlmCoordinator.Outcome.COMPLETED));
    await().atMost(Duration.ofSeconds(10)).until(() -> grants.get(2).isDone());
  }

  private static long granted(List<CompletableFuture<Void>> grants) {
    return grants.stream().filter(CompletableFuture::isDone).count();
  }

  private static int firstGrantedNotReleased(List<CompletableFuture<Void>> grants, List<String> tickets) {
    for (int i = 0; i < grants.size(); i++) {
      if (grants.get(i).isDone() && tickets.get(i) != null) {
        return i;
      }
    }
    throw new AssertionError("no permit held");
  }

  private static int freePort() throws IOException {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
