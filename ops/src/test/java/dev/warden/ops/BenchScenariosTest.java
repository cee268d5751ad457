package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.warden.ops.BenchRun.CHILD_JVM_GUARD_S;
import static dev.warden.ops.BenchRun.bench;
import static dev.warden.ops.BenchRun.figure;

import dev.warden.ops.BenchRun.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger, HTTP and reaper bench scenarios end to end at toy size: real child JVMs on real H2
 * files; each figure line must appear, name the durability mode and be sane. The recovery, backlog
 * and builds scenarios: BenchRecoveryScenariosTest (two classes, so the build runs them side by side).
 */
class BenchScenariosTest {
  /**
   * The ledger scenario's every figure, on a config file's durability mode (not the default WRITE_DELAY=0,
   * which the other scenarios run on): its children apply the file, and make their files under --data, not
   * under the file's data-dir.
   */
  @Test
  @Timeout(4 * CHILD_JVM_GUARD_S)
  void ledgerPrintsThroughputBurstFloorRatioRssAndWaitedSubmitLatencyOnTheConfigFilesDurabilityAndDataDirectory(@TempDir Path tmp)
      throws IOException {
    Path conf = tmp.resolve("bench.conf");
    Files.writeString(conf, "warden.persistence.h2.options = \";WRITE_DELAY=100;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE\"\n"
        + "warden.data-dir = \"" + tmp.resolve("not-used").toString().replace("\\", "/") + "\"\n");
    Path work = tmp.resolve("work");
    Run r = bench("ledger", "--jobs", "300", "--runs", "1", "--config", conf.toString(), "--data", work.toString());
    assertThat(r.code()).as(r.out()).isZero();
    String mode = "WRITE_DELAY=100";
    assertThat(figure(r.out(), "ledger.throughput", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.burst", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.floor", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.ratio", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.peak_rss", mode)).isBetween(20.0, 4096.0);
    double submit = figure(r.out(), "ledger.submit_latency", mode);
    assertThat(submit).isPositive().isLessThanOrEqualTo(figure(r.out(), "ledger.submit_latency_p99", mode));
    assertThat(figure(r.out(), "ledger.sync_throughput", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.commit_floor", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.submit_over_floor", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.commit_floor_journal", mode)).isPositive()
        .isLessThanOrEqualTo(figure(r.out(), "ledger.commit_floor_journal_p99", mode));
    assertThat(figure(r.out(), "ledger.submit_over_journal_floor", mode)).isPositive();
    assertThat(figure(r.out(), "ledger.concurrent_submitters", mode)).isPositive();
    assertThat(r.out()).contains("config " + conf.toAbsolutePath()).contains("files under " + work.toAbsolutePath());
    // each run's fresh directory was made under --data (and removed after it); the file's data-dir is not used
    assertThat(work).isEmptyDirectory();
    assertThat(tmp.resolve("not-used")).doesNotExist();
  }

  @Test
  @Timeout(90)
  void httpPrintsSubmitRatesOverHttpAndTheJavaApiTheirRatioGetLatencyAndTheConsolesFirstLoad() {
    Run r = bench("http", "--jobs", "600", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    double overHttp = figure(r.out(), "http.submit_http");
    double java = figure(r.out(), "http.submit_java");
    assertThat(overHttp).isPositive();
    assertThat(java).isPositive();
    assertThat(figure(r.out(), "http.submit_ratio")).isCloseTo(overHttp / java, org.assertj.core.data.Percentage.withPercentage(5));
    assertThat(figure(r.out(), "http.get_p50")).isPositive().isLessThanOrEqualTo(figure(r.out(), "http.get_p99"));
    assertThat(figure(r.out(), "http.console_first_load")).isPositive();
    assertThat(r.out()).contains("600 jobs in the ledger");
  }

  @Test
  @Timeout(60)
  void reaperReapsHungJobsWithinATickOrSo() {
    Run r = bench("reaper", "--jobs", "8", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    double p50 = figure(r.out(), "reaper.late_p50");
    double max = figure(r.out(), "reaper.late_max");
    assertThat(p50).isBetween(0.0, max);
    assertThat(max).isLessThan(5_000.0); // a tick is 1 s; generous for a loaded machine
    assertThat(r.out()).contains("reaper.tick: 1000 ms");
  }
}
