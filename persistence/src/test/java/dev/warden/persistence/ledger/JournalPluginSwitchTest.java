package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's journal and snapshot store share Pekko Persistence JDBC's tables and row format: a
 * ledger journaled by either plugin recovers in the other, snapshots included, and its jobs go on.
 */
class JournalPluginSwitchTest {
  private static final String PEKKO_JDBC =
      "pekko.persistence.journal.plugin = \"jdbc-journal\"\npekko.persistence.snapshot-store.plugin = \"jdbc-snapshot-store\"\n";
  private static final String SETTINGS = "warden.ledger.shutdown.drain-timeout = 100ms\nwarden.ledger.snapshot-every = 3\n";

  @TempDir Path dir;

  @Test
  void aLedgerWrittenByEitherPluginRecoversInTheOther() throws Exception {
    int snapshotsBefore;
    try (Warden pekkoJdbc = LedgerNode.start(dir, SETTINGS + PEKKO_JDBC)) {
      submitHanging(JobLedger.of(pekkoJdbc), "a-", 12);
    }
    snapshotsBefore = snapshotRows();
    assertTrue(snapshotsBefore > 0, "Pekko Persistence JDBC saved partition snapshots");

    try (Warden warden = LedgerNode.start(dir, SETTINGS)) {
      JobLedger ledger = JobLedger.of(warden);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      for (int i = 0; i < 12; i++) {
        assertEquals("done p" + i, await(ledger.result("a-" + i)), "job a-" + i + " resumed from the other plugin's rows");
      }
      submitHanging(ledger, "b-", 12);
    }

    try (Warden pekkoJdbc = LedgerNode.start(dir, SETTINGS + PEKKO_JDBC)) {
      JobLedger ledger = JobLedger.of(pekkoJdbc);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      for (int i = 0; i < 12; i++) {
        assertEquals("done p" + i, await(ledger.result("b-" + i)), "job b-" + i + " resumed from Warden's rows");
        List<String> a = names(ledger, "a-" + i);
        assertEquals(1, a.stream().filter(e -> e.startsWith("Succeeded")).count(), a.toString());
      }
    }
  }

  /** Submits jobs whose handler never finishes in this run (the next run's handler completes them). */
  private static void submitHanging(JobLedger ledger, String prefix, int n) {
    ledger.register(new JobType("work", (p, ctx) -> new CompletableFuture<>(), JobPolicy.defaults()));
    for (int i = 0; i < n; i++) {
      await(ledger.submit("work", prefix + i, "p" + i));
    }
  }

  private int snapshotRows() throws SQLException {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath() + "/warden";
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" LIKE 'ledger-%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
