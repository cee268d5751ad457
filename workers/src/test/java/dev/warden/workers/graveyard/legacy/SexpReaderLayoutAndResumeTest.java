package dev.warden.workers.graveyard.legacy;

import static dev.warden.workers.graveyard.legacy.ReadResult.readAll;
import static dev.warden.workers.graveyard.legacy.ReadResult.write;
import static dev.warden.workers.graveyard.legacy.SexpReaderDamageTest.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The older one-list layout, resuming from an offset, and the quarantine side file. */
class SexpReaderLayoutAndResumeTest {

  @TempDir
  Path dir;

  private static final String OLD = "((:NAME \"A\" :SL 0.3\n  :TP 1.2 :TIMEFRAME 60)\n"
      + " (:NAME \"B\" :REASON \"x (y)\")\n (:NAME \"C\"))\n";

  @Test
  void oldSingleListLayoutIsReadRecordByRecord() throws IOException {
    ReadResult r = readAll(write(dir, OLD));
    assertEquals(Layout.SINGLE_LIST, r.layout());
    assertEquals(List.of("A", "B", "C"), r.names());
    assertEquals(1, r.records().get(0).startOffset());
    assertTrue(r.damages().isEmpty(), r.damages().toString());
  }

  @Test
  void damageInsideOldLayoutCostsOnlyTheDamagedRecord() throws IOException {
    String cut = "(:NAME \"B\" :SL 0.\n ";
    String text = "((:NAME \"A\")\n " + cut + "(:NAME \"C\")\n 42 FOO\n (:NAME \"D\")))\n";
    ReadResult r = readAll(write(dir, text));
    assertEquals(List.of("A", "C", "D"), r.names());
    assertEquals(List.of(DamageReason.CUT_SHORT, DamageReason.TOP_LEVEL_ATOM,
        DamageReason.STRAY_CLOSE_PAREN), r.reasons());
    assertEquals(text.indexOf(cut), r.damages().get(0).offset());
    assertEquals(cut.length(), r.damages().get(0).length());
    assertEquals(text.indexOf("42"), r.damages().get(1).offset());
    assertEquals(text.lastIndexOf("))"), r.damages().get(2).offset());
  }

  @Test
  void newRecordsAppendedAfterOldLayoutAreRead() throws IOException {
    ReadResult r = readAll(write(dir, OLD + rec("D") + rec("E")));
    assertEquals(List.of("A", "B", "C", "D", "E"), r.names());
    assertEquals(Layout.RECORD_PER_LINE, r.layout());
    assertTrue(r.damages().isEmpty(), r.damages().toString());
  }

  @Test
  void resumeFromOffsetReadsOnlyAppendedRecords() throws IOException {
    Path file = write(dir, rec("A") + rec("B"));
    ReadResult first = readAll(file);
    append(file, rec("C") + rec("D"));
    ReadResult second = readAll(file, first.resume(), ReaderSettings.defaults());
    assertEquals(List.of("C", "D"), second.names());
    assertEquals((rec("C") + rec("D")).length() + 1, second.summary().bytesScanned());
    assertEquals((rec("A") + rec("B")).length(), second.records().get(0).startOffset());
  }

  @Test
  void recordBeingAppendedAtEndOfFileIsReadCompleteOnResume() throws IOException {
    String c = rec("C");
    Path file = write(dir, rec("A") + c.substring(0, 20));
    ReadResult first = readAll(file);
    assertEquals(List.of("A"), first.names());
    assertEquals(List.of(DamageReason.CUT_SHORT), first.reasons());
    append(file, c.substring(20) + rec("D"));
    ReadResult second = readAll(file, first.resume(), ReaderSettings.defaults());
    assertEquals(List.of("C", "D"), second.names());
    assertTrue(second.damages().isEmpty());
  }

  @Test
  void resumeInsideOldLayoutKeepsItsRules() throws IOException {
    String head = "((:NAME \"A\")\n (:NAME \"B\")";
    Path file = write(dir, head);
    ReadResult first = readAll(file);
    assertEquals(new ResumePoint(head.length(), Layout.SINGLE_LIST), first.resume());
    append(file, "\n (:NAME \"C\" :SL\n (:NAME \"D\"))\n");
    ReadResult second = readAll(file, first.resume(), ReaderSettings.defaults());
    assertEquals(List.of("D"), second.names(), "C is cut by the one-space-indented record start");
    assertEquals(List.of(DamageReason.CUT_SHORT), second.reasons());
    assertEquals(head.length() + 2, second.damages().get(0).offset());
  }

  @Test
  void resumeOffsetBeyondEndOfFileIsRejectedAsTruncated() throws IOException {
    Path file = write(dir, rec("A"));
    ResumePoint beyond = new ResumePoint(10_000, Layout.RECORD_PER_LINE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SexpReader.open(file, beyond, ReaderSettings.defaults(), QuarantineSink.discard()));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void quarantineFileListsOffsetsReasonsAndBoundedSamples() throws IOException {
    String junk = "JUNK\tline\n";
    Path file = write(dir, rec("A") + junk + rec("B").trim() + "))\n" + rec("C") + "(:NAME \"X");
    Path side = dir.resolve("graveyard.quarantine.tsv");
    ReadSummary summary;
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, file, 2);
        SexpReader reader = SexpReader.open(file, ReaderSettings.defaults(), sink)) {
      reader.readAll(r -> { });
      summary = reader.summary();
      assertEquals(1, sink.suppressed());
    }
    List<String> lines = Files.readAllLines(side);
    assertEquals(4, lines.size(), lines.toString());
    String[] first = lines.get(1).split("\t");
    assertEquals(String.valueOf(rec("A").length()), first[0]);
    assertEquals(String.valueOf(junk.length()), first[1]);
    assertEquals("TOP_LEVEL_ATOM", first[2]);
    assertEquals("JUNK\\x09line\\x0A", first[4]);
    assertTrue(lines.get(3).startsWith("# 1 further"), lines.get(3));
    assertEquals(3, summary.records());
    assertEquals(1, summary.damaged(DamageReason.TOP_LEVEL_ATOM));
    assertEquals(1, summary.damaged(DamageReason.STRAY_CLOSE_PAREN));
    assertEquals(1, summary.damaged(DamageReason.UNTERMINATED_STRING));
  }

  private static void append(Path file, String text) throws IOException {
    Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
  }
}
