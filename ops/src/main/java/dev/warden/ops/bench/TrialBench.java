package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.ConfigReader;
import dev.warden.core.KindMetrics;
import dev.warden.core.Warden;
import dev.warden.core.process.ExternalProcess;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import dev.warden.core.process.ProcessSpec;
import dev.warden.core.process.ProcessTree;
import dev.warden.ops.NodeOptions;
import dev.warden.workers.trial.TrialEvent;
import dev.warden.workers.trial.TrialReport;
import dev.warden.workers.trial.TrialSpec;
import dev.warden.workers.trial.TrialWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Figures of the trial machinery: spawn-to-first-heartbeat latency of an external process, the
 * cost of one memory-guard check (reading /proc/meminfo and deciding), and the time from an RSS
 * cap breach to the worker's processes being gone, for a polite trial (exits on SIGTERM after a
 * 300 ms clean-up) and a hostile one (two children that ignore SIGTERM and allocate 400 MiB/s
 * each), cap 256 MiB, checked every 100 ms, grace 5 s. The bench samples the tree itself every
 * 2 ms: the breach is the first sample over the cap, gone is the first with no process running.
 */
final class TrialBench {
  private static final long MIB = 1L << 20;
  private static final long CAP = 256 * MIB;
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
      double[] scanMs = new double[runs];
      markerScan();
      for (int r = 0; r < runs; r++) {
        scanMs[r] = markerScan();
      }
      Duration grace = Duration.ofSeconds(5);
      MemoryGuard.Settings capped = new MemoryGuard.Settings(guardSettings.safeHeadroomBytes(), guardSettings.brakeLimit(),
          guardSettings.safeWindow(), CAP, guardSettings.maxAge(), Duration.ofMillis(100),
          guardSettings.graceGrowthAllowanceBytes());
      double[] politeBreach = new double[runs];
      double[] politeTerm = new double[runs];
      double[] hostileBreach = new double[runs];
      double[] hostileTerm = new double[runs];
      long hostilePeak = 0;
      for (int r = 0; r < runs; r++) {
        Breach polite = breach(system, capped, grace, logs, "polite", 0);
        politeBreach[r] = polite.breachToGoneMs();
        politeTerm[r] = polite.sigtermToGoneMs();
        Breach hostile = breach(system, capped, grace, logs, "hostile", 2);
        hostileBreach[r] = hostile.breachToGoneMs();
        hostileTerm[r] = hostile.sigtermToGoneMs();
        hostilePeak = Math.max(hostilePeak, hostile.peakBytes());
      }
      long interval = capped.checkInterval().toMillis();
      Figures.print(out, "trial", "spawn_to_heartbeat_p50", Figures.median(p50), "ms");
      Figures.print(out, "trial", "spawn_to_heartbeat_p99", Figures.median(p99), "ms");
      Figures.print(out, "trial", "guard_check", Figures.median(guardNs) / 1000.0, "us");
      Figures.print(out, "trial", "marker_scan", Figures.median(scanMs), "ms");
      Figures.print(out, "trial", "processes", ProcessHandle.allProcesses().count(), "");
      Figures.print(out, "trial", "cap_breach_to_gone_polite", Figures.median(politeBreach), "ms");
      Figures.print(out, "trial", "sigterm_to_gone_polite", Figures.median(politeTerm), "ms");
      Figures.print(out, "trial", "cap_breach_to_gone_hostile", Figures.median(hostileBreach), "ms");
      Figures.print(out, "trial", "sigterm_to_gone_hostile", Figures.median(hostileTerm), "ms");
      Figures.print(out, "trial", "hostile_peak_rss", hostilePeak / (double) MIB, "MiB");
      Figures.print(out, "trial", "check_interval", interval, "ms");
      Figures.print(out, "trial", "grace", grace.toMillis(), "ms");
      out.printf("%ntrial: %d runs. An external process (sh) reaches its first heartbeat in %s ms (p50), %s ms (p99);"
              + " one guard check (/proc/meminfo + decision) costs %s us (target < 10 us); one owner-marker scan of"
              + " /proc costs %s ms. RSS cap %d MiB, checked every"
              + " %d ms, grace %d ms: a polite trial is gone %s ms after the breach (%s ms after its SIGTERM, 300 ms of it"
              + " its own clean-up; target < 1 s + grace); a hostile tree (two children ignoring SIGTERM, 400 MiB/s each)"
              + " is gone %s ms after the breach and %s ms after SIGTERM (target < one check interval), peak RSS %d MiB.%n",
          runs, Figures.format(Figures.median(p50)), Figures.format(Figures.median(p99)),
          Figures.format(Figures.median(guardNs) / 1000.0), Figures.format(Figures.median(scanMs)), CAP / MIB, interval, grace.toMillis(),
          Figures.format(Figures.median(politeBreach)), Figures.format(Figures.median(politeTerm)),
          Figures.format(Figures.median(hostileBreach)), Figures.format(Figures.median(hostileTerm)), hostilePeak / MIB);
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

  /** Milliseconds per owner-marker scan of /proc (what each run's end costs the sweeper thread), over 20 scans. */
  private static double markerScan() {
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      ProcessTree.withEnv(ProcessTree.OWNER_ENV, "bench-no-such-owner");
    }
    return (System.nanoTime() - t0) / 20 / 1e6;
  }

  private record Breach(double breachToGoneMs, double sigtermToGoneMs, long peakBytes) {}

  /**
   * One {@link BenchHog} trial under a worker: its tree sampled every 2 ms until no process of it
   * runs; ms from the first sample over the cap, and from its first SIGTERM (stamped by the hog), to then.
   */
  private static Breach breach(ActorSystem<Void> system, MemoryGuard.Settings guard, Duration grace, Path logs, String mode,
      int children) throws Exception {
    Path dir = Files.createTempDirectory(logs, mode);
    CompletableFuture<TrialReport> report = new CompletableFuture<>();
    ActorRef<TrialEvent> owner = system.systemActorOf(Behaviors.receive(TrialEvent.class)
        .onMessage(TrialReport.class, r -> {
          report.complete(r);
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build(), "trial-owner-" + System.nanoTime(), Props.empty());
    ActorRef<TrialWorker.Command> worker = system.systemActorOf(
        TrialWorker.create("bench", new TrialWorker.Settings(guard, grace, logs, dir + "/bench"), MemoryProbe.proc(),
            new KindMetrics()), "worker-" + System.nanoTime(), Props.empty());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    worker.tell(new TrialWorker.Run(new TrialSpec(mode, 1, List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=4g", "-cp", System.getProperty("java.class.path"),
        BenchHog.class.getName(), mode, Integer.toString(children), "400", "1536", dir.toString()), Map.of()), owner));
    Set<Long> seen = new HashSet<>();
    long breachAt = -1;
    long peak = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      for (long pid : stamps(dir, "pid-")) {
        seen.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> seen.add(d.pid())));
      }
      long rss = seen.stream().mapToLong(ProcessTree::rssBytes).sum();
      peak = Math.max(peak, rss);
      if (breachAt < 0 && rss > guard.rssCapBytes()) {
        breachAt = System.currentTimeMillis();
      }
      if (!seen.isEmpty() && seen.stream().noneMatch(ProcessTree::running)) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the " + mode + " trial's processes " + seen + " still ran after 60 s");
      }
      LockSupport.parkNanos(2_000_000);
    }
    long gone = System.currentTimeMillis();
    TrialReport r = report.get(30, TimeUnit.SECONDS);
    // the idle worker stays until the bench's actor system terminates (nothing of it runs any more)
    if (r.outcome() != TrialReport.Outcome.REQUEUED || breachAt < 0) {
      throw new IllegalStateException("expected the " + mode + " trial to be recycled over its cap, got " + r);
    }
    long sigterm = stamps(dir, "term-").stream().mapToLong(Long::longValue).min()
        .orElseThrow(() -> new IllegalStateException("the " + mode + " trial never saw SIGTERM"));
    return new Breach(gone - breachAt, gone - sigterm, peak);
  }

  /** The numbers a {@link BenchHog} left in files named {@code <prefix><pid>}: their content, or the pid when empty. */
  private static List<Long> stamps(Path dir, String prefix) throws IOException {
    List<Long> found = new ArrayList<>();
    try (var files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path f : files) {
        String text = Files.readString(f).trim();
        found.add(Long.parseLong(text.isEmpty() ? f.getFileName().toString().substring(prefix.length()) : text));
      }
    }
    return found;
  }
}
