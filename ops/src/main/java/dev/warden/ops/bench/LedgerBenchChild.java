package dev.warden.ops.bench;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.LedgerBusyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured run of a ledger scenario, in a fresh JVM on its own H2 file, or its own schema on
 * the PostgreSQL {@code warden.persistence.url} names ({@link BenchDatabase}) (started by {@link ChildJvm}); prints its results as {@code key=value} lines on stdout. Phases:
 * <ul>
 *   <li>{@code ledger DATA JOBS}: no-op jobs, one submit at a time from one thread, first submit to
 *       the last journaled completion;
 *   <li>{@code floor DATA ROWS}: plain JDBC inserts of journal-shaped rows with the node's H2 options;
 *   <li>{@code recovery-load DATA SIDE JOBS} then {@code recovery-resume DATA SIDE JOBS LAUNCH}: jobs in
 *       flight, killed by the parent; then the restart on the same file;
 *   <li>{@code backlog-fill DATA JOBS} then {@code backlog-cold DATA LAUNCH}: a journal of pending jobs;
 *       then the cold start on it;
 *   <li>{@code reaper DATA JOBS TIMEOUT_MS SPACING_MS}: hung jobs, deadline to Reaped.
 * </ul>
 * Every node is started with Warden's defaults (so the node's default durability mode) plus the
 * {@code -D} system properties the parent passes on. The phases themselves are {@link LedgerPhases}
 * (a running node) and {@link RestartPhases} (a node started on the journal of an earlier one); this
 * class holds what every bench child shares: starting a node, submitting, waiting, reporting.
 */
public final class LedgerBenchChild {
  /** When this JVM entered main: the cold-start phases time the launch up to here. */
  static final long MAIN_ENTERED = System.currentTimeMillis();
  private LedgerBenchChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "ledger": // these two, and LedgerSyncChild, also run on PostgreSQL; the cold-start phases time the JVM's launch
        BenchDatabase.useFreshSchema(Path.of(args[1]));
        LedgerPhases.ledger(Path.of(args[1]), Integer.parseInt(args[2]));
        BenchDatabase.dropSchema(Path.of(args[1]));
        break;
      case "floor":
        BenchDatabase.useFreshSchema(Path.of(args[1]));
        LedgerPhases.floor(Path.of(args[1]), Integer.parseInt(args[2]));
        BenchDatabase.dropSchema(Path.of(args[1]));
        break;
      case "recovery-load":
        RestartPhases.recoveryLoad(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
        break;
      case "recovery-resume":
        RestartPhases.recoveryResume(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      case "backlog-fill":
        RestartPhases.backlogFill(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      case "backlog-cold":
        RestartPhases.backlogCold(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
        break;
      case "reaper":
        LedgerPhases.reaper(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        break;
      default:
        throw new IllegalArgumentException("unknown phase " + args[0]);
    }
    System.out.flush();
    System.exit(0);
  }

  static void put(String key, Object value) {
    System.out.println(key + "=" + value);
    System.out.flush();
  }

  static Warden startNode(Path data, String extra) {
    String conf = "warden.node-name = bench-ledger\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.http.enabled = off\n"
        + "warden.data-dir = \"" + data.toAbsolutePath() + "\"\n" + extra;
    return Warden.start(ConfigFactory.parseString(conf).withFallback(userConfig()), LedgerKind.create(), CheckpointerKind.create());
  }

  /**
   * The config file the parent names ({@code bench --config}, else {@code conf/application.conf}),
   * under the bench's own settings: its durability mode and ledger settings apply, its data
   * directory and JMX port do not (every run is on a fresh file, with no JMX).
   */
  static Config userConfig() {
    String file = System.getenv(ChildJvm.Options.CONFIG_ENV);
    return file == null
        ? ConfigFactory.empty()
        : ConfigFactory.parseFile(new java.io.File(file), com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /** The durability part of the node's H2 options, e.g. {@code WRITE_DELAY=0}, or PostgreSQL's settings. */
  static String durability(Config resolved) {
    String server = BenchDatabase.durability(resolved);
    if (server != null) {
      return server;
    }
    Matcher m = Pattern.compile("WRITE_DELAY=(\\d+)", Pattern.CASE_INSENSITIVE).matcher(resolved.getString("warden.persistence.h2.url"));
    return m.find() ? "WRITE_DELAY=" + m.group(1) : "WRITE_DELAY=500 (H2 default)";
  }

  static void reportCommon(Warden w) {
    put("durability", durability(w.system().settings().config()));
  }

  /** Peak resident set of this JVM so far (VmHWM), MB; -1 where /proc is missing. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Submits {@code ids} one API call at a time from this thread; each stage is chained to a
   * counter, never waited on one by one. A call turned away by a bound ({@link LedgerBusyException},
   * nothing recorded) waits for the oldest outstanding submit and is made again. Answers once every
   * submit is acknowledged (journaled).
   */
  static int submitAll(JobLedger ledger, String type, int jobs, String prefix, String payload) {
    AtomicInteger acked = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    ArrayDeque<CompletableFuture<JobView>> window = new ArrayDeque<>();
    int retries = 0;
    for (int i = 0; i < jobs; i++) {
      String id = prefix + i;
      while (true) {
        CompletableFuture<JobView> f = ledger.submit(type, id, payload).toCompletableFuture();
        if (!LedgerBusyException.rejected(f)) {
          f.whenComplete((v, t) -> {
            if (t == null) {
              acked.incrementAndGet();
            } else {
              error.compareAndSet(null, t);
            }
          });
          window.addLast(f);
          break;
        }
        retries++;
        if (window.isEmpty()) {
          LockSupport.parkNanos(POLL_NANOS);
        } else {
          window.pollFirst().exceptionally(t -> null).join(); // wait for the oldest outstanding submit, then retry
        }
      }
      while (!window.isEmpty() && window.peekFirst().isDone()) {
        window.pollFirst();
      }
    }
    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
    if (error.get() != null) {
      throw new IllegalStateException("a submit failed: " + error.get(), error.get());
    }
    while (acked.get() < jobs) { // whenComplete callbacks of the last stages may still be running
      LockSupport.parkNanos(POLL_NANOS);
    }
    return retries;
  }

  /** 1 ms: finer polling costs the measured node CPU on 2 cores, coarser adds to the figures. */
  private static final long POLL_NANOS = 1_000_000;

  static void awaitCount(JobLedger ledger, String type, String bucket, long n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ledger.count(type, bucket) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + n + " " + bucket + " jobs of type " + type + "; counts " + ledger.counts());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
