package dev.warden.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.TestPostgres;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.persistence.journal.JournalMXBean;
import dev.warden.core.tree.NodeState;
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
 * is restarted by its supervisor. Then: every submit is answered at once, recorded or refused with
 * "submit it again", whether it was in the failed batch, buffered behind it or waiting in Pekko's stash
 * behind the write (those used to be lost with the partition's incarnation and answered only at the
 * ask timeout, 60 s here); every job submitted then, and submitted again where refused, runs, including
 * those of the restarted partition (whose registered job types used to be lost with it, so its jobs
 * waited forever); and the readers do not fail a recovery each on their own dead connection.
 */
class JournalOutageTest {
  /** Long enough that a call left to its ask timeout fails the test: each must be answered within {@link #PROMPT}. */
  private static final String ASK_TIMEOUT = "warden.ledger.ask-timeout = 60s\n";
  /** A submit refused because its partition's incarnation ended is answered within this (a restart's backoff is at most 5 s). */
  private static final Duration PROMPT = Duration.ofSeconds(10);
  @TempDir Path dir;

  @Test
  void aNodeRidesOutItsDatabaseDroppingEveryConnection() throws Exception {
    try (TestPostgres pg = TestPostgres.freshSchema()) {
      String app = "warden-outage-" + pg.schema(); // only this node's connections are cut, not other tests'
      String conf = pg.config() + "warden.persistence.url = \"" + pg.url() + "&ApplicationName=" + app + "\"\n" + ASK_TIMEOUT;
      try (Warden node = LedgerNode.start(dir, conf)) {
        JobLedger ledger = JobLedger.of(node);
        ledger.register(JobType.of("quick", (p, ctx) -> CompletableFuture.completedFuture("r" + p)));
        for (int i = 0; i < 8; i++) { // every partition has written and read: each holds connections
          submitUntilAccepted(ledger, "before-" + i);
          assertThat(ledger.result("before-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r" + i);
        }

        assertThat(terminate(pg, app)).as("connections of the node cut").isPositive();

        List<String> refused = burst(ledger, "after-", 64); // many wait in the stashes of partitions whose writes fail
        for (int i = 0; i < 64; i++) {
          refused.addAll(submitUntilAccepted(ledger, "after-" + i));
        }
        assertThat(refused).as("a submit whose write met the dead connection, or that waited behind it, is refused at once, saying what to do")
            .isNotEmpty().allSatisfy(m -> assertThat(m).contains("submit it again"));
        for (int i = 0; i < 64; i++) {
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
    // below the ephemeral range: the server is stopped and started again on this port while the node
    // reconnects, and an outgoing connection's source port must not take it meanwhile
    int port = dev.warden.core.Ports.freeLoopbackPort();
    Path serverDir = dir.resolve("server");
    String[] args = {"-tcpPort", Integer.toString(port), "-baseDir", serverDir.toString(), "-ifNotExists"};
    Server server = Server.createTcpServer(args).start();
    try {
      String conf = "warden.persistence.url = \"jdbc:h2:tcp://127.0.0.1:" + port + "/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1\"\n" + ASK_TIMEOUT;
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
        assertThat(burst(ledger, "away-", 32)).as("each submit while the database is away is refused at once, none recorded")
            .hasSize(32).allSatisfy(m -> assertThat(m).contains("submit it again"));

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
        for (int i = 0; i < 32; i++) {
          submitUntilAccepted(ledger, "away-" + i);
          assertThat(ledger.result("away-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo("r" + i);
        }
      }
    } finally {
      server.stop();
    }
  }

  private static long restarts(Warden node, String path) {
    return node.tree().node(path).map(n -> n.getRestartCount()).orElse(0L);
  }

  /**
   * Submits {@code prefix0} … at once, {@code n} of them; each must be answered within {@link #PROMPT},
   * recorded or refused with LedgerBusyException. Answers the refusals' messages.
   */
  private static List<String> burst(JobLedger ledger, String prefix, int n) throws Exception {
    List<CompletableFuture<JobView>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(ledger.submit("quick", prefix + i, Integer.toString(i)).toCompletableFuture());
    }
    List<String> refusals = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String refusal = answer(calls.get(i), prefix + i);
      if (refusal != null) {
        refusals.add(refusal);
      }
    }
    return refusals;
  }

  /** Null once {@code call} recorded job {@code id}, else why it was refused; fails the test when left unanswered beyond {@link #PROMPT}. */
  private static String answer(CompletableFuture<JobView> call, String id) throws Exception {
    try {
      call.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      throw new AssertionError("submit [" + id + "] got no answer within " + PROMPT + " (it waited in the stash of a partition that failed?)", e);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).as("submit [" + id + "]").isInstanceOf(LedgerBusyException.class);
      return e.getCause().getMessage();
    }
  }

  /** Submits {@code id} until accepted; answers the refusals' messages. A submit with no answer within {@link #PROMPT} fails the test. */
  private static List<String> submitUntilAccepted(JobLedger ledger, String id) throws Exception {
    List<String> refusals = new ArrayList<>();
    String payload = id.substring(id.indexOf('-') + 1);
    for (int attempt = 0; attempt < 5; attempt++) {
      String refusal = answer(ledger.submit("quick", id, payload).toCompletableFuture(), id);
      if (refusal == null) {
        return refusals;
      }
      refusals.add(refusal);
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
