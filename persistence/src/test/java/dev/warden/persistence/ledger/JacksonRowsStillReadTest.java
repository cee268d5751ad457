package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.internal.LedgerCodec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written while the ledger was bound to jackson-json (serializer id 31: batches and
 * snapshots) recovers under the ledger's own codec (id 7201): finished jobs keep their history,
 * pending and running ones resume and finish, and the on-disk reader decodes both kinds of row.
 * The rows are given the class names they carried then, before the batch and snapshot classes
 * moved to {@code ledger.internal}.
 */
class JacksonRowsStillReadTest {
  private static final int JACKSON_JSON = 31;
  private static final String JACKSON_BINDINGS =
      "pekko.actor.serialization-bindings {\n"
          + "  \"dev.warden.persistence.ledger.internal.LedgerBatch\" = jackson-json\n"
          + "  \"dev.warden.persistence.ledger.internal.PartitionSnapshot\" = jackson-json\n"
          + "  \"dev.warden.persistence.ledger.JobEvent\" = jackson-json\n"
          + "}\n";
  private static final String OFTEN = "warden.ledger.snapshot-every = 2\nwarden.ledger.shutdown.drain-timeout = 100ms\n";

  @TempDir Path dir;

  @Test
  void rowsAndSnapshotsWrittenByJacksonStillRecoverAndRead() throws Exception {
    JobHandler firstRun = (payload, ctx) -> payload.equals("hang") ? new CompletableFuture<>() : CompletableFuture.completedFuture("r-" + ctx.jobId());
    try (Warden node = LedgerNode.start(dir, JACKSON_BINDINGS + OFTEN)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("work", firstRun, JobPolicy.defaults().withMaxConcurrency(2)));
      for (int i = 0; i < 20; i++) {
        await(ledger.submit("work", "done-" + i, "x"));
        assertEquals("r-done-" + i, await(ledger.result("done-" + i)));
      }
      for (int i = 0; i < 10; i++) {
        await(ledger.submit("work", "later-" + i, "hang"));
      }
    }
    asWrittenBeforeTheMove();
    assertEquals(List.of(JACKSON_JSON), List.copyOf(serializerIds("event_journal", "event_ser_id").keySet()), "rows were written with jackson-json");
    assertEquals(List.of(JACKSON_JSON), List.copyOf(serializerIds("snapshot", "snapshot_ser_id").keySet()), "snapshots were taken with jackson-json");
    assertEquals(20, LedgerJournal.read(dir).all(JobEvent.Succeeded.class).size());

    try (Warden node = LedgerNode.start(dir, OFTEN)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("work", (p, ctx) -> CompletableFuture.completedFuture("again-" + ctx.jobId()), JobPolicy.defaults()));
      for (int i = 0; i < 10; i++) {
        assertEquals("again-later-" + i, await(ledger.result("later-" + i)));
      }
      for (int i = 0; i < 20; i++) {
        assertEquals(List.of("Submitted", "Started#1", "Completed#1", "Succeeded"), names(ledger, "done-" + i));
        assertEquals("r-done-" + i, await(ledger.result("done-" + i)));
      }
      await().until(() -> ledger.count("work", "succeeded") == 30);
    }
    Map<Integer, Integer> ids = serializerIds("event_journal", "event_ser_id");
    assertEquals(List.of(JACKSON_JSON, LedgerCodec.SERIALIZER_ID), List.copyOf(ids.keySet()), "old rows keep their id, new ones use the codec");
    assertTrue(serializerIds("snapshot", "snapshot_ser_id").containsKey(LedgerCodec.SERIALIZER_ID), "a snapshot was taken with the codec");
    LedgerJournal journal = LedgerJournal.read(dir);
    for (int i = 0; i < 20; i++) {
      assertEquals(1, journal.count("done-" + i, JobEvent.Succeeded.class), journal.labels("done-" + i).toString());
    }
    for (int i = 0; i < 10; i++) {
      List<String> labels = journal.labels("later-" + i);
      assertEquals(1, journal.count("later-" + i, JobEvent.Succeeded.class), labels.toString());
      assertEquals("Submitted", labels.get(0));
    }

    try (Warden node = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(node);
      await().until(() -> ledger.count("work", "succeeded") == 30);
      assertEquals("again-later-9", await(ledger.result("later-9")));
    }
  }

  /** Jackson rows name their class: back then, the batch and snapshot classes were in the ledger's public package. */
  private void asWrittenBeforeTheMove() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath() + "/warden", "sa", "");
        Statement st = c.createStatement()) {
      int rows = st.executeUpdate("UPDATE \"event_journal\" SET \"event_ser_manifest\" = REPLACE(\"event_ser_manifest\", '.ledger.internal.', '.ledger.')"
          + " WHERE \"event_ser_id\" = " + JACKSON_JSON);
      int snapshots = st.executeUpdate("UPDATE \"snapshot\" SET \"snapshot_ser_manifest\" = REPLACE(\"snapshot_ser_manifest\", '.ledger.internal.', '.ledger.')"
          + " WHERE \"snapshot_ser_id\" = " + JACKSON_JSON);
      assertTrue(rows > 0 && snapshots > 0, "rows " + rows + ", snapshots " + snapshots);
      try (ResultSet rs = st.executeQuery("SELECT DISTINCT \"event_ser_manifest\" FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'ledger-%'")) {
        assertTrue(rs.next());
        assertEquals("dev.warden.persistence.ledger.LedgerBatch", rs.getString(1));
      }
    }
  }

  /** Rows per serializer id in one of the journal's tables, ledger partitions only. */
  private Map<Integer, Integer> serializerIds(String table, String column) throws SQLException {
    Map<Integer, Integer> out = new TreeMap<>();
    String sql = "SELECT \"" + column + "\", COUNT(*) FROM \"" + table + "\" WHERE \"persistence_id\" LIKE 'ledger-%' GROUP BY \"" + column + "\"";
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath() + "/warden", "sa", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getInt(2));
      }
    }
    return out;
  }
}
