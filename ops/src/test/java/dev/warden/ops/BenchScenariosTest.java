package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger bench scenarios end to end at toy size: real child JVMs on real H2 files, a real
 * kill -9 for recovery; each figure line must appear, name the durability mode and be sane.
 */
class BenchScenariosTest {
  private record Run(int code, String out) {}

  /**
   * A hang guard per bench child JVM (each boots a node on a fresh H2 file), not a speed check. The ledger
   * scenario runs four (throughput, burst, floor, waited submits): 42-64 s in all on this 2-core machine under
   * other builds, against a former guard of 60 s.
   */
  private static final int CHILD_JVM_GUARD_S = 45;

  private static synchronized Run bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "bench";
      System.arraycopy(args, 0, all, 1, args.length);
      int code = WardenCli.execute(all);
      return new Run(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  /** The value of figure line {@code name}, which must name the node's durability mode. */
  private static double figure(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?[0-9.]+) \\S+ \\[WRITE_DELAY=0[^\\]]*\\]$").matcher(out);
    assertThat(m.find()).as("figure line %s with [WRITE_DELAY=0] in:%n%s", name, out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  @Timeout(4 * CHILD_JVM_GUARD_S)
  void ledgerPrintsThroughputBurstFloorRatioRssAndWaitedSubmitLatency() {
    Run r = bench("ledger", "--jobs", "300", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(figure(r.out(), "ledger.throughput")).isPositive();
    assertThat(figure(r.out(), "ledger.burst")).isPositive();
    assertThat(figure(r.out(), "ledger.floor")).isPositive();
    assertThat(figure(r.out(), "ledger.ratio")).isPositive();
    assertThat(figure(r.out(), "ledger.peak_rss")).isBetween(20.0, 4096.0);
    double submit = figure(r.out(), "ledger.submit_latency");
    assertThat(submit).isPositive().isLessThanOrEqualTo(figure(r.out(), "ledger.submit_latency_p99"));
    assertThat(figure(r.out(), "ledger.sync_throughput")).isPositive();
    assertThat(figure(r.out(), "ledger.commit_floor")).isPositive();
    assertThat(figure(r.out(), "ledger.submit_over_floor")).isPositive();
    assertThat(figure(r.out(), "ledger.commit_floor_journal")).isPositive()
        .isLessThanOrEqualTo(figure(r.out(), "ledger.commit_floor_journal_p99"));
    assertThat(figure(r.out(), "ledger.submit_over_journal_floor")).isPositive();
    assertThat(figure(r.out(), "ledger.concurrent_submitters")).isPositive();
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
  @Timeout(4 * CHILD_JVM_GUARD_S)
  void childrenRunOnTheConfigFileAndMakeTheirFilesUnderTheDataDirectory(@TempDir Path tmp) throws IOException {
    // another durability mode than the default WRITE_DELAY=0, and a ledger setting the children must apply too
    Path conf = tmp.resolve("bench.conf");
    Files.writeString(conf, "warden.persistence.h2.options = \";WRITE_DELAY=100;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE\"\n"
        + "warden.data-dir = \"" + tmp.resolve("not-used").toString().replace("\\", "/") + "\"\n");
    Path work = tmp.resolve("work");
    Run r = bench("ledger", "--jobs", "200", "--runs", "1", "--config", conf.toString(), "--data", work.toString());
    assertThat(r.code()).as(r.out()).isZero();
    for (String name : new String[] {"ledger.throughput", "ledger.floor", "ledger.ratio"}) {
      assertThat(r.out()).as(r.out()).containsPattern("(?m)^" + Pattern.quote(name) + ": [0-9.]+ \\S+ \\[WRITE_DELAY=100\\]$");
    }
    assertThat(r.out()).contains("config " + conf.toAbsolutePath()).contains("files under " + work.toAbsolutePath());
    // each run's fresh directory was made under --data (and removed after it); the file's data-dir is not used
    assertThat(work).isEmptyDirectory();
    assertThat(tmp.resolve("not-used")).doesNotExist();
  }

  @Test
  @Timeout(60)
  void recoveryAfterKillLosesAndDuplicatesNothing() {
    Run r = bench("recovery", "--jobs", "60", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(figure(r.out(), "recovery.lost")).isZero();
    assertThat(figure(r.out(), "recovery.duplicate_completions")).isZero();
    // every job was in flight and most were running at the kill: their bodies ran again
    assertThat(figure(r.out(), "recovery.reexecuted")).as(r.out()).isBetween(1.0, 60.0);
    double up = figure(r.out(), "recovery.node_up");
    double redispatch = figure(r.out(), "recovery.redispatch_all");
    double done = figure(r.out(), "recovery.all_done");
    double afterUp = figure(r.out(), "recovery.redispatch_after_node_up");
    assertThat(up).isPositive().isLessThanOrEqualTo(redispatch);
    assertThat(afterUp).isCloseTo(redispatch - up, org.assertj.core.data.Offset.offset(0.02)); // figures print rounded to 3 digits
    assertThat(afterUp).isPositive();
    assertThat(redispatch).isLessThanOrEqualTo(done);
  }

  @Test
  @Timeout(60)
  void backlogColdStartReachesAFirstCompletion() {
    Run r = bench("backlog", "--jobs", "300", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    double up = figure(r.out(), "backlog.node_up");
    double dispatch = figure(r.out(), "backlog.first_dispatch");
    double first = figure(r.out(), "backlog.first_completion");
    assertThat(up).isPositive().isLessThanOrEqualTo(dispatch);
    assertThat(dispatch).isLessThanOrEqualTo(first);
    assertThat(figure(r.out(), "backlog.peak_rss")).isBetween(20.0, 4096.0);
    assertThat(r.out()).contains("300 jobs in the journal");
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

  /** The value of figure line {@code name} of a scenario without a database (no durability mode). */
  private static double plainFigure(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?[0-9.]+) .+$").matcher(out);
    assertThat(m.find()).as("figure line %s in:%n%s", name, out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  @Timeout(120)
  void buildsSimulatesADayLosingAndDoubleAcceptingNothingAndChurningFarLessThanTheNotStartedTimeout() {
    Run r = bench("builds", "--jobs", "400", "--runs", "1");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(plainFigure(r.out(), "builds.lost")).as(r.out()).isZero();
    assertThat(plainFigure(r.out(), "builds.double_accepted")).isZero();
    assertThat(plainFigure(r.out(), "builds.reclaim_loops")).isZero();
    assertThat(plainFigure(r.out(), "builds.escalations_healthy")).isZero();
    double churn = plainFigure(r.out(), "builds.churn_per_hour");
    assertThat(churn).isLessThan(plainFigure(r.out(), "builds.baseline_churn_per_hour") / 10);
    assertThat(plainFigure(r.out(), "builds.baseline_reclaim_loops")).isPositive();
    assertThat(plainFigure(r.out(), "builds.utilization")).isBetween(80.0, 100.0);
    assertThat(plainFigure(r.out(), "builds.wall_time")).isPositive().isLessThan(60.0);
    assertThat(r.out()).contains("24 h simulated").contains("unfinished at the end 0");
    assertThat(plainFigure(r.out(), "builds.http_round_trips")).as("the real control plane over HTTP").isPositive();
  }
}
