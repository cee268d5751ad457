package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.persistence.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Cluster fail-over with the production journal: three members on one PostgreSQL database
 * ({@link TestPostgres}, a fresh schema for this class, dropped afterwards); a member killed with
 * kill -9 under load, then a rolling restart of all three members under load. (The H2 TCP journal's
 * cluster, ClusterFailoverTest, runs the graceful leave; the ledger's fail-over does not depend on
 * which database the journal is.)
 */
class PostgresClusterFailoverTest extends ClusterTestBase {
  @Override
  protected Journal journal() {
    TestPostgres pg = TestPostgres.freshSchema();
    return new Journal(pg.url(), TestPostgres.user(), TestPostgres.password(), pg);
  }

  @Test
  @Order(1)
  void aKill9LosesNothingCompletesNothingTwiceAndEveryAcknowledgedSubmitDuringFailOverExistsOnce() throws Exception {
    // the last node up gets partitions at sharding's next rebalance
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(hostedBy(2)).as(() -> "shard route: " + lastShards).isPositive());
    System.out.printf("cluster: partitions per node before the kill: %d, %d, %d%n", hostedBy(0), hostedBy(1), hostedBy(2));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String id = "kill-" + i;
      assertThat(submit(api[i % 2], id, 200)).as(id).isTrue();
      ids.add(id);
    }
    Submitter client = new Submitter("during-", 20, 0);
    assertThat(management(2, "/ready").status()).as("Pekko Management's /ready").isEqualTo(200);
    nodes[2].destroyForcibly(); // SIGKILL: no leave, no hand-over
    long killed = System.nanoTime();
    assertThat(nodes[2].waitFor(10, TimeUnit.SECONDS)).isTrue();
    // every partition answers a read through node 0 again (the facade retries while one moves)
    Map<Integer, String> probe = new HashMap<>();
    for (String id : ids) {
      probe.putIfAbsent(Math.floorMod(id.hashCode(), PARTITIONS), id);
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (String id : probe.values()) {
        if (api[0].get("/api/v1/jobs/" + id).status() != 200) {
          return false;
        }
      }
      return true;
    });
    long servingMs = (System.nanoTime() - killed) / 1_000_000;
    await().atMost(Duration.ofSeconds(30)).until(() -> api[0].get("/ready").status() == 200 && api[1].get("/ready").status() == 200);
    long readyMs = (System.nanoTime() - killed) / 1_000_000;
    int before = client.acked().size();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.acked().size() >= before + 20); // submits go on after the fail-over
    Set<String> acked = client.stop();
    System.out.printf("cluster: kill -9 -> every partition serving through a survivor in %d ms, both survivors /ready in %d ms;"
        + " %d submits acknowledged during the fail-over%n", servingMs, readyMs, acked.size());

    List<String> all = new ArrayList<>(ids);
    all.addAll(acked);
    Map<String, List<String>> events = awaitSucceeded(all, Duration.ofSeconds(90));
    for (String id : all) {
      assertThat(events.get(id)).as(id).containsOnlyOnce("Submitted");
      assertThat(events.get(id).stream().filter(e -> e.startsWith("Succeeded")).count()).as(id + ": " + events.get(id)).isEqualTo(1);
      assertThat(events.get(id).stream().filter(e -> e.startsWith("GaveUp") || e.startsWith("Cancelled")).count()).as(id).isZero();
    }
    assertThat(acked).as("the client got acknowledgements during the fail-over").isNotEmpty();
  }

  @Test
  @Order(2)
  void aRollingRestartOfEveryMemberUnderLoadLosesNothingAndCompletesNothingTwice() throws Exception {
    restartNode(2); // the member killed in the first scenario
    Set<String> acked;
    try (Submitter load = new Submitter("roll-", 50, 0, 1, 2)) {
      for (int i = 0; i < 3; i++) {
        awaitMoreAcks(load, 10);
        nodes[i].destroy(); // SIGTERM: a graceful leave; submits through the other two go on
        assertThat(nodes[i].waitFor(60, TimeUnit.SECONDS)).as("member " + i + " left within 60 s").isTrue();
        restartNode(i); // on fresh ports; joins through the seeds that are up
      }
      awaitMoreAcks(load, 10); // and after the last one is back
      acked = load.stop();
    }
    System.out.printf("cluster: rolling restart of three members, %d submits acknowledged during it%n", acked.size());
    List<String> ids = new ArrayList<>(acked);
    Map<String, List<String>> events = awaitSucceeded(ids, Duration.ofSeconds(90));
    for (String id : ids) {
      assertThat(events.get(id)).as(id).containsOnlyOnce("Submitted");
      assertThat(events.get(id).stream().filter(e -> e.startsWith("Succeeded")).count()).as(id + ": " + events.get(id)).isEqualTo(1);
      assertThat(events.get(id).stream().filter(e -> e.startsWith("GaveUp") || e.startsWith("Cancelled")).count()).as(id).isZero();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(api[i].get("/ready").status()).as("member " + i + " /ready after the rolling restart").isEqualTo(200);
    }
  }

  private static void awaitMoreAcks(Submitter load, int more) {
    int before = load.acked().size();
    await().atMost(Duration.ofSeconds(60)).until(() -> load.acked().size() >= before + more);
  }
}
