package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.persistence.sexp.DamageReason;
import dev.warden.workers.graveyard.LegacyFileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer streams: a damaged file larger than the importing JVM's whole heap imports in full. */
class GraveyardLargeImportTest {
  @TempDir Path dir;

  @Test
  void fileLargerThanTheHeapImportsThroughTheCliInASmallJvm() throws Exception {
    Path file = dir.resolve("graveyard.sexp");
    LegacyFileWriter.Written w = LegacyFileWriter.write(file,
        LegacyFileWriter.Spec.of(7, 2_000_000, 3_980_000_000L)
            .damaged(0.01, List.of(DamageReason.CUT_SHORT, DamageReason.STRAY_CLOSE_PAREN, DamageReason.BINARY_GARBAGE))
            .compact(72L << 20));
    assertThat(Files.size(file)).isGreaterThan(64L << 20);
    try (WardenProcess p = WardenProcess.startWithHeap(dir, "48m",
        "graveyard", "import", file.toString(), "--data", dir.resolve("data").toString())) {
      assertThat(p.process.waitFor(180, TimeUnit.SECONDS)).as("import finishes").isTrue();
      String out = p.output();
      assertThat(p.process.exitValue()).as(out).isZero();
      assertThat(out).doesNotContain("OutOfMemoryError")
          .contains("imported " + w.records())
          .containsPattern("quarantined [1-9]\\d*");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
