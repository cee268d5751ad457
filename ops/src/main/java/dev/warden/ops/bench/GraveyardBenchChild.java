package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.legacy.QuarantineSink;
import dev.warden.workers.graveyard.legacy.ReaderSettings;
import dev.warden.workers.graveyard.legacy.SexpReader;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportReport;
import dev.warden.workers.graveyard.ImportRequest;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One phase of {@code warden bench graveyard}, in a fresh JVM started by {@link GraveyardBench}
 * (with {@code -Xmx256m}): {@code parse FILE RUNS} times parsing alone; {@code import FILE DATA}
 * imports the file into a new node and then times queries; {@code cold DATA} starts a node on the journal written by
 * {@code import} and stops the clock when the first query answers; {@code legacy FILE} is the
 * legacy daemon's refresh. Prints its own figures, {@code graveyard.<figure>: <value> <unit>}.
 */
public final class GraveyardBenchChild {
  private static final PrintStream OUT = System.out;

  private GraveyardBenchChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "parse":
        parsePhase(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      case "import":
        importPhase(Path.of(args[1]), Path.of(args[2]));
        break;
      case "cold":
        coldPhase(Path.of(args[1]));
        break;
      case "legacy":
        legacyPhase(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      default:
        throw new IllegalArgumentException("unknown phase " + args[0]);
    }
    System.exit(0);
  }

  static Warden startNode(Path data, GraveyardKind kind) {
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    String conf = "warden.node-name = bench-graveyard\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.http.enabled = off\n"
        + "warden.data-dir = \"" + data.toAbsolutePath() + "\"\n";
    return Warden.start(ConfigFactory.parseString(conf), kinds);
  }

  /**
   * {@code runs} passes over the file in this one JVM: the first includes the JIT's warm-up and
   * is reported on its own; {@code parse} is the median of the others (steady state).
   */
  private static void parsePhase(Path file, int runs) throws Exception {
    double[] rates = new double[runs];
    for (int r = 0; r < runs; r++) {
      rates[r] = parseMbPerSecond(file);
    }
    Figures.print(OUT, "graveyard", "parse", Figures.median(java.util.Arrays.copyOfRange(rates, 1, runs)), "MB/s");
    Figures.print(OUT, "graveyard", "parse_first_pass", rates[0], "MB/s");
    OUT.println("graveyard-runs.parse: " + java.util.Arrays.toString(rates));
  }

  private static void importPhase(Path file, Path data) throws Exception {
    GraveyardKind kind = GraveyardKind.create();
    try (Warden w = startNode(data, kind)) {
      Graveyard g = Graveyard.of(w);
      g.whenReady().toCompletableFuture().get(120, TimeUnit.SECONDS);
      HeapWatch heap = HeapWatch.start();
      long t0 = System.nanoTime();
      ImportReport report = g.importFiles(ImportRequest.of(file)).toCompletableFuture().get(1, TimeUnit.HOURS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      heap.stop();
      Figures.print(OUT, "graveyard", "import", seconds, "s");
      Figures.print(OUT, "graveyard", "import_rate", Files.size(file) / 1e6 / seconds, "MB/s");
      Figures.print(OUT, "graveyard", "import_records", report.recordsRead(), "records");
      Figures.print(OUT, "graveyard", "import_quarantined", report.quarantined(), "ranges");
      Figures.print(OUT, "graveyard", "import_peak_heap_polled", heap.polledMaxMb(), "MB");
      Figures.print(OUT, "graveyard", "import_peak_heap_pools", heap.poolPeakSumMb(), "MB");
      Figures.print(OUT, "graveyard", "heap_max", Runtime.getRuntime().maxMemory() / 1048576.0, "MB");
      Figures.print(OUT, "graveyard", "stored", g.storedPatterns(), "patterns");
      Figures.print(OUT, "graveyard", "regions", g.regions().size(), "regions");
      queries(g);
    }
  }

  /** p50 and p99 of per-call time, over batches of calls on random points (a batch's mean is one sample). */
  static void queries(Graveyard g) {
    SplittableRandom random = new SplittableRandom(7);
    int n = 4096;
    double[] sl = new double[n];
    double[] tp = new double[n];
    for (int i = 0; i < n; i++) {
      sl[i] = 0.05 + random.nextDouble() * 2.2;
      tp[i] = 0.1 + random.nextDouble() * 3.2;
    }
    String[] symbols = {"USDJPY", "EURUSD", "GBPUSD", "AUDJPY", "XAUUSD", "NZDUSD"};
    int batch = 1000;
    int samples = 300;
    long sink = 0;
    double[] avoid = new double[samples];
    double[] match = new double[samples];
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int s = 0; s < samples; s++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          int k = (s * batch + i) & (n - 1);
          sink += g.shouldAvoid(sl[k], tp[k]) ? 1 : 0;
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          int k = (s * batch + i) & (n - 1);
          sink += g.matchesPattern(symbols[k % symbols.length], sl[k], tp[k], -0.5) ? 1 : 0;
        }
        long t2 = System.nanoTime();
        avoid[s] = (t1 - t0) / (double) batch / 1000.0;
        match[s] = (t2 - t1) / (double) batch / 1000.0;
      }
    }
    java.util.Arrays.sort(avoid);
    java.util.Arrays.sort(match);
    Figures.print(OUT, "graveyard", "should_avoid_p50", Figures.quantile(avoid, 0.5), "us");
    Figures.print(OUT, "graveyard", "should_avoid_p99", Figures.quantile(avoid, 0.99), "us");
    Figures.print(OUT, "graveyard", "matches_pattern_p50", Figures.quantile(match, 0.5), "us");
    Figures.print(OUT, "graveyard", "matches_pattern_p99", Figures.quantile(match, 0.99), "us");
    long t0 = System.nanoTime();
    int regions = 0;
    for (int i = 0; i < 200; i++) {
      regions += g.regions().size();
    }
    Figures.print(OUT, "graveyard", "regions_call", (System.nanoTime() - t0) / 200.0 / 1000.0, "us");
    OUT.println("graveyard-check.hits: " + sink + " " + regions);
  }

  static double parseMbPerSecond(Path file) throws Exception {
    long t0 = System.nanoTime();
    try (SexpReader reader = SexpReader.open(file, ReaderSettings.defaults(), QuarantineSink.discard())) {
      while (reader.next() != null) {
        // parse only
      }
    }
    return Files.size(file) / 1e6 / ((System.nanoTime() - t0) / 1e9);
  }

  private static void coldPhase(Path data) throws Exception {
    long t0 = System.nanoTime();
    GraveyardKind kind = GraveyardKind.create();
    try (Warden w = startNode(data, kind)) {
      Graveyard g = Graveyard.of(w);
      g.whenReady().toCompletableFuture().get(10, TimeUnit.MINUTES);
      boolean avoid = g.shouldAvoid(0.5, 1.0);
      double inMain = (System.nanoTime() - t0) / 1e9;
      double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
      Figures.print(OUT, "graveyard", "cold_start_jvm", uptime, "s");
      Figures.print(OUT, "graveyard", "cold_start_main", inMain, "s");
      Figures.print(OUT, "graveyard", "cold_stored", g.storedPatterns(), "patterns");
      OUT.println("graveyard-check.cold: avoid=" + avoid + " regions=" + g.regions().size());
    }
  }

  private static void legacyPhase(Path file, int runs) throws Exception {
    double[] secs = new double[runs];
    int regions = 0;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      regions = GraveyardLegacyRefresh.regions(file, System.currentTimeMillis() / 1000 + 2_208_988_800L).size();
      secs[r] = (System.nanoTime() - t0) / 1e9;
    }
    Figures.print(OUT, "graveyard", "legacy_refresh", Figures.median(secs), "s");
    OUT.println("graveyard-runs.legacy_refresh: " + java.util.Arrays.toString(secs) + " regions=" + regions);
  }

  /** Peak heap while running: polled used heap every 5 ms, and the sum of the heap pools' own peaks. */
  private static final class HeapWatch {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long max;

    private HeapWatch() {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        p.resetPeakUsage();
      }
      var memory = ManagementFactory.getMemoryMXBean();
      thread = new Thread(() -> {
        while (running) {
          max = Math.max(max, memory.getHeapMemoryUsage().getUsed());
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
      }, "heap-watch");
      thread.setDaemon(true);
    }

    static HeapWatch start() {
      HeapWatch h = new HeapWatch();
      h.thread.start();
      return h;
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    double polledMaxMb() {
      return max / 1048576.0;
    }

    double poolPeakSumMb() {
      long sum = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          sum += p.getPeakUsage().getUsed();
        }
      }
      return sum / 1048576.0;
    }
  }
}
