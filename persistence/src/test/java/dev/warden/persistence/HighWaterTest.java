package dev.warden.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.journal.HighWaterMark;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file that lost committed rows (put back from an older copy, truncated, replaced) is
 * noticed at start against the high-water record the checkpointer keeps beside it: the start is
 * refused with one ERROR naming what is missing, unless warden.journal.accept-loss is on, which
 * starts with one WARN and rewrites the record. An intact database starts as before.
 */
class HighWaterTest {
  static final String CONF = "warden.ledger.partitions = 4\nwarden.persistence.checkpoint.interval = 0s\nwarden.jmx.enabled = off\n";
  static final String ACCEPT = "warden.journal.accept-loss = on\n";
  private static final String BEHIND = "is behind its high-water record";

  @TempDir Path dir;
  private LogCapture logs;
  private Process child;

  @BeforeEach
  void capture() {
    logs = new LogCapture();
  }

  @AfterEach
  void release() throws InterruptedException {
    logs.close();
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static Warden node(Path dir, String extra) {
    return TestNode.start(dir, CONF + extra, LedgerKind.create(), CheckpointerKind.create());
  }

  /** Runs jobs {@code from..to-1} to success on a node that then stops cleanly. */
  private void runJobs(int from, int to, String extra) {
    try (Warden node = node(dir, extra)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      List<CompletableFuture<String>> results = IntStream.range(from, to)
          .mapToObj(i -> ledger.submit("work", "job-" + i, "p" + i).thenCompose(v -> ledger.result("job-" + i)).toCompletableFuture())
          .toList();
      results.forEach(TestNode::await);
    }
  }

  private Path db() {
    return dir.resolve("warden.mv.db");
  }

  private Path record() {
    return dir.resolve("warden" + HighWaterMark.SUFFIX);
  }

  private long maxOrdering() throws SQLException {
    try (Connection c = DriverManager.getConnection(TestNode.url(dir), "sa", "")) {
      return HighWaterMark.Level.of(c).maxOrdering();
    }
  }

  /** 30 jobs, a copy of the stopped database, 30 more, then the copy put back: answers [orderings then, at the end]. */
  private long[] rollBack() throws Exception {
    return rollBack("");
  }

  private long[] rollBack(String extra) throws Exception {
    runJobs(0, 30, extra);
    long then = maxOrdering();
    closeDatabase();
    Files.copy(db(), dir.resolve("older.mv.db"));
    runJobs(30, 60, extra);
    long end = maxOrdering();
    closeDatabase();
    Files.copy(dir.resolve("older.mv.db"), db(), StandardCopyOption.REPLACE_EXISTING);
    return new long[] {then, end};
  }

  /** The node closes its database at the final checkpoint; a query of the test's own reopens it. */
  private void closeDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(TestNode.url(dir), "sa", "")) {
      c.createStatement().execute("SHUTDOWN");
    }
  }

  private WardenConfigException refused(String extra) {
    return assertThrows(WardenConfigException.class, () -> node(dir, extra).close());
  }

  @Test
  void aDatabaseTruncatedAfterAKill9IsRefusedAtStart() throws Exception {
    Path out = dir.resolve("node.out");
    child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        HighWaterNodeMain.class.getName(), dir.toString(), "500")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Path ready = dir.resolve("ready");
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !child.isAlive());
    assertTrue(Files.exists(ready), () -> "the node process ended before it was ready:\n" + read(out));
    child.destroyForcibly(); // SIGKILL: no final checkpoint
    assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
      file.setLength(file.length() - 128 * 1024); // the file's last 128 KiB, as a torn copy or a full disk leaves it
    }
    String m = refused("").getMessage();
    assertTrue(m.contains(BEHIND) && m.contains("says ordering " + String.format("%,d", Long.parseLong(Files.readString(ready)))), m);
    assertEquals(1, logs.at("ERROR", BEHIND).size());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no output)";
    }
  }

  @Test
  void aDatabasePutBackFromAnOlderCopyIsRefusedAtStartNamingWhatIsMissing() throws Exception {
    long[] orderings = rollBack();
    String recordBefore = Files.readString(record());
    WardenConfigException e = refused("");
    assertEquals("warden.journal.accept-loss", e.path());
    String m = e.getMessage();
    assertTrue(m.contains("the journal database " + db() + " " + BEHIND + " " + record()), m);
    assertTrue(m.contains("the journal ends at ordering " + String.format("%,d", orderings[0])), m);
    assertTrue(m.contains("says ordering " + String.format("%,d", orderings[1])), m);
    assertTrue(m.contains("(" + String.format("%,d", orderings[1] - orderings[0]) + ") are missing"), m);
    assertTrue(m.contains("-Dwarden.journal.accept-loss=on"), m);
    assertEquals(List.of(m), logs.at("ERROR", BEHIND), "one ERROR, saying the same");
    assertEquals(recordBefore, Files.readString(record()), "nothing was changed");
    assertEquals(orderings[0], maxOrdering(), "nothing was changed");
  }

  /** Pekko Persistence JDBC's plugin writes the same table: the checkpointer keeps the record all the same. */
  @Test
  void underPekkoPersistenceJdbcsPluginARolledBackDatabaseIsRefusedToo() throws Exception {
    String plugin = "pekko.persistence.journal.plugin = \"jdbc-journal\"\npekko.persistence.snapshot-store.plugin = \"jdbc-snapshot-store\"\n";
    long[] orderings = rollBack(plugin);
    String m = refused(plugin).getMessage();
    assertTrue(m.contains("the journal ends at ordering " + String.format("%,d", orderings[0])), m);
    assertTrue(m.contains("says ordering " + String.format("%,d", orderings[1])), m);
  }

  @Test
  void withAcceptLossTheOlderCopyStartsWithOneWarnAndTheRecordIsRewritten() throws Exception {
    long[] orderings = rollBack();
    try (Warden node = node(dir, ACCEPT)) {
      JobLedger ledger = JobLedger.of(node);
      assertEquals(JobStatus.SUCCEEDED, TestNode.await(ledger.status("job-29")).orElseThrow().status());
      assertEquals(Optional.empty(), TestNode.await(ledger.status("job-30")), "the lost jobs are gone");
      assertTrue(Files.readString(record()).contains("journal-max-ordering=" + orderings[0] + "\n"), Files.readString(record()));
    }
    List<String> warns = logs.at("WARN", BEHIND);
    assertEquals(1, warns.size(), logs.lines().toString());
    assertTrue(warns.get(0).startsWith("warden.journal.accept-loss = on: the journal database " + db()), warns.get(0));
    assertEquals(List.of(), logs.at("ERROR", BEHIND));
    runJobs(60, 61, ""); // and the next start, without the flag, is an ordinary one
    assertEquals(1, logs.matching(BEHIND).size());
  }

  @Test
  void aCleanRestartStartsQuietlyAndTheRecordFollowsEachCheckpoint() throws Exception {
    runJobs(0, 10, "");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record())));
    String record = Files.readString(record());
    assertTrue(record.contains("journal-max-ordering=" + maxOrdering() + "\n"), "the final checkpoint recorded the end: " + record);
    runJobs(10, 20, "");
    assertTrue(Files.readString(record()).contains("journal-max-ordering=" + maxOrdering() + "\n"));
    assertEquals(List.of(), logs.matching("high-water"), "nothing to say about an intact database");
  }

  @Test
  void aGarbledOrHugeRecordIsAClearErrorAndAcceptLossWritesItAfresh() throws Exception {
    runJobs(0, 5, "");
    Files.write(record(), new byte[] {'f', 'o', 'r', 'm', 'a', 't', 0, 7, 27, (byte) 0xff, '\n', 'x'});
    WardenConfigException e = refused("");
    String m = e.getMessage();
    assertTrue(m.contains("the journal's high-water record " + record() + " line 1 [format\\u0000\\u0007\\u001b\\u00ff] is not one of"), m);
    assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable: " + m);
    assertTrue(m.contains("delete the record") && m.contains("warden.journal.accept-loss = on"), m);

    Files.write(record(), new byte[4097]);
    assertTrue(refused("").getMessage().contains("is larger than 4096 bytes"));
    Files.writeString(record(), "format=1\njournal-max-ordering=5\njournal-rows=5\n");
    assertTrue(refused("").getMessage().contains("has no written-at line"));

    try (Warden node = node(dir, ACCEPT)) {
      assertEquals(1, logs.at("WARN", "^warden.journal.accept-loss = on: the journal's high-water record .* It is written afresh").size(),
          logs.lines().toString());
    }
    runJobs(5, 6, "");
  }

  @Test
  void aMissingRecordIsWrittenFromTheDatabase() throws Exception {
    runJobs(0, 5, "");
    Files.delete(record());
    try (Warden node = node(dir, "")) {
      assertTrue(Files.readString(record()).contains("journal-max-ordering=" + maxOrdering() + "\n"));
    }
    assertEquals(1, logs.matching("^journal high-water record .* was missing: written from the database").size(), logs.lines().toString());
  }

  @Test
  void aDeletedDatabaseIsRefusedSayingTheJournalIsEmpty() throws Exception {
    runJobs(0, 5, "");
    Files.delete(db());
    SchemaBootstrap.forgetCheckedUrls(); // as a new process would: the schema is created in the new, empty file
    String m = refused("").getMessage();
    assertTrue(m.contains("the journal is empty (0 rows: was the database file deleted or moved?)"), m);
  }
}
