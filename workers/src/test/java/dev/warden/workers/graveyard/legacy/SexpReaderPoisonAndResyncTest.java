package dev.warden.workers.graveyard.legacy;

import static dev.warden.workers.graveyard.legacy.ReadResult.readAll;
import static dev.warden.workers.graveyard.legacy.ReadResult.write;
import static dev.warden.workers.graveyard.legacy.SexpReaderDamageTest.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that would poison the index (numbers that overflow a double), records glued to the
 * garbage before them, and damage at the very start of a file.
 */
class SexpReaderPoisonAndResyncTest {

  @TempDir
  Path dir;

  private static final String HUGE = "1" + "0".repeat(400);

  private static int len(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void assertDamage(Damage d, DamageReason reason, long offset, long length) {
    assertEquals(reason, d.reason(), d.toString());
    assertEquals(offset, d.offset(), d.toString());
    assertEquals(length, d.length(), d.toString());
  }

  @Test
  void aFloatThatOverflowsADoubleQuarantinesItsRecordWhereverItStands() throws IOException {
    String sl = "(:NAME \"INF\" :SL 1e999999999 :TP 1.2)\n";
    String sharpe = "(:NAME \"INF2\" :SL 0.3 :TP 1.2 :SHARPE -1d400)\n";
    ReadResult r = readAll(write(dir, rec("A") + sl + rec("B") + sharpe + rec("C")));
    assertEquals(List.of("A", "B", "C"), r.names());
    assertEquals(List.of(DamageReason.NON_FINITE, DamageReason.NON_FINITE), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.NON_FINITE, len(rec("A")), len(sl) - 1);
    assertTrue(r.damages().get(0).detail().contains("1e999999999"), r.damages().get(0).detail());
    assertDamage(r.damages().get(1), DamageReason.NON_FINITE, len(rec("A") + sl + rec("B")), len(sharpe) - 1);
  }

  @Test
  void aHugeIntegerOrRatioIsNonFiniteWhereTheDaemonComputesWithItAndReadElsewhere() throws IOException {
    String sl = "(:NAME \"BIG-SL\" :SL " + HUGE + " :TP 1.2)\n";
    String ts = "(:NAME \"BIG-TS\" :SL 0.3 :TP 1.2 :TIMESTAMP " + HUGE + ")\n";
    String tp = "(:NAME \"BIG-TP\" :SL 0.3 :TP " + HUGE + "/3)\n";
    String elsewhere = "(:NAME \"BIG-WIN\" :SL 0.3 :TP 1.2 :WIN-RATE " + HUGE + ")\n";
    ReadResult r = readAll(write(dir, sl + ts + rec("A") + tp + elsewhere));
    assertEquals(List.of("A", "BIG-WIN"), r.names());
    assertEquals(List.of(DamageReason.NON_FINITE, DamageReason.NON_FINITE, DamageReason.NON_FINITE), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.NON_FINITE, 0, len(sl) - 1);
    assertDamage(r.damages().get(1), DamageReason.NON_FINITE, len(sl), len(ts) - 1);
    assertDamage(r.damages().get(2), DamageReason.NON_FINITE, len(sl + ts + rec("A")), len(tp) - 1);
    assertTrue(r.damages().get(0).detail().startsWith(":SL 1000"), r.damages().get(0).detail());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LegacyRecord.parse(sl));
    assertTrue(e.getMessage().startsWith("NON_FINITE"), e.getMessage());
  }

  @Test
  void recordsGluedToGarbageWithoutALineBreakAreReadAndTheGarbageNamedForWhatItIs() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(rec("A").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {0, 0, 0, 0});
    out.writeBytes(rec("B").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    out.writeBytes(rec("C").getBytes(StandardCharsets.UTF_8));
    out.writeBytes("WRITE-FAILED 42 ".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(rec("D").getBytes(StandardCharsets.UTF_8));
    ReadResult r = readAll(write(dir, out.toByteArray()));
    assertEquals(List.of("A", "B", "C", "D"), r.names());
    assertEquals(List.of(DamageReason.BINARY_GARBAGE, DamageReason.BINARY_GARBAGE, DamageReason.TOP_LEVEL_ATOM),
        r.reasons());
    int a = len(rec("A"));
    assertDamage(r.damages().get(0), DamageReason.BINARY_GARBAGE, a, 4);
    assertDamage(r.damages().get(1), DamageReason.BINARY_GARBAGE, a + 4 + len(rec("B")), 3);
    assertDamage(r.damages().get(2), DamageReason.TOP_LEVEL_ATOM, a + 4 + len(rec("B")) + 3 + len(rec("C")), 16);
  }

  @Test
  void aRecordCutShortByGarbageGluedToTheNextRecordCostsOnlyItself() throws IOException {
    String cut = "(:NAME \"X\" :SL 0.3";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(cut.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {0, 0, 0, 0, 0});
    out.writeBytes(rec("B").getBytes(StandardCharsets.UTF_8));
    out.writeBytes((cut + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
    out.writeBytes(rec("C").getBytes(StandardCharsets.UTF_8));
    ReadResult r = readAll(write(dir, out.toByteArray()));
    assertEquals(List.of("B", "C"), r.names());
    assertEquals(List.of(DamageReason.CUT_SHORT, DamageReason.CUT_SHORT), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.CUT_SHORT, 0, len(cut) + 5);
    assertDamage(r.damages().get(1), DamageReason.CUT_SHORT, len(cut) + 5 + len(rec("B")), len(cut) + 3);
  }

  @Test
  void aRecordInsideGarbageThatDoesNotEndTheLineIsNotTakenForARecord() throws IOException {
    String junk = "WRITE-FAILED(:NAME \"half\" :SL 1) more junk\n";
    ReadResult r = readAll(write(dir, rec("A") + junk + rec("B")));
    assertEquals(List.of("A", "B"), r.names());
    assertEquals(1, r.damages().size(), r.damages().toString());
    assertEquals(len(rec("A")), r.damages().get(0).offset());
    assertEquals(len(junk), r.damages().get(0).length());
  }

  @Test
  void aTooDeepRecordAtTheStartOfAFileIsQuarantinedFromOffsetZero() throws IOException {
    String deep = "((((((1))))))\n";
    ReaderSettings settings = ReaderSettings.defaults().withMaxDepth(4);
    ReadResult r = readAll(write(dir, deep + rec("B")), ResumePoint.beginning(), settings);
    assertEquals(List.of("B"), r.names());
    assertEquals(List.of(DamageReason.TOO_DEEP), r.reasons());
    assertDamage(r.damages().get(0), DamageReason.TOO_DEEP, 0, len(deep));
    assertEquals(Layout.RECORD_PER_LINE, r.layout());
  }
}
