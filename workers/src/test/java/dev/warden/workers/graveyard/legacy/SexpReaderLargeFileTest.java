package dev.warden.workers.graveyard.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file larger than the reading JVM's whole heap is read completely, damage included. */
class SexpReaderLargeFileTest {

  private static final long FILE_BYTES = 50L * 1024 * 1024;

  @TempDir
  Path dir;

  @Test
  void fileLargerThanTheHeapIsReadInAChildJvmWithThirtyTwoMegabytes() throws Exception {
    Path file = dir.resolve("graveyard.sexp");
    LegacyFileGenerator.Expected expected = LegacyFileGenerator.write(file, FILE_BYTES, 0.01, 42, false);
    assertTrue(Files.size(file) > 32L * 1024 * 1024);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), ReadFileMain.class.getName(), file.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not finish");
    assertEquals(0, child.exitValue(), output);

    Matcher m = Pattern.compile("records=(\\d+) damaged=(\\d+)").matcher(output);
    assertTrue(m.find(), output);
    assertEquals(expected.records(), Long.parseLong(m.group(1)), output);
    assertEquals(expected.damaged(), Long.parseLong(m.group(2)), output);
    assertTrue(expected.damaged() > 1000, "the file carries real damage: " + expected);
  }

  @Test
  void generatedDamageCostsExactlyTheDamagedRecordsInProcess() throws IOException {
    Path file = dir.resolve("compact.sexp");
    LegacyFileGenerator.Expected expected = LegacyFileGenerator.write(file, 8L * 1024 * 1024, 0.01, 7, true);
    ReadResult r = ReadResult.readAll(file);
    assertEquals(expected.records(), r.records().size());
    assertEquals(expected.damaged(), r.damages().size(), r.summary().damageCounts().toString());
    assertEquals(Files.size(file) - 1, r.resume().offset(), "committed up to the last record's ')'");
  }
}
