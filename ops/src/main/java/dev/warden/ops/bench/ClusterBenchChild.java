package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerBusyException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * One JVM of {@link ClusterBench}, in one of two roles:
 * <ul>
 *   <li>{@code node DATA URL USER PORT SEEDS MIN JOBS PREFIX GO SHARE WINDOW}: a cluster member on the
 *       shared journal at {@code URL} (its password, if any, in {@link ClusterJournal#PASSWORD_ENV}).
 *       Joins, reports {@code ready} once every ledger partition answers through it and it runs at least
 *       {@code SHARE} of them itself, and {@code http} (its API's URL); waits for the file {@code GO},
 *       then runs {@code JOBS} no-op jobs through its own {@link JobLedger}, at most {@code WINDOW} of
 *       them in flight (submitted and not yet succeeded), and reports {@code start_ms} and
 *       {@code end_ms}, and what starved it meanwhile ({@code stall_ms}, {@code gc_ms},
 *       {@code unreachable}). Then it runs until the parent kills it; a failure ends it at once (exit 1,
 *       the stack trace on stderr).
 *   <li>{@code floor URL USER TABLE ROWS PREFIX GO}: plain JDBC inserts of {@code ROWS} journal-shaped
 *       rows into {@code TABLE}, 10 per transaction, from the moment {@code GO} exists; reports
 *       {@code start_ms} and {@code end_ms}.
 * </ul>
 */
public final class ClusterBenchChild {
  private ClusterBenchChild() {}

  public static void main(String[] args) {
    try {
      if (args[0].equals("floor")) {
        floor(args);
        System.exit(0);
      }
      node(args);
    } catch (Throwable t) {
      // The node's ActorSystem would keep this JVM alive (and the parent waiting) without its main thread.
      t.printStackTrace();
      System.err.flush();
      System.exit(1);
    }
  }

  private static String password() {
    String p = System.getenv(ClusterJournal.PASSWORD_ENV);
    return p == null ? "" : p;
  }

  private static void floor(String[] args) throws Exception {
    int rows = Integer.parseInt(args[4]);
    try (Connection c = DriverManager.getConnection(args[1], args[2], password())) {
      c.setAutoCommit(false);
      byte[] payload = new byte[200];
      awaitFile(Path.of(args[6]));
      long start = System.currentTimeMillis();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + args[3] + " (persistence_id, sequence_number, writer, write_timestamp,"
          + " adapter_manifest, event_payload, event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', ?, '', ?, 7201, 'B')")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, args[5] + (i % 16));
          ps.setLong(2, i);
          ps.setLong(3, System.currentTimeMillis());
          ps.setBytes(4, payload);
          ps.addBatch();
          if (i % 10 == 9 || i == rows - 1) {
            ps.executeBatch();
            c.commit();
          }
        }
      }
      LedgerBenchChild.put("start_ms", start);
      LedgerBenchChild.put("end_ms", System.currentTimeMillis());
    }
  }

  private static void awaitFile(Path go) {
    while (!Files.exists(go)) {
      LockSupport.parkNanos(5_000_000);
    }
  }

  private static String config(String[] a) {
    String seeds = "\"" + String.join("\", \"", a[5].split(",")) + "\"";
    String db = a[2].startsWith("jdbc:h2:")
        ? "warden.persistence.h2.url = \"" + a[2] + "\"\n"
        : "warden.persistence { url = \"" + a[2] + "\", user = \"" + a[3] + "\", password-env = " + ClusterJournal.PASSWORD_ENV + " }\n";
    return "warden.node-name = bench-cluster-" + a[4] + "\nwarden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\n"
        + "warden.http { enabled = on, generate-token = off, port = 0 }\n"
        + "warden.data-dir = \"" + Path.of(a[1]).toAbsolutePath() + "\"\n" + db
        + "warden.cluster { enabled = on, port = " + a[4] + ", seed-nodes = [" + seeds + "], stable-after = " + ClusterBench.STABLE_AFTER + ","
        + " min-nr-of-members = " + a[6] + ", management.port = 0 }\n"
        + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
        + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 2s\n";
  }

  private static void node(String[] a) throws Exception {
    int jobs = Integer.parseInt(a[7]);
    // -Dwarden.persistence.* given to the bench reach every child as system properties, which Warden
    // puts above any config: this phase's journal (its own schema or database) must win over them.
    System.setProperty("warden.persistence.url", a[2]);
    System.setProperty("warden.persistence.user", a[3]);
    ConfigFactory.invalidateCaches();
    Stalls stalls = Stalls.start();
    Warden w = Warden.start(ConfigFactory.parseString(config(a)).withFallback(LedgerBenchChild.userConfig()),
        dev.warden.persistence.ledger.LedgerKind.create());
    w.system().getWhenTerminated().thenRun(() -> {
      // Downed by the split-brain resolver (a starved machine can look like a dead member): say so and end.
      System.err.println("bench child: the node's ActorSystem terminated before the parent ended it (downed?)");
      System.err.flush();
      System.exit(1);
    });
    AtomicInteger unreachable = new AtomicInteger();
    ActorRef<ClusterEvent.UnreachableMember> watcher = w.system().systemActorOf(Behaviors.<ClusterEvent.UnreachableMember>receiveMessage(e -> {
      unreachable.incrementAndGet();
      System.err.println("bench child: " + e.member().address() + " unreachable");
      return Behaviors.same();
    }), "bench-unreachable", Props.empty());
    Cluster.get(w.system()).subscriptions().tell(Subscribe.create(watcher, ClusterEvent.UnreachableMember.class));
    JobLedger ledger = JobLedger.of(w);
    CompletableFuture<String> done = CompletableFuture.completedFuture("");
    ledger.register(new JobType("noop", (p, ctx) -> done, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
    // Ready once this member holds its share of the partitions: a member that joins after the others
    // gets partitions one rebalance at a time, and the measured phase should not include the moves.
    int share = Integer.parseInt(a[10]);
    while (!ledger.recovered() || ledger.partitionsHere().size() < share) {
      LockSupport.parkNanos(10_000_000);
    }
    LedgerBenchChild.put("http", w.httpUrl().orElseThrow());
    LedgerBenchChild.put("ready", 1);
    awaitFile(Path.of(a[9]));
    if (jobs > 0) {
      stalls.reset();
      long gcBefore = gcMillis();
      int unreachableBefore = unreachable.get();
      long start = System.currentTimeMillis();
      runJobs(ledger, jobs, a[8], Integer.parseInt(a[11]));
      long end = System.currentTimeMillis();
      LedgerBenchChild.put("stall_ms", stalls.max());
      LedgerBenchChild.put("gc_ms", gcMillis() - gcBefore);
      LedgerBenchChild.put("unreachable", unreachable.get() - unreachableBefore);
      LedgerBenchChild.put("start_ms", start);
      LedgerBenchChild.put("end_ms", end);
    }
    w.system().getWhenTerminated().toCompletableFuture().join();
  }

  /**
   * Runs {@code jobs} no-op jobs ({@code prefix0}, {@code prefix1}, ...): a job takes one of
   * {@code window} slots from its submit until its result, so at most that many are in flight. Answers
   * once every one succeeded; fails on the first submit or result that failed (the ledger's own
   * retries and timeouts apply), naming the job.
   */
  static void runJobs(JobLedger ledger, int jobs, String prefix, int window) throws InterruptedException {
    Semaphore slots = new Semaphore(window);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Map<String, String> failed = new ConcurrentHashMap<>();
    for (int i = 0; i < jobs && error.get() == null; i++) {
      String id = prefix + i;
      while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        if (error.get() != null) {
          break;
        }
      }
      CompletableFuture<?> submitted = ledger.submit("noop", id, "").toCompletableFuture();
      while (LedgerBusyException.rejected(submitted)) { // a bound of the ledger: nothing recorded, try again shortly
        LockSupport.parkNanos(1_000_000);
        submitted = ledger.submit("noop", id, "").toCompletableFuture();
      }
      submitted.thenCompose(v -> ledger.result(id)).whenComplete((r, t) -> {
        if (t != null && error.compareAndSet(null, t)) {
          failed.put(id, t.toString());
        }
        slots.release();
      });
    }
    while (!slots.tryAcquire(window, 100, TimeUnit.MILLISECONDS)) {
      if (error.get() != null) {
        break;
      }
    }
    if (error.get() != null) {
      throw new IllegalStateException("a job failed: " + failed, error.get());
    }
  }

  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /**
   * The longest this JVM left a thread that only sleeps 50 ms at a time waiting beyond its wake-up
   * time: a stall every thread of the JVM saw (a GC pause, a safepoint, no core to run on), as
   * opposed to a queue of one dispatcher.
   */
  static final class Stalls {
    private final AtomicLong max = new AtomicLong();

    static Stalls start() {
      Stalls s = new Stalls();
      Thread t = new Thread(() -> {
        while (true) {
          long before = System.nanoTime();
          LockSupport.parkNanos(50_000_000);
          long late = (System.nanoTime() - before - 50_000_000) / 1_000_000;
          s.max.accumulateAndGet(late, Math::max);
          if (late >= 1000) { // as it happens, beside Pekko's own warnings: a stall this long makes heartbeats late
            System.err.println("bench child: stalled " + late + " ms (GC so far " + gcMillis() + " ms)");
          }
        }
      }, "bench-stall-probe");
      t.setDaemon(true);
      t.start();
      return s;
    }

    void reset() {
      max.set(0);
    }

    long max() {
      return max.get();
    }
  }
}
