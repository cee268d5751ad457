package dev.warden.workers.graveyard.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader frames tokens eight bytes at a time and reads the file in 64 KiB windows. Shifting a
 * damaged file by 0 to 16 blank bytes moves every token across every alignment and window edge;
 * what the reader reports must not move with it, except for the offsets, by exactly the shift.
 */
class SexpReaderAlignmentTest {

  @TempDir
  Path dir;

  @Test
  void whatIsReadDoesNotDependOnWhereWordsAndWindowsFallInTheFile() throws IOException {
    for (boolean compact : new boolean[] {false, true}) {
      Path original = dir.resolve("original-" + compact + ".sexp");
      LegacyFileGenerator.write(original, 600_000, 0.05, compact ? 11 : 12, compact);
      byte[] bytes = Files.readAllBytes(original);
      List<String> reference = null;
      for (int shift = 0; shift <= 16; shift++) {
        byte[] shifted = new byte[shift + bytes.length];
        Arrays.fill(shifted, 0, shift, (byte) '\n'); // blank lines: not damage
        System.arraycopy(bytes, 0, shifted, shift, bytes.length);
        Path file = ReadResult.write(dir, shifted);
        List<String> seen = report(ReadResult.readAll(file), shift);
        Files.delete(file);
        if (reference == null) {
          reference = seen;
          assertThat(reference).as("the file crosses several windows and holds both records and damage")
              .anyMatch(l -> l.startsWith("DAMAGE")).anyMatch(l -> l.startsWith("RECORD"));
          assertThat(bytes.length).isGreaterThan(8 * 64 * 1024);
        } else {
          assertThat(seen).as("compact=%s, shifted by %s bytes", compact, shift).isEqualTo(reference);
        }
      }
    }
  }

  /** Every record and damage, with offsets taken back by {@code shift}. */
  private static List<String> report(ReadResult r, int shift) {
    List<String> out = new ArrayList<>();
    for (ReadRecord rec : r.records()) {
      out.add("RECORD " + (rec.startOffset() - shift) + "-" + (rec.endOffset() - shift) + " " + rec.record().toSexp()
          + " " + rec.record().keys() + " " + rec.record().values());
    }
    for (Damage d : r.damages()) {
      out.add("DAMAGE " + (d.offset() - shift) + "+" + d.length() + " " + d.reason() + " " + d.detail());
    }
    out.add("SUMMARY records=" + r.summary().records());
    return out;
  }
}
