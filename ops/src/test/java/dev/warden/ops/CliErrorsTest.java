package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments or config: one line on stderr, exit code 2, no stack trace. */
class CliErrorsTest {
  @TempDir Path work;

  private String stderrOf(Runnable r) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertOneLineUsageError(String[] args, String expected) {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = WardenCli.execute(args));
    assertThat(code[0]).as(err).isEqualTo(2);
    String firstLine = err.lines().filter(l -> l.startsWith("warden: ")).findFirst().orElse("");
    assertThat(firstLine).contains(expected);
    assertThat(err).doesNotContain("\tat ").doesNotContain("Exception:");
  }

  @Test
  void invalidConfigValueNamesTheKeyAndExitsTwo() {
    assertOneLineUsageError(
        new String[] {"run", "--data", work.toString(), "-Dwarden.supervision.default.within=-5s"},
        "warden.supervision.default.within must be > 0, but was -5s");
  }

  @Test
  void negativeCheckpointIntervalIsRejected() {
    assertOneLineUsageError(
        new String[] {"run", "--data", work.toString(), "-Dwarden.persistence.checkpoint.interval=-1s",
          "-Dwarden.jmx.connector.enabled=off"},
        "warden.persistence.checkpoint.interval");
  }

  /** A child `warden run` on a bad data directory: one line on stderr, exit 2, nothing else. */
  private void assertChildRunRefusesDataDir(Path dataDir, Path inTheWay) throws Exception {
    WardenProcess.Ended run = WardenProcess.runToEnd(work, 60, "run", "--data", dataDir.toString(),
        "-Dwarden.jmx.connector.enabled=off");
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr().lines().toList())
        .containsExactly("warden: warden.data-dir " + dataDir + " cannot be created: " + inTheWay + " exists and is not a directory");
    assertThat(run.stdout()).isEmpty();
  }

  @Test
  void aFileInTheWayOfTheDataDirectoryIsOneLineAndExitTwo() throws Exception {
    Path file = Files.createFile(work.resolve("afile"));
    assertChildRunRefusesDataDir(file, file);
  }

  @Test
  void aDataDirectoryUnderAFileIsOneLineAndExitTwo() throws Exception {
    Path file = Files.createFile(work.resolve("afile"));
    assertChildRunRefusesDataDir(file.resolve("sub"), file); // fails for root too, unlike a chmod 000 directory
  }

  @Test
  void aSemicolonInTheDataDirectoryIsRefused() {
    assertOneLineUsageError(
        new String[] {"run", "--data", work.resolve("d;TRACE_LEVEL_FILE=3").toString(), "-Dwarden.jmx.connector.enabled=off"},
        "warden.data-dir must not contain ';'");
    assertThat(work.resolve("d")).doesNotExist();
  }

  @Test
  void aMisspelledKeyUnderStrictIsOneLineNamingTheNearestKey() {
    assertOneLineUsageError(
        new String[] {"run", "--data", work.toString(), "-Dwarden.config.strict=on", "-Dwarden.ledger.partitonz=3"},
        "warden.ledger.partitonz is not a known setting (did you mean warden.ledger.partitions?)");
  }

  @Test
  void unknownOptionExitsTwo() {
    assertOneLineUsageError(new String[] {"run", "--no-such-flag"}, "--no-such-flag");
  }

  @Test
  void missingConfigFileExitsTwo() {
    assertOneLineUsageError(
        new String[] {"run", "--config", work.resolve("nope.conf").toString()}, "config file not found");
  }

  @Test
  void benchChecksItsConfigFileBeforeStartingChildren() {
    assertOneLineUsageError(
        new String[] {"bench", "ledger", "--runs", "1", "--config", work.resolve("nope.conf").toString()}, "config file not found");
  }

  @Test
  void malformedJmxAddressExitsTwo() {
    assertOneLineUsageError(new String[] {"tree", "--jmx", "localhost"}, "--jmx must be HOST:PORT");
  }

  @Test
  void treeWithoutCredentialsExitsTwoAndSaysWhereItLooked() {
    assertOneLineUsageError(new String[] {"tree", "--jmx", "127.0.0.1:1", "--data", work.toString()},
        "no JMX password for monitor: give --password-file FILE");
  }

  @Test
  void aNodeBoundBeyondLoopbackWithoutTlsIsRefused() {
    assertOneLineUsageError(
        new String[] {"run", "--data", work.toString(), "-Dwarden.jmx.connector.host=0.0.0.0"},
        "warden.jmx.connector.host = 0.0.0.0 is not a loopback address");
  }

  @Test
  void unknownBenchScenarioExitsTwo() {
    assertOneLineUsageError(new String[] {"bench", "warp-speed"}, "unknown bench scenario [warp-speed]");
  }
}
