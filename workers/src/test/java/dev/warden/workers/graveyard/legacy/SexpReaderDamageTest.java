package dev.warden.workers.graveyard.legacy;

import static dev.warden.workers.graveyard.legacy.ReadResult.readAll;
import static dev.warden.workers.graveyard.legacy.ReadResult.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damage is quarantined at its byte offset and costs no intact neighbour. */
class SexpReaderDamageTest {

  @TempDir
  Path dir;

  static String rec(String name) {
    return "(:NAME \"" + name + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\"\n"
        + " :SL 0.35 :TP 1.2d0 :SHARPE -0.42 :WIN-RATE 3/8)\n";
  }

  private static int len(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void assertDamage(Damage d, DamageReason reason, long offset, long length) {
    assertEquals(reason, d.reason(), d.toString());
    assertEquals(offset, d.offset(), d.toString());
    assertEquals(length, d.length(), d.toString());
  }

  @Test
  void intactPrettyPrintedRecordsAreReadWithTheirByteOffsets() throws IOException {
    String a = rec("A");
    ReadResult r = readAll(write(dir, a + "\n" + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertEquals(0, r.records().get(0).startOffset());
    assertEquals(len(a) - 1, r.records().get(0).endOffset());
    assertEquals(len(a) + 1, r.records().get(1).startOffset());
    assertTrue(r.damages().isEmpty());
    assertEquals(Layout.RECORD_PER_LINE, r.layout());
  }

  @Test
  void recordCutShortIsQuarantinedAndNextRecordImports() throws IOException {
    String cut = "(:NAME \"X\" :TIMEFRAME 60 :SL 0.3\n";
    ReadResult r = readAll(write(dir, rec("A") + cut + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.CUT_SHORT, len(rec("A")), len(cut));
  }

  @Test
  void recordCutShortByEndOfFileIsQuarantinedAndReadAgainOnResume() throws IOException {
    String cut = "(:NAME \"X\" :TIMEFRAME 6";
    ReadResult r = readAll(write(dir, rec("A") + cut));
    assertEquals(List.of("A"), r.names());
    assertDamage(r.damages().get(0), DamageReason.CUT_SHORT, len(rec("A")), len(cut));
    assertEquals(len(rec("A")) - 1, r.resume().offset(), "the cut tail is not committed");
  }

  @Test
  void recordCutInsideStringIsQuarantinedAndNextRecordImports() throws IOException {
    String cut = "(:NAME \"X\" :REASON \"Culling Lo\n";
    ReadResult r = readAll(write(dir, rec("A") + cut + rec("B") + rec("C")));
    assertEquals(List.of("A", "B", "C"), r.names());
    assertDamage(r.damages().get(0), DamageReason.UNTERMINATED_STRING, len(rec("A")), len(cut));
  }

  @Test
  void recordCutAfterBackslashInsideStringStillResyncsAtNextLine() throws IOException {
    String cut = "(:NAME \"X\" :REASON \"say \\\n";
    ReadResult r = readAll(write(dir, cut + rec("B") + rec("C")));
    assertEquals(List.of("B", "C"), r.names());
    assertDamage(r.damages().get(0), DamageReason.UNTERMINATED_STRING, 0, len(cut));
  }

  @Test
  void lineStartParenInsideStringStaysInTheStringWhenNoIntactRecordStartsThere() throws IOException {
    String a = "(:NAME \"A\" :REASON \"see\n(below) and\n(:NAME\" :SL 1)\n";
    ReadResult r = readAll(write(dir, a + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertEquals("see\n(below) and\n(:NAME", r.records().get(0).record().text(LegacyField.REASON));
    assertTrue(r.damages().isEmpty());
  }

  @Test
  void unterminatedStringAtEndOfFileIsQuarantined() throws IOException {
    String cut = "(:NAME \"X";
    ReadResult r = readAll(write(dir, rec("A") + cut));
    assertDamage(r.damages().get(0), DamageReason.UNTERMINATED_STRING, len(rec("A")), len(cut));
  }

  @Test
  void recordsInterleavedMidTokenAreQuarantinedAndNeighboursImport() throws IOException {
    String mixed = "(:NAME \"X\" :TIMEF(:NAME \"Y\" :SYMBOL \"EURUSD\"\n :SL 0.1)RAME 60 :SL 0.2)\n";
    ReadResult r = readAll(write(dir, rec("A") + mixed + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.INTERLEAVED, len(rec("A")), len(mixed) - 1);
  }

  @Test
  void strayCloseParensAreQuarantinedAndRecordsAroundThemImport() throws IOException {
    String a = rec("A").trim();
    ReadResult r = readAll(write(dir, a + "))\n)\n" + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.STRAY_CLOSE_PAREN, len(a), 5);
  }

  @Test
  void topLevelAtomsAreQuarantined() throws IOException {
    String junk = "GARBAGE 42 \"text\"\n";
    ReadResult r = readAll(write(dir, rec("A") + junk + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.TOP_LEVEL_ATOM, len(rec("A")), len(junk));
  }

  @Test
  void binaryGarbageIsQuarantinedAndBlankLinesAreNot() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(rec("A").getBytes(StandardCharsets.UTF_8));
    out.writeBytes("\n\n   \n".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xfe, '(', ')', '\n'});
    out.writeBytes(rec("B").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28, '\n'});
    out.writeBytes(rec("C").getBytes(StandardCharsets.UTF_8));
    ReadResult r = readAll(write(dir, out.toByteArray()));
    assertEquals(List.of("A", "B", "C"), r.names());
    assertEquals(List.of(DamageReason.BINARY_GARBAGE, DamageReason.BINARY_GARBAGE), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.BINARY_GARBAGE, len(rec("A")) + 6, 8);
  }

  @Test
  void oversizedRecordIsQuarantinedAndNextRecordImports() throws IOException {
    String big = "(:NAME \"BIG\" :REASON \"" + "x".repeat(3000) + "\")\n";
    ReaderSettings settings = ReaderSettings.defaults().withMaxRecordBytes(1024);
    ReadResult r = readAll(write(dir, rec("A") + big + rec("B")), ResumePoint.beginning(), settings);
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.OVERSIZED, len(rec("A")), len(big));
  }

  @Test
  void tooDeepRecordIsQuarantinedAndNextRecordImports() throws IOException {
    String deep = "(:NAME \"DEEP\" :X ((((((1))))))\n :SL 1)\n";
    ReaderSettings settings = ReaderSettings.defaults().withMaxDepth(4);
    ReadResult r = readAll(write(dir, rec("A") + deep + rec("B")), ResumePoint.beginning(), settings);
    assertEquals(List.of("A", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.TOO_DEEP, len(rec("A")), len(deep));
  }

  @Test
  void invalidUtf8InsideRecordIsQuarantinedAndValidMultibyteReads() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String good = "(:NAME \"Zürich — 東京\" :SL 1)\n";
    out.writeBytes(good.getBytes(StandardCharsets.UTF_8));
    byte[] bad = "(:NAME \"bad \u0000\u0000 x\" :SL 1)\n".getBytes(StandardCharsets.ISO_8859_1);
    bad[12] = (byte) 0xc3;
    bad[13] = (byte) 0x28;
    out.writeBytes(bad);
    out.writeBytes(rec("B").getBytes(StandardCharsets.UTF_8));
    ReadResult r = readAll(write(dir, out.toByteArray()));
    assertEquals(List.of("Zürich — 東京", "B"), r.names());
    assertDamage(r.damages().get(0), DamageReason.INVALID_UTF8, len(good), bad.length - 1);
  }

  @Test
  void oddPlistNonKeywordKeyAndEmptyListAreMalformed() throws IOException {
    String odd = "(:NAME \"X\" :SL)\n";
    String nonKey = "(NAME \"X\")\n";
    String empty = "()\n";
    ReadResult r = readAll(write(dir, odd + rec("A") + nonKey + empty + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertEquals(List.of(DamageReason.MALFORMED_RECORD, DamageReason.MALFORMED_RECORD,
        DamageReason.MALFORMED_RECORD), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.MALFORMED_RECORD, 0, len(odd) - 1);
  }

  @Test
  void twoRecordsOnOneLineAreBothRead() throws IOException {
    ReadResult r = readAll(write(dir, "(:NAME \"A\")(:NAME \"B\") (:NAME \"C\")\n"));
    assertEquals(List.of("A", "B", "C"), r.names());
  }

  @Test
  void crlfLineEndingsAndByteOrderMarkAreAccepted() throws IOException {
    byte[] text = ("\uFEFF" + rec("A").replace("\n", "\r\n") + rec("B").replace("\n", "\r\n"))
        .getBytes(StandardCharsets.UTF_8);
    ReadResult r = readAll(write(dir, text));
    assertEquals(List.of("A", "B"), r.names());
    assertEquals(3, r.records().get(0).startOffset());
    assertTrue(r.damages().isEmpty());
  }

  @Test
  void manyDamagedRecordsNeverStopTheRead() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append(rec("G" + i)).append("))\n").append("(:NAME \"cut").append(i).append('\n');
    }
    ReadResult r = readAll(write(dir, text.toString()));
    assertEquals(5000, r.records().size());
    assertEquals(5000, r.summary().damaged(DamageReason.UNTERMINATED_STRING));
    assertEquals(5000, r.summary().damaged(DamageReason.STRAY_CLOSE_PAREN));
    assertEquals(10_000, r.summary().damaged());
  }
}
