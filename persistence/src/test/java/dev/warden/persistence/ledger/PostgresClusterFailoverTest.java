package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.persistence.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterTestBase}'s kill -9 scenario with the production journal: three members on one
 * PostgreSQL database ({@link TestPostgres}, a fresh schema for this class, dropped afterwards); then
 * a rolling restart of all three members under load.
 */
class PostgresClusterFailoverTest extends ClusterTestBase {
  @Override
  protected Journal journal() {
    TestPostgres pg = TestPostgres.freshSchema();
    return new Journal(pg.url(), TestPostgres.user(), TestPostgres.password(), pg);
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
