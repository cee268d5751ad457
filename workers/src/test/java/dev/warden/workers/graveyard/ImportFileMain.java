package dev.warden.workers.graveyard;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Test program for {@link GraveyardLargeImportTest}, run in a child JVM with a small heap:
 * {@code DATA GRAVEYARD RETIRED PROBES} starts a node on {@code DATA} (a real H2 file), imports the two
 * files through {@link Graveyard#importFiles}, then answers the probes (one per line:
 * {@code regions NOW}, {@code avoid NOW SL TP}, {@code match SYMBOL|- SL TP SHARPE}) and prints:
 *
 * <pre>
 * FILE index read imported quarantined-total REASON=n...
 * REGION probe-index json
 * ANSWER probe-index true|false
 * IMPORT seconds=s
 * HEAP max=bytes peakAfterGc=bytes
 * </pre>
 */
public final class ImportFileMain {
  private static final PrintStream OUT = System.out;

  private ImportFileMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    ImportRequest request = new ImportRequest(Path.of(args[1]), Path.of(args[2]), null);
    List<String> probes = Files.readAllLines(Path.of(args[3]));
    HeapWatch heap = new HeapWatch();
    GraveyardKind kind = GraveyardKind.create();
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    String conf = "warden.node-name = large-import\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\n"
        + "warden.data-dir = \"" + data.toAbsolutePath() + "\"\n"
        + (args.length > 4 ? args[4] : "");
    try (Warden w = Warden.start(ConfigFactory.parseString(conf), kinds)) {
      Graveyard g = kind.graveyard();
      g.whenReady().toCompletableFuture().get(60, TimeUnit.SECONDS);
      ImportReport report = g.importFiles(request).toCompletableFuture().get(10, TimeUnit.MINUTES);
      for (int i = 0; i < report.files().size(); i++) {
        FileReport f = report.files().get(i);
        StringBuilder line = new StringBuilder("FILE " + i + " " + f.recordsRead() + " " + f.imported() + " "
            + f.quarantinedTotal());
        f.quarantined().forEach((reason, n) -> line.append(' ').append(reason).append('=').append(n));
        OUT.println(line);
      }
      OUT.println("IMPORT seconds=" + report.duration().toMillis() / 1000.0);
      OUT.println("STORED " + g.storedPatterns() + " degraded=" + g.degraded().orElse("no"));
      for (int i = 0; i < probes.size(); i++) {
        String[] p = probes.get(i).split(" ");
        switch (p[0]) {
          case "regions":
            for (Region r : g.regions(Instant.parse(p[1]))) {
              OUT.println("REGION " + i + " " + r.toJson());
            }
            break;
          case "avoid":
            OUT.println("ANSWER " + i + " " + g.shouldAvoid(Double.parseDouble(p[2]), Double.parseDouble(p[3]),
                Instant.parse(p[1])));
            break;
          case "match":
            OUT.println("ANSWER " + i + " " + g.matchesPattern("-".equals(p[1]) ? null : p[1],
                Double.parseDouble(p[2]), Double.parseDouble(p[3]), Double.parseDouble(p[4])));
            break;
          default:
            throw new IllegalArgumentException("unknown probe " + probes.get(i));
        }
      }
      OUT.println("HEAP max=" + Runtime.getRuntime().maxMemory() + " peakAfterGc=" + heap.stop());
    }
    OUT.flush();
    System.exit(0);
  }

  /** The largest heap in use just after a collection (live data, as the last GC left it), polled every 5 ms. */
  private static final class HeapWatch {
    private final List<com.sun.management.GarbageCollectorMXBean> collectors = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long max;

    HeapWatch() {
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof com.sun.management.GarbageCollectorMXBean collector) {
          collectors.add(collector);
        }
      }
      List<String> heapPools = new ArrayList<>();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          heapPools.add(p.getName());
        }
      }
      thread = new Thread(() -> {
        while (running) {
          for (var gc : collectors) {
            var info = gc.getLastGcInfo();
            if (info != null) {
              long used = 0;
              for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                used += heapPools.contains(e.getKey()) ? e.getValue().getUsed() : 0;
              }
              max = Math.max(max, used);
            }
          }
          LockSupport.parkNanos(5_000_000);
        }
      }, "heap-watch");
      thread.setDaemon(true);
      thread.start();
    }

    long stop() throws InterruptedException {
      running = false;
      thread.join();
      return max;
    }
  }
}
