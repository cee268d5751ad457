package dev.warden.persistence.ledger.internal;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerNode;
import dev.warden.persistence.ledger.LedgerSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job ids hash to partitions, so a journal must be read with the partition count it was written
 * with: a node started with another count is refused, naming both, and the stored jobs are all
 * still there when it is started with the right one.
 */
class PartitionCountTest {
  @TempDir Path dir;

  /** LedgerNode.FAST runs 4 partitions: these ids land one in each. */
  private final List<String> ids = oneIdPerPartition(4);

  private static List<String> oneIdPerPartition(int partitions) {
    LedgerSettings s = LedgerSettings.create(Warden.loadConfig(ConfigFactory.parseString(LedgerNode.FAST)));
    return IntStream.range(0, partitions)
        .mapToObj(p -> IntStream.range(0, 10_000).mapToObj(i -> "job-" + i).filter(id -> s.partitionOf(id) == p).findFirst().orElseThrow())
        .toList();
  }

  private void runJobs() {
    try (Warden node = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      for (String id : ids) {
        assertEquals("done " + id, await(ledger.submit("work", id, id).thenCompose(v -> ledger.result(id))));
      }
    }
  }

  private void assertAllStillThere() {
    try (Warden node = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(node);
      for (String id : ids) {
        assertEquals(JobStatus.SUCCEEDED, status(ledger, id).status(), id);
      }
    }
  }

  private WardenConfigException refused(int partitions) {
    return assertThrows(WardenConfigException.class, () -> LedgerNode.start(dir, "warden.ledger.partitions = " + partitions + "\n").close());
  }

  @Test
  void anotherCountIsRefusedNamingBothAndNothingIsLost() {
    runJobs();
    WardenConfigException more = refused(8);
    assertEquals("warden.ledger.partitions", more.path());
    assertTrue(more.getMessage().contains("warden.ledger.partitions = 8") && more.getMessage().contains("written with 4 partitions"),
        more.getMessage());
    assertTrue(refused(3).getMessage().contains("set it back to 4"));
    assertAllStillThere();
  }

  @Test
  void aJournalFromBeforeTheCheckIsJudgedByItsRows() throws Exception {
    runJobs();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath() + "/warden", "sa", "");
        Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate("DELETE FROM WARDEN_LEDGER_META"), "the first start recorded the count");
    }
    WardenConfigException fewer = refused(2);
    assertTrue(fewer.getMessage().contains("holds rows of ledger partition 3") && fewer.getMessage().contains("at least 4"),
        fewer.getMessage());
    assertAllStillThere(); // and records 4 again
    assertTrue(refused(5).getMessage().contains("written with 4 partitions"));
  }
}
