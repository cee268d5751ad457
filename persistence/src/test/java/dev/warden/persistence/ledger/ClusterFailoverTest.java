package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode on an H2 TCP journal (the zero-install multi-node try-out): a graceful leave hands
 * the leaving node's partitions over with nothing interrupted and no attempt started on it once it
 * stops dispatching. The kill -9 fail-over and a rejoin run on PostgreSQL (PostgresClusterFailoverTest).
 */
class ClusterFailoverTest extends ClusterTestBase {
  private Server h2;

  @Override
  protected Journal journal() throws Exception {
    h2 = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-baseDir", dir.toString(), "-ifNotExists").start();
    String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + dir.resolve("journal").toAbsolutePath() + ";WRITE_DELAY=0";
    return new Journal(url, "sa", "", () -> h2.stop());
  }

  @Test
  void aGracefulLeaveHandsPartitionsOverWithNothingInterrupted() throws Exception {
    // the nodes up after the first get partitions at sharding's next rebalance
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(hostedBy(1)).as("node 1 runs partitions before it leaves").isPositive());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = "leave-" + i;
      assertThat(submit(api[i % 2 == 0 ? 0 : 2], id, 300)).as(id).isTrue();
      ids.add(id);
    }
    Set<String> during;
    try (Submitter load = new Submitter("leave-during-", 300, 0, 2)) { // submits through the staying nodes go on during the leave
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acked().size() >= 20);
      nodes[1].destroy(); // SIGTERM: CoordinatedShutdown; the ledger stops dispatching, then sharding hands node 1's partitions over
      assertThat(nodes[1].waitFor(60, TimeUnit.SECONDS)).as("node 1 left within 60 s").isTrue();
      int left = load.acked().size();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acked().size() >= left + 20);
      during = load.stop();
    }
    ids.addAll(during);
    Map<String, List<String>> events = awaitSucceeded(ids, Duration.ofSeconds(90));
    for (String id : ids) {
      assertThat(events.get(id)).as(id).containsOnlyOnce("Submitted", "Succeeded").doesNotContain("Suspended#1", "Started#2");
    }
    // The node's other kinds stop after the ledger has drained (the test program's slow-stop kind
    // stands for them): no attempt may start on the leaving node once they are stopping.
    List<String> out = List.of(out(1).split("\\R"));
    long kindsStopping = out.stream().filter(l -> l.startsWith("kinds-stopping-at ")).mapToLong(l -> Long.parseLong(l.substring(18).trim()))
        .findFirst().orElseThrow(() -> new AssertionError("node 1 printed no kinds-stopping-at line"));
    List<String> late = out.stream().filter(l -> l.startsWith("attempt-start ") && Long.parseLong(l.split(" ")[2].trim()) > kindsStopping).toList();
    assertThat(late).as("attempts started on node 1 after the ledger stopped dispatching").isEmpty();
    assertThat(api[0].get("/ready").status()).isEqualTo(200);
    assertThat(management(0, "/ready").status()).isEqualTo(200);
  }
}
