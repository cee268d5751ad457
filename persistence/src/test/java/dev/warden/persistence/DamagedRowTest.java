package dev.warden.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import dev.warden.core.tree.NodeState;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random bytes inside the database file that land in a journal row are found at recovery (the
 * partition goes DEGRADED with a clear error), and what a codec decoded from those bytes (here a
 * job id of control characters and undecodable bytes, as a real damaged file produced) reaches the
 * log escaped and bounded: no log line, nor any message of its exception chain, carries raw bytes.
 */
class DamagedRowTest {
  /** The ledger's stop waits its kind-timeout for a DEGRADED partition's drain: keep it short here. */
  private static final String CONF = HighWaterTest.CONF + "warden.supervision.default.backoff.min = 10ms\n"
      + "warden.shutdown.kind-timeout = 2s\nwarden.persistence.checkpoint.final-timeout = 1s\n";

  /**
   * A ledger batch payload as the codec reads it (format 1, no types, 2 events) whose first event
   * has an unknown tag and a job id of raw bytes: NUL, BEL, ESC [, two bytes that are not UTF-8, SOH, DEL.
   */
  private static final byte[] DAMAGED = {1, 0, 2, 99, 9, 0, 7, 27, '[', (byte) 0xff, (byte) 0xfe, 1, 127, 0, 0, 0};

  @TempDir Path dir;

  @Test
  void aDamagedRowDegradesItsPartitionAndEveryLogLineStaysPrintable() throws Exception {
    try (Warden node = TestNode.start(dir, CONF, LedgerKind.create(), CheckpointerKind.create())) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done")));
      IntStream.range(0, 8).forEach(i -> TestNode.await(ledger.submit("work", "job-" + i, "p").thenCompose(v -> ledger.result("job-" + i))));
    }
    String partition = damageFirstLedgerRow();
    try (LogCapture logs = new LogCapture();
        Warden node = TestNode.start(dir, CONF, LedgerKind.create(), CheckpointerKind.create())) {
      await().atMost(Duration.ofSeconds(15)).until(() -> !logs.matching("DEGRADED").isEmpty());
      String degraded = logs.matching("DEGRADED").get(0);
      assertTrue(degraded.contains("journal row " + partition + " #1 (serializer 7201, manifest [B]) does not deserialize:"
          + " java.io.NotSerializableException: unknown ledger event tag 99 for job [\\u0000\\u0007\\u001b[\\ufffd\\ufffd\\u0001\\u007f]"),
          degraded);
      assertEquals(NodeState.DEGRADED, node.tree().node("/warden/ledger/partition-" + partition.substring("ledger-".length()))
          .orElseThrow().state());
      List<String> about = logs.linesWithCauses().stream().filter(l -> l.contains("does not deserialize")).toList();
      assertTrue(about.size() >= 2, logs.lines().toString());
      for (String line : about) {
        assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n'), "printable: " + line);
      }
    }
  }

  /** Replaces the payload of the oldest ledger row with {@link #DAMAGED}; answers its persistence id. */
  private String damageFirstLedgerRow() throws Exception {
    try (Connection c = DriverManager.getConnection(TestNode.url(dir), "sa", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT \"persistence_id\", \"sequence_number\" FROM \"event_journal\""
            + " WHERE \"persistence_id\" LIKE 'ledger-%' ORDER BY \"ordering\" LIMIT 1")) {
      assertTrue(rs.next());
      String pid = rs.getString(1);
      assertEquals(1, rs.getLong(2));
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE \"event_journal\" SET \"event_payload\" = ? WHERE \"persistence_id\" = ? AND \"sequence_number\" = 1")) {
        ps.setBytes(1, DAMAGED);
        ps.setString(2, pid);
        assertEquals(1, ps.executeUpdate());
      }
      st.execute("SHUTDOWN");
      return pid;
    }
  }
}
