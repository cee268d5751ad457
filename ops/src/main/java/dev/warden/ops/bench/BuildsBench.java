package dev.warden.ops.bench;

import com.typesafe.config.Config;
import dev.warden.core.Warden;
import dev.warden.workers.build.BuildMetrics;
import dev.warden.workers.build.BuildSettings;
import dev.warden.workers.build.Recorded;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code warden bench builds}: 24 simulated hours of a build farm (50 drones, 5,000 packages, crashes,
 * partitions, probe-only asymmetry, slow drones, late and duplicate reports; see {@link SimFarm}) over
 * the build kind's decision core on a virtual clock. The simulation is seeded and deterministic: its
 * figures are the same in every run; only the wall time varies (median of the runs, in this JVM).
 * The baseline is the same farm with the incident's rule added on top of the core: a lease not
 * started within 5 minutes is taken back, heartbeat or not (and its self-healing figure: 3 failed
 * ssh probes in a row escalate, whatever the heartbeat says).
 */
final class BuildsBench {
  private static final long SEED = 20260105;
  private final Config overrides;
  private final int runs;
  private final int packages;

  BuildsBench(Config overrides, int runs, Integer packages) {
    this.overrides = overrides;
    this.runs = runs;
    this.packages = packages == null ? 5000 : packages;
  }

  void run(PrintStream out) throws Exception {
    BuildSettings settings = BuildSettings.create(Warden.loadConfig(overrides));
    double[] wall = new double[runs];
    BuildSimulation warden = null;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      warden = new BuildSimulation(SimFarm.Scenario.of(packages, SEED, false), settings);
      warden.run();
      wall[r] = (System.nanoTime() - t0) / 1e9;
    }
    long t0 = System.nanoTime();
    BuildSimulation naive = new BuildSimulation(SimFarm.Scenario.of(packages, SEED, true), settings);
    naive.run();
    double naiveWall = (System.nanoTime() - t0) / 1e9;

    SimFarm.Scenario s = SimFarm.Scenario.of(packages, SEED, false);
    SimTally t = warden.tally;
    SimTally b = naive.tally;
    double churn = percent(t.reclaimsTotal(), t.delegated);
    double baseChurn = percent(b.reclaimsTotal(), b.delegated);
    double utilization = 100 * warden.busySamples / Math.max(1, warden.queueSamples);
    long lost = t.lost.size() + warden.disagreements();
    Figures.print(out, "builds", "churn_per_hour", churn, "% of delegated [reclaims / leases granted, hourly, over 24 h]");
    Figures.print(out, "builds", "utilization", utilization, "% of healthy cores busy while the queue has work");
    count(out, "lost", lost, "count");
    count(out, "double_accepted", t.doubleAccepted, "count");
    count(out, "reclaim_loops", t.reclaimLoops, "count");
    count(out, "escalations_healthy", warden.probes.escalationsHealthy, "count");
    Figures.print(out, "builds", "wall_time", Figures.median(wall), "s [" + s.hours() + " h simulated]");
    Figures.print(out, "builds", "baseline_churn_per_hour", baseChurn, "% of delegated [not-started timeout 5 min]");
    Figures.print(out, "builds", "churn_ratio", baseChurn / Math.max(churn, 1e-9), "x");
    count(out, "baseline_reclaim_loops", b.reclaimLoops, "count");
    count(out, "baseline_escalations_healthy", warden.probes.naiveEscalationsHealthy, "count [3 failed ssh probes, heartbeat ignored]");
    int httpPackages = Math.max(1, Math.min(2000, packages / 2));
    double[] http = new double[runs];
    for (int r = 0; r < runs; r++) {
      http[r] = new BuildsHttpBench(httpPackages).run(overrides);
    }
    Figures.print(out, "builds", "http_round_trips", Figures.median(http), "/s [lease+report over HTTP, " + BuildsHttpBench.CLIENTS
        + " drone clients on 127.0.0.1, " + httpPackages + " packages, journaled before answered; runs " + Arrays.toString(http) + "]");
    BuildMetrics m = warden.core().metrics(warden.end());
    out.printf(
        "%nbuilds: %d drones, %d packages, %d h simulated (incidents until %d h: %d crashes, %d partitions, %d memory-critical episodes),"
            + " seed %d, %d runs: wall %s s (runs %s), %,d simulation events; baseline wall %.2f s.%n"
            + "  Warden: %,d leases granted, %,d reclaims (%s), worst hour %.2f %%, %,d steals, %d reclaims from a healthy holder;"
            + " built %,d, blocked %d, MISSING_BINARY recorded %d, unfinished at the end %d; queue last had work at %.1f h.%n"
            + "  Reports: %,d stale (answered stop_work), %,d duplicates; all accepted once. Escalations: %s; on drones down or cut off %d,"
            + " on sick drones %d, on healthy drones %d; %d suppressed runs on a fresh heartbeat; %d reboots refused.%n"
            + "  Baseline (not-started timeout): %,d leases granted, %,d reclaims (%s), %,d of them from a healthy holder, %d reclaim loops,"
            + " utilization %.1f %%, built %,d by the end; the incident's probe rule would have escalated %d times on healthy drones.%n",
        s.drones(), packages, s.hours(), s.chaosHours(), warden.incidents(SimFarm.IncidentKind.CRASH), warden.incidents(SimFarm.IncidentKind.PARTITION),
        warden.incidents(SimFarm.IncidentKind.SICK),
        SEED, runs, Figures.format(Figures.median(wall)), Arrays.toString(wall), warden.events, naiveWall,
        t.delegated, t.reclaimsTotal(), t.reclaims, 100 * t.worstHourChurn(20), t.steals, t.reclaimsFromHealthy,
        t.recorded.getOrDefault(Recorded.SUCCEEDED, 0L), t.blocked, t.recorded.getOrDefault(Recorded.MISSING_BINARY, 0L), warden.unfinished(),
        warden.lastQueued / 3.6e6,
        m.staleReports(), m.duplicateReports(), m.escalations(), warden.probes.escalationsUnreachable, warden.probes.escalationsSick, warden.probes.escalationsHealthy,
        m.suppressedEscalations(), m.rebootsRefused(),
        b.delegated, b.reclaimsTotal(), b.reclaims, b.reclaimsFromHealthy, b.reclaimLoops,
        100 * naive.busySamples / Math.max(1, naive.queueSamples), b.recorded.getOrDefault(Recorded.SUCCEEDED, 0L),
        warden.probes.naiveEscalationsHealthy);
  }

  /** A count as an integer (Figures.format would print 0 as 0.0000). */
  private static void count(PrintStream out, String figure, long value, String unit) {
    out.printf("builds.%s: %d %s%n", figure, value, unit);
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }
}
