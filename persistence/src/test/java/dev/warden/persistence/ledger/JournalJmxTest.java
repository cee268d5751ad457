package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.persistence.journal.JournalMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal plugin's figures over JMX, from a node that journals real jobs. */
class JournalJmxTest {
  @TempDir Path dir;

  private static JournalMXBean journal(Warden warden) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new JmxRegistry(warden.jmxNode(), true).name("Journal", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.isRegistered(name));
    return JMX.newMXBeanProxy(server, name, JournalMXBean.class);
  }

  @Test
  void writesCommitsGroupsAndReadsAreCounted() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture(p)));
      List<CompletionStage<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String id = "job-" + i;
        results.add(ledger.submit("echo", id, "p" + i).thenCompose(v -> ledger.result(id)));
      }
      results.forEach(r -> await(r));

      JournalMXBean bean = journal(warden);
      assertEquals("warden-journal", bean.getPlugin());
      long writes = bean.getWrites();
      assertTrue(writes >= 3, "at least a submit, a start and a completion row: " + writes);
      assertTrue(bean.getCommits() >= 1 && bean.getCommits() <= writes, bean.getCommits() + " commits for " + writes + " writes");
      assertTrue(bean.getLargestGroup() >= 1);
      assertTrue(bean.getReads() >= 4, "each of the 4 partitions' recovery read the journal: " + bean.getReads());
      assertEquals(0, bean.getFailedWrites());
      assertEquals(0, bean.getFailedReads());
      assertEquals("", bean.getLastFailure());
    }
  }

  @Test
  void aLedgerWithoutACheckpointerStillPutsTheJournalOnJmx() {
    String conf = "warden.data-dir = \"" + dir.toAbsolutePath().toString().replace("\\", "/") + "\"\n" + LedgerNode.FAST;
    ObjectName name;
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (Warden warden = Warden.start(ConfigFactory.parseString(conf), LedgerKind.create())) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture(p)));
      assertEquals("p", await(ledger.submit("echo", "job", "p").thenCompose(v -> ledger.result("job"))));
      JournalMXBean bean = journal(warden);
      assertEquals("warden-journal", bean.getPlugin());
      assertTrue(bean.getWrites() >= 3, "a submit, a start and a completion row: " + bean.getWrites());
      name = new JmxRegistry(warden.jmxNode(), true).name("Journal", null);
    }
    assertTrue(!server.isRegistered(name), "the ledger unregisters the journal's MBean when it stops");
  }

  @Test
  void anotherPluginIsNamedWithoutFigures() {
    String pekkoJdbc = "pekko.persistence.journal.plugin = \"jdbc-journal\"\npekko.persistence.snapshot-store.plugin = \"jdbc-snapshot-store\"\n";
    try (Warden warden = LedgerNode.start(dir, pekkoJdbc)) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("echo", (p, ctx) -> CompletableFuture.completedFuture(p)));
      assertEquals("p", await(ledger.submit("echo", "job", "p").thenCompose(v -> ledger.result("job"))));
      JournalMXBean bean = journal(warden);
      assertEquals("jdbc-journal", bean.getPlugin());
      assertEquals(0, bean.getWrites());
    }
  }
}
