package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden graveyard import|regions|check} in-process on a small generated file. */
class GraveyardCommandTest {
  @TempDir Path work;

  private record Run(int code, String out) {}

  private static synchronized Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = WardenCli.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  private Path generate() throws Exception {
    StringBuilder b = new StringBuilder();
    // universal time of 2026-01-01T00:00Z
    long ts = 1767225600L + 2208988800L;
    for (int i = 0; i < 6; i++) {
      b.append("(:NAME \"TREND-USDJPY-H1-").append(i).append("\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\"\n")
          .append(" :SL 0.3").append(i).append(" :TP 1.2d0 :SHARPE -0.42 :TIMESTAMP ").append(ts).append(")\n");
    }
    b.append("(:NAME \"cut short\" :SL 0.3\n");
    for (int i = 0; i < 6; i++) {
      b.append("(:NAME \"X\" :TIMEFRAME 60.0 :DIRECTION :SELL :SYMBOL \"EURUSD\" :SL 1.").append(i).append(" :TP 2.0)\n");
    }
    Path f = work.resolve("graveyard.sexp");
    Files.writeString(f, b.toString());
    return f;
  }

  @Test
  void importingAFileOfNothingButGarbageExitsThreeAndSaysSoWhileSomeIntactRecordsExitZero() throws Exception {
    Path garbage = work.resolve("garbage.sexp");
    Files.write(garbage, "\u0000\u0000 WRITE-FAILED )) 42\n\u00ff\u00fe disk full\n".getBytes(StandardCharsets.ISO_8859_1));
    String data = work.resolve("data").toString();
    Run none = cli("graveyard", "import", garbage.toString(), "--data", data);
    assertThat(none.code()).as(none.out()).isEqualTo(3);
    assertThat(none.out()).contains("NOTHING_READABLE (not one intact record, only 1 damaged range:");
    Run again = cli("graveyard", "import", garbage.toString(), "--data", data);
    assertThat(again.code()).as(again.out()).isEqualTo(3);
    Files.writeString(garbage, "(:NAME \"X\" :SL 0.3 :TP 1.2)\n", java.nio.file.StandardOpenOption.APPEND);
    Run some = cli("graveyard", "import", garbage.toString(), "--data", data);
    assertThat(some.code()).as(some.out()).isZero();
    assertThat(some.out()).contains("IMPORTED").contains("records read 1, imported 1");
  }

  @Test
  void importRegionsAndCheckOnAGeneratedFile() throws Exception {
    Path file = generate();
    String data = work.resolve("data").toString();
    Run imported = cli("graveyard", "import", file.toString(), "--data", data);
    assertThat(imported.code()).as(imported.out()).isZero();
    assertThat(imported.out()).contains("records read 12, imported 12, already present 0, quarantined 1 (CUT_SHORT=1)")
        .contains("MB/s").contains("quarantine file");
    Run again = cli("graveyard", "import", file.toString(), "--data", data);
    assertThat(again.out()).contains("UP_TO_DATE").contains("imported 0, already present 12");

    Run regions = cli("graveyard", "regions", "--json", "--now", "2026-01-15T00:00:00Z", "--data", data);
    assertThat(regions.code()).isZero();
    assertThat(regions.out().lines().toList()).hasSize(2);
    assertThat(regions.out().lines().findFirst().orElseThrow())
        .startsWith("{\"timeframe\":\"60\",\"direction\":\"BUY\",\"symbol\":\"USDJPY\",\"slMin\":0.3,\"slMax\":0.35,\"tpMin\":1.2,\"tpMax\":1.2,\"failureCount\":6,\"weight\":5.7");
    assertThat(regions.out()).contains("{\"timeframe\":\"60.0\",\"direction\":\"SELL\",\"symbol\":\"EURUSD\"");
    // two years on, the timestamped cluster has decayed out; the untimed one stays
    Run later = cli("graveyard", "regions", "--json", "--now", "2028-01-15T00:00:00Z", "--data", data);
    assertThat(later.out().lines().toList()).hasSize(1);

    Run check = cli("graveyard", "check", "--sl", "0.32", "--tp", "1.2", "--symbol", "USDJPY", "--sharpe", "-0.1",
        "--timeframe", "60.0", "--direction", "BUY", "--now", "2026-01-15T00:00:00Z", "--data", data);
    assertThat(check.code()).isZero();
    assertThat(check.out()).contains("shouldAvoid: true").contains("shouldAvoid[60.0 BUY USDJPY]: false")
        .contains("matchesPattern: true");
    Run exempt = cli("graveyard", "check", "--sl", "0.32", "--tp", "1.2", "--sharpe", "0.3", "--data", data);
    assertThat(exempt.out()).contains("matchesPattern: false");
  }
}
