package dev.warden.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.LogCapture;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.persistence.journal.HighWaterMark;
import dev.warden.persistence.journal.JournalFile;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started on a damaged H2 file (truncated, overwritten, replaced) refuses to start with an
 * error naming the file and what is wrong, and leaves the file byte for byte as it was found: H2
 * opening it for writing would have repaired it its own way (a new, empty store over a file whose
 * chunks are gone). One data directory with 20 finished jobs is made once and copied per case.
 */
class DamagedDatabaseFileTest {
  private static final String BEHIND = "is behind its high-water record";
  private static final String UNREADABLE = "cannot read the journal database ";

  @TempDir static Path template;
  @TempDir Path dir;
  private LogCapture logs;

  @BeforeAll
  static void twentyFinishedJobs() {
    try (Warden node = HighWaterTest.node(template, "")) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      IntStream.range(0, 20)
          .mapToObj(i -> ledger.submit("work", "job-" + i, "p" + i).thenCompose(v -> ledger.result("job-" + i)).toCompletableFuture())
          .toList()
          .forEach(TestNode::await);
    }
  }

  @BeforeEach
  void copyTemplate() throws IOException {
    try (Stream<Path> files = Files.list(template)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    logs = new LogCapture();
  }

  @AfterEach
  void release() {
    logs.close();
  }

  private Path db() {
    return dir.resolve("warden.mv.db");
  }

  private RuntimeException refused() {
    return assertThrows(RuntimeException.class, () -> HighWaterTest.node(dir, "").close());
  }

  private void truncate(long size) throws IOException {
    try (FileChannel ch = FileChannel.open(db(), StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private void overwrite(long offset, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(db(), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  /**
   * A file holding only H2's two header blocks: opened for writing, H2 puts a new, empty store in its
   * place. With its high-water record gone too, the node then started with every job lost, silently;
   * with the record, it was refused after the file had been rewritten.
   */
  @Test
  void aFileCutToItsHeadersIsRefusedEvenWithoutItsRecordAndLeftAsItWas() throws IOException {
    truncate(8192);
    Files.delete(dir.resolve("warden" + HighWaterMark.SUFFIX));
    byte[] before = Files.readAllBytes(db());
    String m = refused().getMessage();
    assertTrue(m.startsWith(UNREADABLE + db() + " (8,192 bytes): H2 "), m);
    assertTrue(m.contains("finds no complete store in it to read"), m);
    assertArrayEquals(before, Files.readAllBytes(db()), "the damaged file is as it was found");
  }

  @Test
  void anEmptiedFileIsRefusedAndStaysEmpty() throws IOException {
    truncate(0);
    RuntimeException e = refused();
    assertTrue(e instanceof WardenConfigException && e.getMessage().contains(BEHIND), e.toString());
    assertEquals(0, Files.size(db()), "H2 would have made a new database of it");
    assertEquals(1, logs.at("ERROR", BEHIND).size());
  }

  /** H2 cannot open these at all: the error names the file, its size and H2's reason with the byte offset. */
  @Test
  void aFileCutInsideItsHeaderIsRefusedNamingTheFileItsSizeAndWhereH2StoppedReading() throws IOException {
    truncate(100);
    byte[] before = Files.readAllBytes(db());
    String m = refused().getMessage();
    assertTrue(m.startsWith(UNREADABLE + db() + " (100 bytes): H2 "), m);
    assertTrue(m.contains("Reading from file " + db() + " failed at 100"), "the file and the offset H2 could not read at: " + m);
    assertTrue(m.contains("nothing was changed") && m.contains("backup") && m.contains("org.h2.tools.Recover"), m);
    assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable: " + m);
    assertArrayEquals(before, Files.readAllBytes(db()));
  }

  @Test
  void aFileReplacedByTextIsRefusedAsNotReadable() throws IOException {
    Files.writeString(db(), "this is not a database\n", StandardCharsets.US_ASCII);
    String m = refused().getMessage();
    assertTrue(m.startsWith(UNREADABLE + db() + " (23 bytes): H2 "), m);
    assertEquals("this is not a database\n", Files.readString(db()));
  }

  /** Both header blocks overwritten: H2 has no valid header left to read. */
  @Test
  void aFileWithBothHeadersOverwrittenIsRefusedAndLeftAsItWas() throws IOException {
    byte[] junk = "XXXXXXXXXXXXXXXX".getBytes(StandardCharsets.US_ASCII);
    overwrite(20, junk);
    overwrite(4096 + 20, junk);
    byte[] before = Files.readAllBytes(db());
    String m = refused().getMessage();
    assertTrue(m.startsWith(UNREADABLE + db()), m);
    assertArrayEquals(before, Files.readAllBytes(db()));
  }

  /** An emptied record (a full disk, a truncating copy) says so, rather than "has no journal-rows line". */
  @Test
  void anEmptiedHighWaterRecordIsRefusedSayingItIsEmptyAndTheDatabaseIsLeftAsItWas() throws IOException {
    Path record = dir.resolve("warden" + HighWaterMark.SUFFIX);
    Files.write(record, new byte[0]);
    byte[] before = Files.readAllBytes(db());
    RuntimeException e = refused();
    assertTrue(e instanceof WardenConfigException, e.toString());
    assertTrue(e.getMessage().startsWith("the journal's high-water record " + record + " is empty (0 bytes)."), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db()), "refused before anything opened the database for writing");
  }

  /**
   * H2 refuses a read-only open while a lock file is beside the database ("Lock file exists"); a stale
   * one (H2's default file lock ignores it) must not stop a start that main let through.
   */
  @Test
  void aStaleH2LockFileBesideTheDatabaseDoesNotStopTheStart() throws IOException {
    Files.writeString(dir.resolve("warden.lock.db"), "#FileLock\nid=1234\nmethod=file\n");
    try (Warden node = HighWaterTest.node(dir, "")) {
      assertEquals(JobStatus.SUCCEEDED, TestNode.await(JobLedger.of(node).status("job-19")).orElseThrow().status());
    }
    assertEquals(1, logs.matching("^H2's lock file .*warden.lock.db exists").size(), logs.lines().toString());
  }

  /** Someone made the file read-only (or 000): before, setting the file mode made it writable again and the node wrote to it. */
  @Test
  void aReadOnlyOrUnreadableFileIsRefusedAndKeepsItsMode() throws IOException {
    Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("r--r--r--"));
    byte[] before = Files.readAllBytes(db());
    String m = refused().getMessage();
    assertEquals("the journal database " + db() + " is read-only (r--r--r--: its owner may not read and write it), and the"
        + " node writes its journal there; nothing was changed. To start on it, make it writable again (chmod 600 " + db() + "); to look at it without changing it,"
        + " start on a copy.", m);
    assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())));
    assertArrayEquals(before, Files.readAllBytes(db()));

    Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("---------")); // root reads it all the same
    assertTrue(refused().getMessage().contains(" is read-only (---------: its owner may not read and write it)"));
    assertEquals("---------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())));
    Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("rw-------"));
    assertArrayEquals(before, Files.readAllBytes(db()));
  }

  /**
   * The file intact: the read-only look first changes nothing, and closes what it opened (the file
   * stores DB_CLOSE_DELAY=-1, which would keep a read-only database open for the node's own writes).
   */
  @Test
  void anIntactFileIsLeftAsItWasByTheReadOnlyLookAndTheNodeWritesAfterIt() throws IOException {
    byte[] before = Files.readAllBytes(db());
    JournalFile file = JournalFile.of(TestNode.url(dir)).orElseThrow();
    assertTrue(file.level("sa", "").maxOrdering() > 0, "the journal read read-only");
    assertArrayEquals(before, Files.readAllBytes(db()), "a read-only open writes nothing");
    try (Warden node = HighWaterTest.node(dir, "")) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("work", (p, ctx) -> CompletableFuture.completedFuture("done " + p)));
      for (int i = 0; i < 20; i++) {
        assertEquals(JobStatus.SUCCEEDED, TestNode.await(ledger.status("job-" + i)).orElseThrow().status());
      }
      assertEquals("done p20", TestNode.await(ledger.submit("work", "job-20", "p20").thenCompose(v -> ledger.result("job-20"))));
    }
    assertEquals(List.of(), logs.matching("ERROR", "."));
  }
}
