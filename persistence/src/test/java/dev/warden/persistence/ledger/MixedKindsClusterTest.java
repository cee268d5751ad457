package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster whose members run different kinds: the oldest member runs no ledger, a younger one does. Each
 * member carries a cluster role per kind it runs, and the ledger's partitions (a sharded daemon process, whose
 * coordinator is a singleton on the oldest member of the role) run on the members that run the ledger; before
 * the roles, the coordinator waited for the oldest member, which never starts it, and no partition ever ran.
 * (The kinds' own singletons: PermitAccountingSettleTest.)
 */
class MixedKindsClusterTest {
  @TempDir Path dir;

  /** A kind that does nothing: a member that runs it and no ledger. */
  private static final WorkerKind<Void> OTHER = WorkerKind.of("other", context -> Behaviors.empty());

  @Test
  void theLedgerRunsOnTheMembersThatRunItWhenTheOldestMemberDoesNot() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      int seed = freePort();
      Warden oldest = Warden.start(ConfigFactory.parseString(pg.config() + "warden.data-dir = \"" + dir.resolve("other").toAbsolutePath()
          + "\"\nwarden.jmx.enabled = off\n" + cluster(seed, seed)), OTHER);
      try {
        Cluster first = Cluster.get(oldest.system());
        await().atMost(Duration.ofSeconds(30)).until(() -> first.selfMember().status() == MemberStatus.up());
        try (Warden node = LedgerNode.start(dir.resolve("ledger"), pg.config() + "warden.jmx.enabled = off\n" + cluster(freePort(), seed))) {
          JobLedger ledger = JobLedger.of(node);
          ledger.register(JobType.of("echo", (payload, ctx) -> CompletableFuture.completedFuture(payload)));
          await().atMost(Duration.ofSeconds(60)).until(() -> ledger.recovered() && ledger.partitionsHere().size() == ledger.partitions());
          LedgerNode.await(ledger.submit("echo", "j1", "hello"));
          assertThat(LedgerNode.await(ledger.result("j1"))).isEqualTo("hello");

          Member other = first.selfMember();
          Member withLedger = Cluster.get(node.system()).selfMember();
          assertThat(other.isOlderThan(withLedger)).as("the member without the ledger is the oldest").isTrue();
          assertThat(other.getRoles()).contains("warden-kind-other").doesNotContain("warden-kind-ledger");
          assertThat(withLedger.getRoles()).contains("warden-kind-ledger", "warden-kind-checkpointer");
        }
      } finally {
        oldest.close();
      }
    }
  }

  private static String cluster(int port, int seed) throws Exception {
    return "warden.cluster { enabled = on, port = " + port + ", seed-nodes = [\"127.0.0.1:" + seed + "\"], management.port = "
        + freePort() + " }\n";
  }

  private static int freePort() throws Exception {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
