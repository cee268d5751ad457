package dev.warden.workers.graveyard.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quarantine side file stays whole across kill -9 and re-runs. */
class FileQuarantineSinkTest {

  @TempDir
  Path dir;

  private static final Path SOURCE = Path.of("graveyard.sexp");

  /** The data lines' offsets, after checking that every line is whole. */
  private static List<Long> offsets(Path side) throws IOException {
    String text = Files.readString(side, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    List<Long> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertThat(f).as("a whole line: %s", line).hasSize(5);
      long offset = Long.parseLong(f[0]);
      assertThat(f[1]).isEqualTo("50");
      assertThat(f[2]).isEqualTo("BINARY_GARBAGE");
      assertThat(f[3]).isEqualTo("damaged range number " + offset / 100);
      assertThat(f[4]).endsWith(":REASON \"torn\"");
      out.add(offset);
    }
    return out;
  }

  private static long headers(Path side) throws IOException {
    return Files.readAllLines(side).stream().filter(l -> l.startsWith("# quarantine of")).count();
  }

  @Test
  void aReRunListsNoRangeTwiceAndWritesNoSecondHeader() throws IOException {
    Path side = dir.resolve("g.quarantine.tsv");
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, 100)) {
      for (int i = 0; i < 3; i++) {
        sink.accept(QuarantineWriterMain.damage(i));
      }
    }
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, 100)) {
      for (int i = 1; i < 5; i++) { // a re-run from an earlier resume point meets ranges 1 and 2 again
        sink.accept(QuarantineWriterMain.damage(i));
      }
      assertThat(sink.alreadyListed()).isEqualTo(2);
      assertThat(sink.written()).isEqualTo(2);
    }
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, 100)) {
      // an up-to-date re-run: nothing read, nothing written
    }
    assertThat(offsets(side)).containsExactly(0L, 100L, 200L, 300L, 400L);
    assertThat(headers(side)).isEqualTo(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(side))).isEqualTo("rw-------");
  }

  @Test
  void aLineTornByACrashIsCutAwayAndWrittenWholeByTheReRun() throws IOException {
    Path side = dir.resolve("g.quarantine.tsv");
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, 100)) {
      sink.accept(QuarantineWriterMain.damage(0));
    }
    Files.writeString(side, "100\t50\tBINARY_GA", StandardOpenOption.APPEND);
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, 100)) {
      sink.accept(QuarantineWriterMain.damage(0));
      sink.accept(QuarantineWriterMain.damage(1));
    }
    assertThat(offsets(side)).containsExactly(0L, 100L);
  }

  @Test
  void aWriterKilledWithSigkillLeavesWholeLinesAndTheReRunCompletesThemWithoutDuplicates() throws Exception {
    Path side = dir.resolve("g.quarantine.tsv");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        QuarantineWriterMain.class.getName(), side.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(side) && Files.size(side) > (1 << 20));
    } finally {
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).as("killed, not finished").isNotZero();
    long before = Files.size(side);
    // the re-run reads from its last journaled point (here: the start) and meets every range again
    long last;
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, SOURCE, Long.MAX_VALUE)) {
      last = (before / 50) + 1000;
      for (long i = 0; i <= last; i++) {
        sink.accept(QuarantineWriterMain.damage(i));
      }
    }
    List<Long> offsets = offsets(side);
    assertThat(offsets).hasSize((int) last + 1);
    for (int i = 0; i < offsets.size(); i++) {
      assertThat(offsets.get(i)).isEqualTo(100L * i);
    }
    assertThat(headers(side)).isEqualTo(1);
  }
}
