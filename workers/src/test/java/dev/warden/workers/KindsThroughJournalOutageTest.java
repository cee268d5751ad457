package dev.warden.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.tree.NodeState;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.build.Builds;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportRequest;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kinds with an event-sourced actor of their own, in local mode, while the journal's database
 * server is away (an H2 TCP server stopped, then started again on the same port): the graveyard's
 * pattern journal (a child of the kind) and the build control plane (the kind's root) fail every write
 * and every recovery meanwhile, and each failed import fails the importer, far more often than
 * max-restarts (3 in 10 s) allows. Those failures are the database's: the actors keep restarting with
 * backoff instead of being parked as DEGRADED (which needed an operator), and once the server is back
 * they recover and work by themselves.
 */
class KindsThroughJournalOutageTest {
  private static final String JOURNAL = "/warden/graveyard/journal";
  private static final String IMPORTER = "/warden/graveyard/importer";
  private static final String PLANE = "/warden/build";

  @TempDir Path dir;

  @Test
  void theGraveyardAndTheBuildPlaneComeBackByThemselvesAfterTheirDatabaseServerWasAway() throws Exception {
    // below the ephemeral range: the server is stopped and started again on this port while the node
    // reconnects, and an outgoing connection's source port must not take it meanwhile
    int port = dev.warden.core.Ports.freeLoopbackPort();
    String[] args = {"-tcpPort", Integer.toString(port), "-baseDir", dir.resolve("server").toString(), "-ifNotExists"};
    Server server = Server.createTcpServer(args).start();
    try {
      String conf = "warden.data-dir = \"" + dir.resolve("node") + "\"\nwarden.jmx.enabled = off\n"
          + "warden.persistence.url = \"jdbc:h2:tcp://127.0.0.1:" + port + "/warden;WRITE_DELAY=0;DB_CLOSE_DELAY=-1\"\n"
          + "warden.graveyard.journal.ask-timeout = 2s\nwarden.graveyard.import.batch-timeout = 1s\n"
          + "warden.build.service.ask-timeout = 2s\n";
      try (Warden node = Warden.start(ConfigFactory.parseString(conf), List.of(GraveyardKind.create(), BuildKind.create()))) {
        Graveyard graveyard = Graveyard.of(node);
        Builds builds = Builds.of(node);
        get(graveyard.whenReady());
        get(graveyard.record(pattern(0)));
        assertThat(get(builds.submit("p0", Set.of())).done()).isTrue();
        Path legacy = Files.writeString(dir.resolve("graveyard.sexp"), pattern(1).toSexp());

        server.stop();
        graveyard.record(pattern(2)); // its write fails: the journal stops, then each of its recoveries fails
        builds.submit("p1", Set.of()); // likewise the control plane, the build kind's root
        for (int i = 0; i < 5; i++) { // each import fails at the journal and fails the importer with it
          assertThat(graveyard.importFiles(ImportRequest.of(legacy)).toCompletableFuture())
              .as("import %d during the outage", i).failsWithin(Duration.ofSeconds(20));
        }
        await().atMost(Duration.ofSeconds(60))
            .until(() -> degraded(node, JOURNAL) || degraded(node, PLANE) || restarts(node, JOURNAL) > 6 && restarts(node, PLANE) > 6);
        for (String path : List.of(JOURNAL, PLANE, IMPORTER)) {
          assertThat(node.tree().node(path).orElseThrow().state()).as("%s not parked: the database is away, not the actor broken", path)
              .isNotEqualTo(NodeState.DEGRADED);
        }
        assertThat(restarts(node, IMPORTER)).as("each failed import crashed the importer").isGreaterThanOrEqualTo(5);

        server = Server.createTcpServer(args).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> running(node, JOURNAL) && running(node, PLANE));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(builds.submit("p2", Set.of())).done());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(graveyard.record(pattern(3))) != null);
        assertThat(get(graveyard.importFiles(ImportRequest.of(legacy))).imported()).as("the importer works again").isEqualTo(1);
        assertThat(graveyard.storedPatterns()).as("patterns 0, 1 (imported) and 3; 2 if its write reached the server")
            .isBetween(3L, 4L);
        assertThat(graveyard.degraded()).isEmpty();
      }
    } finally {
      server.stop();
    }
  }

  private static LegacyRecord pattern(int i) {
    return LegacyRecord.parse("(:NAME \"TREND-USDJPY-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\""
        + " :SL 0.3" + i + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n");
  }

  private static <T> T get(CompletionStage<T> s) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long restarts(Warden node, String path) {
    return node.tree().node(path).map(n -> n.getRestartCount()).orElse(0L);
  }

  private static boolean degraded(Warden node, String path) {
    return node.tree().node(path).map(n -> n.state() == NodeState.DEGRADED).orElse(false);
  }

  private static boolean running(Warden node, String path) {
    return node.tree().node(path).map(n -> n.state() == NodeState.RUNNING).orElse(false);
  }
}
