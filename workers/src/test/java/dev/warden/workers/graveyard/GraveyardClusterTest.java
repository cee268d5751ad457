package dev.warden.workers.graveyard;

import static dev.warden.workers.graveyard.GraveyardNodeTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Solo;
import dev.warden.core.Warden;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode: members (ActorSystems in this JVM, joined on 127.0.0.1, one H2 TCP journal) share one pattern
 * journal writer, a cluster singleton; every member answers queries from its own replica of the index, which
 * follows the journal. A member that joins later answers from the journal (snapshot and events), not by importing
 * anything again, and the writer recovers on another member when its own leaves.
 */
@Solo
class GraveyardClusterTest {
  @TempDir Path dir;
  private final List<Warden> nodes = new ArrayList<>();
  private Server h2;
  private String journalUrl;

  @AfterEach
  void stop() {
    nodes.forEach(Warden::close);
    if (h2 != null) {
      h2.stop();
    }
  }

  private record Member(Warden warden, Graveyard graveyard) {}

  private Member member(String name, int port, int seed) throws IOException {
    String conf = "warden.node-name = \"" + name + "\"\n"
        + "warden.data-dir = \"" + dir.resolve(name).toAbsolutePath() + "\"\n"
        + "warden.jmx.enabled = off\n"
        + "warden.persistence.h2.url = \"" + journalUrl + "\"\n"
        + "warden.graveyard.cluster.follow-interval = 300ms\n"
        + "warden.graveyard.journal.ask-timeout = 45s\n"
        + "warden.cluster { enabled = on, port = " + port + ", seed-nodes = [\"127.0.0.1:" + seed + "\"], stable-after = 3s,"
        + " management.port = " + freePort() + " }\n"
        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n";
    GraveyardKind kind = GraveyardKind.create();
    Warden w = Warden.start(ConfigFactory.parseString(conf), kind);
    nodes.add(w);
    get(kind.graveyard().whenReady());
    return new Member(w, kind.graveyard());
  }

  private static String pretty(int i, String symbol) {
    return "(:NAME \"TREND-" + symbol + "-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"" + symbol + "\"\n"
        + " :SL 0.3" + (i % 10) + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n";
  }

  @Test
  void oneWriterInTheClusterAndEveryMemberAnswersFromTheJournal() throws Exception {
    h2 = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-baseDir", dir.toString(), "-ifNotExists").start();
    journalUrl = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + dir.resolve("journal").toAbsolutePath() + ";WRITE_DELAY=0";
    int seed = freePort();
    Member a = member("a", seed, seed);
    Member b = member("b", freePort(), seed);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
        .allMatch(w -> Cluster.get(w.system()).state().members().size() == 2
            && Cluster.get(w.system()).selfMember().status() == MemberStatus.up()));

    // records through b (not the writer's member: a is the oldest), an import through b
    for (int i = 0; i < 6; i++) {
      get(b.graveyard().record(LegacyRecord.parse(pretty(i, "USDJPY"))));
    }
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      file.append(pretty(i, "EURUSD"));
    }
    Path legacy = Files.writeString(dir.resolve("graveyard.sexp"), file, StandardCharsets.UTF_8);
    ImportReport report = get(b.graveyard().importFiles(ImportRequest.of(legacy)));
    assertThat(report.imported()).isEqualTo(40);
    for (Member m : List.of(a, b)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(m.graveyard().storedPatterns()).isEqualTo(46);
        assertThat(m.graveyard().shouldAvoid(0.32, 1.2)).isTrue();
        assertThat(m.graveyard().importedFiles()).hasSize(1);
      });
    }

    // a member that joins now answers from the journal: the writer's snapshot and the events after it
    Member c = member("c", freePort(), seed);
    assertThat(c.graveyard().storedPatterns()).isEqualTo(46);
    assertThat(c.graveyard().importedFiles()).isEqualTo(a.graveyard().importedFiles());
    assertThat(c.graveyard().shouldAvoid(0.32, 1.2)).isTrue();

    // the writer's member leaves: the writer recovers on the next oldest (b), and writes go on
    a.warden().close();
    nodes.remove(a.warden());
    get(b.graveyard().record(LegacyRecord.parse(pretty(99, "GBPUSD")))); // waits in the proxy while the writer moves
    for (Member m : List.of(b, c)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(m.graveyard().storedPatterns()).isEqualTo(47));
    }
  }

  private static int freePort() throws IOException {
    return dev.warden.core.Ports.freeLoopbackPort(); // below the ephemeral range
  }
}
