package dev.warden.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final String FAST = "warden.persistence.checkpoint.interval = 100ms\n";

  @TempDir Path dir;
  private LogCapture logs;

  @BeforeEach
  void capture() {
    logs = new LogCapture();
  }

  @AfterEach
  void release() {
    logs.close();
  }

  private Warden start() {
    return TestNode.start(dir, FAST, CheckpointerKind.create(), new CounterKind());
  }

  private static Counter.State state(Warden warden) {
    return TestNode.ask(warden, "counter", Counter.Get::new);
  }

  private static void increment(Warden warden, int times) {
    ActorRef<Counter.Command> counter = warden.kind("counter");
    List<CompletableFuture<Done>> acks = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      acks.add(
          AskPattern.<Counter.Command, Done>ask(counter, Counter.Increment::new, Duration.ofSeconds(20), warden.system().scheduler())
              .toCompletableFuture());
    }
    TestNode.await(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
  }

  @Test
  void journalSurvivesARestartOnTheSameFile() {
    try (Warden first = start()) {
      increment(first, 3);
      assertEquals(3, state(first).count());
    }
    try (Warden second = start()) {
      Counter.State recovered = state(second);
      assertEquals(3, recovered.count());
      assertEquals(1, recovered.closedEvents(), "the first run's stop message was journaled too");
    }
  }

  @Test
  void twoHundredEventsWrittenWhileCheckpointingAreAllThereAfterReopen() throws SQLException {
    try (Warden warden = start()) {
      int before = logs.matching("^checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=ok$").size();
      for (int batch = 0; batch < 4; batch++) {
        increment(warden, 50);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> logs.matching("^checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=ok$").size() >= before + 2);
      assertEquals(200, state(warden).count());
    }

    try (Connection c = DriverManager.getConnection(TestNode.url(dir), "sa", "")) {
      assertEquals(201, rows(c, "%"), "200 increments and the stop message's event");
      assertEquals(200, rows(c, "%Incremented"));
      assertEquals(201, contiguousSequenceNumbers(c));
      try (Statement st = c.createStatement(); ResultSet script = st.executeQuery("SCRIPT NODATA")) {
        assertTrue(script.next(), "H2 can script its own schema");
      }
    }

    try (Warden reopened = start()) {
      assertEquals(200, state(reopened).count());
    }
  }

  @Test
  void finalCheckpointRunsAfterTheLastWrite() {
    try (Warden warden = start()) {
      increment(warden, 5);
    }
    List<String> lines = logs.lines();
    int lastWrite = logs.indexOf("^counter \\[counter-1\\] persisted final event at count \\[5\\]$");
    int sync = logs.indexOf("^checkpoint mode=\"CHECKPOINT SYNC\" elapsed_ms=\\d+ outcome=ok$");
    int stats = logs.indexOf("^checkpoint stats n=\\d+ p50_ms=\\d+ p95_ms=\\d+ max_ms=\\d+$");
    assertTrue(lastWrite >= 0, "writer's last event logged: " + lines);
    assertTrue(sync > lastWrite, "CHECKPOINT SYNC after the last write: " + lines);
    assertTrue(stats > sync, "stats after the final checkpoint: " + lines);
    assertEquals(1, logs.matching("CHECKPOINT SYNC").size(), "one final checkpoint: " + lines);
  }

  private static int rows(Connection c, String manifest) throws SQLException {
    String sql = "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"event_ser_manifest\" LIKE ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, CounterKind.ID);
      ps.setString(2, manifest);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Reads every row with its payload; answers how many sequence numbers ran 1..n without a gap. */
  private static int contiguousSequenceNumbers(Connection c) throws SQLException {
    String sql =
        "SELECT \"sequence_number\", \"event_payload\" FROM \"event_journal\" WHERE \"persistence_id\" = ?"
            + " ORDER BY \"sequence_number\"";
    int expected = 1;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, CounterKind.ID);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          assertEquals(expected, rs.getLong(1));
          assertTrue(rs.getBytes(2).length > 0, "payload of " + expected);
          expected++;
        }
      }
    }
    return expected - 1;
  }
}
