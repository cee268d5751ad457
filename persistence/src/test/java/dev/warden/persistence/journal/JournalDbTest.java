package dev.warden.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's database side on a real H2 file: group commits, isolation of a bad write, bounds, close. */
class JournalDbTest {
  @TempDir Path dir;
  private JournalDb db;

  private JournalDb open(int queueSize) {
    PersistenceSettings settings =
        PersistenceSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + dir.toAbsolutePath() + "\"")));
    SchemaBootstrap.ensure(settings);
    db = new JournalDb(settings, new JournalSettings(2, queueSize, 64, false));
    return db;
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private static JournalDb.Change insert(String pid, long seqNr) {
    return c -> {
      String sql = "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\","
          + " \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'w', 0, '', X'01', 1, '')";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, pid);
        ps.setLong(2, seqNr);
        ps.executeUpdate();
      }
    };
  }

  private long rows(String pid) throws Exception {
    return db.read(c -> count(c, pid)).get(10, TimeUnit.SECONDS);
  }

  private static long count(Connection c, String pid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      ps.setString(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A change that holds the writer until released, so the writes behind it queue up and commit as one group. */
  /** A change the writer is running now, holding its commit until {@link #release}. */
  private record HeldWriter(CompletableFuture<Void> done, CountDownLatch gate) {
    void release() {
      gate.countDown();
    }
  }

  /** Hands the writer a change that blocks it, and waits until the writer runs it. */
  private static HeldWriter holdWriter(JournalDb db) throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> done = db.write(
        c -> {
          entered.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer runs the holding change");
    return new HeldWriter(done, release);
  }

  @Test
  void aFailingWriteInAGroupFailsOnlyItsOwnCaller() throws Exception {
    JournalDb db = open(100);
    db.write(insert("p", 1)).get(10, TimeUnit.SECONDS);
    HeldWriter held = holdWriter(db);
    List<CompletableFuture<Void>> group = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      group.add(db.write(insert("p", i)));
    }
    CompletableFuture<Void> duplicate = db.write(insert("p", 1)); // primary key (pid, seqNr) taken
    for (int i = 6; i <= 9; i++) {
      group.add(db.write(insert("p", i)));
    }
    held.release();
    held.done().get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Void> f : group) {
      f.get(10, TimeUnit.SECONDS);
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> duplicate.get(10, TimeUnit.SECONDS));
    assertInstanceOf(SQLException.class, e.getCause());
    assertEquals(9, rows("p"), "rows 1..9, each once; the duplicate changed nothing");
  }

  @Test
  void aLoneChangeIsCommittedOnTheCallersThreadBeforeWriteNowReturns() throws Exception {
    JournalDb db = open(100);
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new ArrayList<>();
    CompletableFuture<Void> lone = db.writeNow(c -> {
      ranOn.add(Thread.currentThread());
      insert("n", 1).apply(c);
    });
    assertTrue(lone.isDone(), "committed before writeNow returned");
    lone.get();
    assertEquals(List.of(caller), ranOn);
    assertEquals(1, rows("n"));
    CompletableFuture<Void> duplicate = db.writeNow(insert("n", 1));
    ExecutionException e = assertThrows(ExecutionException.class, () -> duplicate.get(10, TimeUnit.SECONDS));
    assertInstanceOf(SQLException.class, e.getCause());
    db.writeNow(insert("n", 2)).get(10, TimeUnit.SECONDS);
    assertEquals(2, rows("n"), "a failed lone change was rolled back and changed nothing; the next one is stored");
  }

  @Test
  void aChangeWhileACommitRunsGoesToTheWriterThread() throws Exception {
    JournalDb db = open(100);
    HeldWriter held = holdWriter(db);
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> behind = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      JournalDb.Change insert = insert("g", i);
      behind.add(db.writeNow(c -> {
        ranOn.add(Thread.currentThread());
        insert.apply(c);
      }));
    }
    assertTrue(behind.stream().noneMatch(CompletableFuture::isDone), "queued behind the running commit, not committed here");
    held.release();
    CompletableFuture.allOf(held.done(), behind.get(0), behind.get(1), behind.get(2)).get(10, TimeUnit.SECONDS);
    assertEquals(3, ranOn.size());
    assertTrue(ranOn.stream().noneMatch(caller::equals), "the writer thread committed them: " + ranOn);
    assertEquals(3, rows("g"));
  }

  @Test
  void lostConnectionsAreOutagesButDamagedFilesAndBadDataAreNot() {
    RuntimeException refused = new RuntimeException("Exception during recovery", new java.util.concurrent.CompletionException(
        new org.h2.jdbc.JdbcSQLNonTransientConnectionException("Connection is broken", null, "90067", 90067, null, null)));
    assertTrue(JournalDb.isOutage(refused), "an H2 server that went away");
    assertTrue(JournalDb.isOutage(new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01"))));
    assertTrue(JournalDb.isOutage(new SQLException("This connection has been closed.", "08003")));
    assertTrue(JournalDb.isOutage(new java.sql.SQLTransientConnectionException("pool exhausted")));
    assertTrue(JournalDb.isOutage(new RuntimeException(new org.apache.pekko.pattern.CircuitBreakerOpenException(
        scala.concurrent.duration.Duration.Zero(), "Circuit Breaker is open; calls are failing fast"))), "the plugin's breaker, opened by those");
    assertFalse(JournalDb.isOutage(new RuntimeException(new org.h2.jdbc.JdbcSQLNonTransientException(
        "File corrupted while reading record", null, "90030", 90030, null, null))), "a damaged file: restarting cannot cure it");
    assertFalse(JournalDb.isOutage(new SQLException("duplicate key value violates unique constraint", "23505")));
    assertFalse(JournalDb.isOutage(new IllegalStateException("journal row ledger-3 #1 does not deserialize")));
  }

  @Test
  void theWriterOutlivesAChangeThatThrowsAnError() throws Exception {
    JournalDb db = open(100);
    CompletableFuture<Void> broken = db.write(c -> {
      throw new StackOverflowError("simulated");
    });
    ExecutionException e = assertThrows(ExecutionException.class, () -> broken.get(10, TimeUnit.SECONDS));
    assertInstanceOf(StackOverflowError.class, e.getCause());
    db.write(insert("s", 1)).get(10, TimeUnit.SECONDS);
    assertEquals(1, rows("s"), "the next write is committed on a fresh connection");
  }

  @Test
  void aFullQueueRefusesAtOnceNamingTheKey() throws Exception {
    JournalDb db = open(2);
    HeldWriter held = holdWriter(db);
    CompletableFuture<Void> first = db.write(insert("q", 1));
    CompletableFuture<Void> second = db.write(insert("q", 2));
    CompletableFuture<Void> refused = db.write(insert("q", 3));
    assertTrue(refused.isCompletedExceptionally(), "refused at once, not queued");
    ExecutionException e = assertThrows(ExecutionException.class, refused::get);
    assertInstanceOf(RejectedExecutionException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("warden.journal.queue-size"), e.getCause().getMessage());
    held.release();
    CompletableFuture.allOf(held.done(), first, second).get(10, TimeUnit.SECONDS);
    assertEquals(2, rows("q"), "the two queued writes are stored, the refused one is not");
  }

  @Test
  void closeCommitsWhatWasQueuedAndRefusesWhatComesAfter() throws Exception {
    JournalDb db = open(100);
    List<CompletableFuture<Void>> queued = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      queued.add(db.write(insert("r", i)));
    }
    db.close();
    for (CompletableFuture<Void> f : queued) {
      f.get(10, TimeUnit.SECONDS);
    }
    CompletableFuture<Void> late = db.write(insert("r", 51));
    ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    this.db = open(100);
    assertEquals(50, rows("r"));
  }
}
