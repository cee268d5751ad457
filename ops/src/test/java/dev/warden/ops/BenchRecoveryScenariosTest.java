package dev.warden.ops;

import static dev.warden.ops.BenchRun.bench;
import static dev.warden.ops.BenchRun.figure;
import static dev.warden.ops.BenchRun.plainFigure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.ops.BenchRun.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The recovery, backlog and builds bench scenarios end to end at toy size: real child JVMs on real H2
 * files, a real kill -9 for recovery, the builds day over the real control plane; each figure line must
 * appear and be sane (BenchScenariosTest: the ledger, HTTP and reaper scenarios).
 */
class BenchRecoveryScenariosTest {
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
