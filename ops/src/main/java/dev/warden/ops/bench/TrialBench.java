package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.ConfigReader;
import dev.warden.core.KindMetrics;
import dev.warden.core.Warden;
import dev.warden.core.process.ExternalProcess;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import dev.warden.core.process.ProcessSpec;
import dev.warden.ops.NodeOptions;
import dev.warden.workers.trial.TrialEvent;
import dev.warden.workers.trial.TrialReport;
import dev.warden.workers.trial.TrialSpec;
import dev.warden.workers.trial.TrialWorker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Figures of the trial machinery: spawn-to-first-heartbeat latency of an external process, the
 * cost of one memory-guard check (reading /proc/meminfo and deciding), and the time from an RSS
 * cap breach to the worker's processes being gone.
 */
final class TrialBench {
  private static final long MIB = 1L << 20;
  private final NodeOptions node;
  private final int runs;
  private final int iterations;

  TrialBench(NodeOptions node, int runs, int iterations) {
    this.node = node;
    this.runs = runs;
    this.iterations = iterations;
  }

  void run(PrintStream out) throws Exception {
    var config = Warden.loadConfig(node.overridesOver(ConfigFactory.parseString("warden.node-name = bench-trial")));
    MemoryGuard.Settings guardSettings = MemoryGuard.Settings.read(ConfigReader.at(config, "warden.memory-guard"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-trial", config);
    Path logs = Files.createTempDirectory("warden-bench-trial");
    try {
      int spawns = Math.min(iterations, 50);
      spawnToHeartbeat(system, spawns); // warm-up
      double[] p50 = new double[runs];
      double[] p99 = new double[runs];
      for (int r = 0; r < runs; r++) {
        double[] ms = spawnToHeartbeat(system, spawns);
        p50[r] = Figures.quantile(ms, 0.50);
        p99[r] = Figures.quantile(ms, 0.99);
      }
      double[] guardNs = new double[runs];
      guardCheck(guardSettings, 20_000);
      for (int r = 0; r < runs; r++) {
        guardNs[r] = guardCheck(guardSettings, 100_000);
      }
      Duration grace = Duration.ofSeconds(1);
      MemoryGuard.Settings capped = new MemoryGuard.Settings(guardSettings.safeHeadroomBytes(), guardSettings.brakeLimit(),
          guardSettings.safeWindow(), 32 * MIB, guardSettings.maxAge(), guardSettings.checkInterval(),
          guardSettings.graceGrowthAllowanceBytes());
      double[] breach = new double[runs];
      for (int r = 0; r < runs; r++) {
        breach[r] = breachToGone(system, capped, grace, logs);
      }
      Figures.print(out, "trial", "spawn_to_heartbeat_p50", Figures.median(p50), "ms");
      Figures.print(out, "trial", "spawn_to_heartbeat_p99", Figures.median(p99), "ms");
      Figures.print(out, "trial", "guard_check", Figures.median(guardNs) / 1000.0, "us");
      Figures.print(out, "trial", "cap_breach_to_gone", Figures.median(breach), "ms");
      Figures.print(out, "trial", "check_interval", capped.checkInterval().toMillis(), "ms");
      Figures.print(out, "trial", "grace", grace.toMillis(), "ms");
      out.printf("%ntrial: %d runs. An external process (sh) reaches its first heartbeat in %s ms (p50), %s ms (p99);"
              + " one guard check (/proc/meminfo + decision) costs %s us (target < 10 us); a worker over its RSS cap"
              + " has all its processes gone %s ms after the breach (check interval %d ms, grace %d ms;"
              + " target < 1 s + grace).%n",
          runs, Figures.format(Figures.median(p50)), Figures.format(Figures.median(p99)),
          Figures.format(Figures.median(guardNs) / 1000.0), Figures.format(Figures.median(breach)),
          capped.checkInterval().toMillis(), grace.toMillis());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LedgerBench.deleteQuietly(logs); // the workers' logs: temp files only
    }
  }

  /** Spawn → first heartbeat, one process at a time. */
  private static double[] spawnToHeartbeat(ActorSystem<Void> system, int n) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      CompletableFuture<Long> heartbeat = new CompletableFuture<>();
      CompletableFuture<Void> finished = new CompletableFuture<>();
      ActorRef<ExternalProcess.Event> owner = system.systemActorOf(collector(heartbeat, finished), "owner-" + System.nanoTime(), Props.empty());
      long t0 = System.nanoTime();
      ActorRef<ExternalProcess.Command> p = system.systemActorOf(
          ExternalProcess.create("hb-" + i, ProcessSpec.of(List.of("/bin/sh", "-c", "echo WARDEN:HEARTBEAT; exec sleep 1000"))
              .withStopGrace(Duration.ofMillis(100)), owner), "p-" + System.nanoTime(), Props.empty());
      long t1 = heartbeat.get(10, TimeUnit.SECONDS);
      ms[i] = (t1 - t0) / 1e6;
      p.tell(new ExternalProcess.Stop("bench"));
      finished.get(10, TimeUnit.SECONDS);
    }
    Arrays.sort(ms);
    return ms;
  }

  private static Behavior<ExternalProcess.Event> collector(CompletableFuture<Long> heartbeat, CompletableFuture<Void> finished) {
    return Behaviors.receive(ExternalProcess.Event.class)
        .onMessage(ExternalProcess.Heartbeat.class, h -> {
          heartbeat.complete(System.nanoTime());
          return Behaviors.same();
        })
        .onMessage(ExternalProcess.Finished.class, f -> {
          finished.complete(null);
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Nanoseconds per guard check: a real /proc/meminfo read plus the decision. */
  private static double guardCheck(MemoryGuard.Settings settings, int n) {
    MemoryProbe probe = MemoryProbe.proc();
    MemoryGuard guard = new MemoryGuard(settings);
    long sink = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long available = probe.availableBytes();
      sink += guard.check(available, 0, System.nanoTime()).ordinal() + (available & 1);
    }
    long elapsed = System.nanoTime() - t0;
    if (sink == Long.MIN_VALUE) {
      System.out.print("");
    }
    return (double) elapsed / n;
  }

  /** A trial leaks past a 32 MiB cap: ms from the leak being resident (its line) to the report (tree gone). */
  private static double breachToGone(ActorSystem<Void> system, MemoryGuard.Settings guard, Duration grace, Path logs)
      throws Exception {
    CompletableFuture<Long> breached = new CompletableFuture<>();
    CompletableFuture<TrialReport> report = new CompletableFuture<>();
    ActorRef<TrialEvent> owner = system.systemActorOf(Behaviors.receive(TrialEvent.class)
        .onMessage(TrialEvent.TrialHeartbeat.class, h -> {
          breached.complete(System.nanoTime());
          return Behaviors.same();
        })
        .onMessage(TrialReport.class, r -> {
          report.complete(r);
          return Behaviors.stopped();
        })
        .build(), "trial-owner-" + System.nanoTime(), Props.empty());
    ActorRef<TrialWorker.Command> worker = system.systemActorOf(
        TrialWorker.create("bench", new TrialWorker.Settings(guard, grace, logs, logs + "/bench"), MemoryProbe.proc(), new KindMetrics()),
        "worker-" + System.nanoTime(), Props.empty());
    worker.tell(new TrialWorker.Run(new TrialSpec("leak", 1,
        List.of("/bin/sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo leaked; sleep 1000"), Map.of()), owner));
    long t0 = breached.get(30, TimeUnit.SECONDS);
    TrialReport r = report.get(30, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    if (r.outcome() != TrialReport.Outcome.REQUEUED) {
      throw new IllegalStateException("expected the leaker to be recycled, got " + r);
    }
    system.systemActorOf(Behaviors.setup(ctx -> {
      ctx.stop(worker);
      return Behaviors.stopped();
    }), "stopper-" + System.nanoTime(), Props.empty());
    return (t1 - t0) / 1e6;
  }
}
