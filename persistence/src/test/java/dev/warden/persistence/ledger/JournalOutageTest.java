package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.TestPostgres;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.persistence.journal.JournalMXBean;
import dev.warden.core.tree.NodeState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's database drops the node's connections while it runs (a PostgreSQL restart or
 * fail-over, a proxy or firewall cutting idle connections), here by {@code pg_terminate_backend} on
 * a real PostgreSQL. The write that meets a dead connection fails, and the partition that sent it
 * is restarted by its supervisor. Then: a submit in the failed batch gets "submit it again" at once (one
 * that waited in Pekko's stash behind that write is lost with it and answered at the ask timeout only,
 * 3 s here); every job submitted
 * afterwards runs, including those of the restarted partition (whose registered job types used to
 * be lost with it, so its jobs waited forever); and the readers do not fail a recovery each on
 * their own dead connection.
 */
class JournalOutageTest {
  private static final String ASK_TIMEOUT = "(no answer until the ask timeout)";
  @TempDir Path dir;

  @Test
  void aNodeRidesOutItsDatabaseDroppingEveryConnection() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      String app = "warden-outage-" + pg.schema(); // only this node's connections are cut, not other tests'
      // a submit that waited in Pekko's stash behind the failed write is lost with it: answered at the ask timeout
      String conf = pg.config() + "warden.persistence.url = \"" + pg.url() + "&ApplicationName=" + app + "\"\n"
          + "warden.ledger.ask-timeout = 3s\n";
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
        assertThat(refused).as("a submit whose write met the dead connection is refused at once, saying what to do")
            .allSatisfy(m -> assertThat(m).satisfiesAnyOf(r -> assertThat(r).contains("submit it again"), r -> assertThat(r).isEqualTo(ASK_TIMEOUT)));
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

  /**
   * The database server is away for longer (an H2 TCP server stopped, then started again on the same
   * port): a partition that writes meanwhile crashes, and so does each of its recoveries, far more
   * often than max-restarts (3 in 10 s) allows. Those crashes are the database's, not the
   * partition's: it keeps restarting with backoff instead of being parked as DEGRADED (which needed
   * an operator), and once the server is back it recovers and runs jobs by itself.
   */
  @Test
  void aPartitionComesBackByItselfAfterItsDatabaseServerWasAway() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path serverDir = dir.resolve("server");
    String[] args = {"-tcpPort", Integer.toString(port), "-baseDir", serverDir.toString(), "-ifNotExists"};
    Server server = Server.createTcpServer(args).start();
    try {
      // as above: a submit in the stash of an incarnation whose write fails is answered at the ask timeout only
      String conf = "warden.persistence.url = \"jdbc:h2:tcp://127.0.0.1:" + port + "/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1\"\n"
          + "warden.ledger.ask-timeout = 3s\n";
      try (Warden node = LedgerNode.start(dir.resolve("node"), conf)) {
        JobLedger ledger = JobLedger.of(node);
        ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("r" + p)));
        submitUntilAccepted(ledger, "before-0");
        assertThat(ledger.result("before-0").toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r0");

        server.stop();
        ledger.submit("quick", "during-0", "0"); // its write fails: the partition crashes, then each recovery
        String partition = "/warden/ledger/partition-" + LedgerSettings.create(node.system().settings().config()).partitionOf("during-0");
        await().atMost(Duration.ofSeconds(30)).until(() -> restarts(node, partition) > 6);
        assertThat(node.tree().node(partition).orElseThrow().state()).as("not parked: the database is away, not the partition broken")
            .isNotEqualTo(NodeState.DEGRADED);

        server = Server.createTcpServer(args).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> node.tree().node(partition).orElseThrow().state() == NodeState.RUNNING);
        for (int i = 0; i < 8; i++) {
          submitUntilAccepted(ledger, "after-" + i);
        }
        submitUntilAccepted(ledger, "during-0"); // whether or not its first write reached the server
        assertThat(ledger.result("during-0").toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r0");
        for (int i = 0; i < 8; i++) {
          assertThat(ledger.result("after-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r" + i);
        }
      }
    } finally {
      server.stop();
    }
  }

  private static long restarts(Warden node, String path) {
    return node.tree().node(path).map(n -> n.getRestartCount()).orElse(0L);
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
        if (e.getCause() instanceof TimeoutException) { // it waited in the stash of an incarnation that failed
          refusals.add(ASK_TIMEOUT);
          continue;
        }
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
