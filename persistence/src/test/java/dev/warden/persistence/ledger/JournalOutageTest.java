package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.Warden;
import dev.warden.persistence.TestPostgres;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.persistence.journal.JournalMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's database drops the node's connections while it runs (a PostgreSQL restart or
 * fail-over, a proxy or firewall cutting idle connections), here by {@code pg_terminate_backend} on
 * a real PostgreSQL. The write that meets a dead connection fails, and the partition that sent it
 * is restarted by its supervisor. Then: every submit gets an answer at once (accepted, or "submit it
 * again" for the one whose write failed, never silence until the ask timeout); every job submitted
 * afterwards runs, including those of the restarted partition (whose registered job types used to
 * be lost with it, so its jobs waited forever); and the readers do not fail a recovery each on
 * their own dead connection.
 */
class JournalOutageTest {
  @TempDir Path dir;

  @Test
  void aNodeRidesOutItsDatabaseDroppingEveryConnection() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      String app = "warden-outage-" + pg.schema(); // only this node's connections are cut, not other tests'
      String conf = pg.config() + "warden.persistence.url = \"" + pg.url() + "&ApplicationName=" + app + "\"\n";
      try (Warden node = LedgerNode.start(dir, conf)) {
        JobLedger ledger = JobLedger.of(node);
        ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("r" + p)));
        for (int i = 0; i < 8; i++) { // every partition has written and read: each holds connections
          submitUntilAccepted(ledger, "before-" + i);
          assertThat(ledger.result("before-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r" + i);
        }

        assertThat(terminate(pg, app)).as("connections of the node cut").isPositive();

        List<String> refused = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          refused.addAll(submitUntilAccepted(ledger, "after-" + i));
        }
        assertThat(refused).as("the submit whose write met the dead connection was refused, saying what to do")
            .isNotEmpty()
            .allSatisfy(m -> assertThat(m).contains("submit it again"));
        for (int i = 0; i < 16; i++) {
          assertThat(ledger.result("after-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS))
              .as("job after-%d ran, whichever partition it is in", i).isEqualTo("r" + i);
        }
        JournalMXBean journal = JournalDb.mxBean(node.system());
        assertThat(journal.getFailedWrites()).as("the write that met a dead connection").isPositive();
        assertThat(journal.getFailedReads()).as("after the failed write the readers checked their connections: no recovery failed a read").isZero();
      }
    }
  }

  /** Submits {@code id} until accepted; answers the refusals' messages. A submit with no answer in 10 s fails the test. */
  private static List<String> submitUntilAccepted(JobLedger ledger, String id) throws Exception {
    List<String> refusals = new ArrayList<>();
    String payload = id.substring(id.indexOf('-') + 1);
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        ledger.submit("quick", id, payload).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return refusals;
      } catch (TimeoutException e) {
        throw new AssertionError("submit [" + id + "] got no answer within 10 s", e);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).as("submit [" + id + "]").isInstanceOf(LedgerBusyException.class);
        refusals.add(e.getCause().getMessage());
      }
    }
    throw new AssertionError("submit [" + id + "] refused 5 times: " + refusals);
  }

  private static int terminate(TestPostgres pg, String app) throws Exception {
    int n = 0;
    try (Connection c = pg.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'")) {
      while (rs.next()) {
        n += rs.getBoolean(1) ? 1 : 0;
      }
    }
    return n;
  }
}
