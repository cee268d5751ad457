package dev.warden.ops.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.ledger.JobLedger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measured run of the ledger's waited submits, in a fresh JVM on its own H2 file (or PostgreSQL
 * schema, {@link BenchDatabase}): what a request
 * handler sees when it waits for each submit before the next. The job type is paused, so only the
 * submits are written (Submitted events, as a scheduler's "schedule" call writes one row). Prints
 * {@code key=value} lines:
 * <ul>
 *   <li>{@code sync_*}: {@code N} submits from one thread, each waited for (latency of each, and N / time);
 *   <li>{@code concurrent_*}: 16 threads, each waiting for its own acknowledgement, {@code 2N} submits in all;
 *   <li>{@code floor_*}: once the node is closed, the floor on the same file and options: one
 *       journal-shaped row inserted and committed per transaction, from one thread, {@code N} times;
 *   <li>{@code floor_journal_*}: the same into the node's own journal table (its unique index on
 *       {@code ordering} as well as the primary key): what one durable journal write costs at least;
 *   <li>{@code peer_*} and {@code peer_concurrent_per_s}: the peer baseline, db-scheduler's waited
 *       schedule on the same database ({@link LedgerPeerBaseline}), from one thread and from 16.
 * </ul>
 * Each part warms up first (its first {@code min(N, 2000)} calls are not counted).
 */
public final class LedgerSyncChild {
  static final int SUBMITTERS = 16;

  private LedgerSyncChild() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int warm = Math.min(n, 2000);
    BenchDatabase.useFreshSchema(data);
    try (Warden w = LedgerBenchChild.startNode(data, "")) {
      LedgerBenchChild.put("durability", LedgerBenchChild.durability(w.system().settings().config()));
      JobLedger ledger = JobLedger.of(w);
      ledger.pause("held").toCompletableFuture().get(30, TimeUnit.SECONDS);
      waited(ledger, "warm-", warm);
      double[] lat = waited(ledger, "sync-", n);
      report("sync", lat);
      concurrent(ledger, warm);
      long t0 = System.nanoTime();
      int total = concurrent(ledger, 2 * n);
      LedgerBenchChild.put("concurrent_per_s", total / ((System.nanoTime() - t0) / 1e9));
    }
    floor(data, warm, false);
    report("floor", floor(data, n, false));
    floor(data, warm, true);
    report("floor_journal", floor(data, n, true));
    try (LedgerPeerBaseline peer = new LedgerPeerBaseline(BenchDatabase.settings(data))) {
      peer.waited("warm-", warm);
      report("peer", peer.waited("sync-", n));
      peer.concurrent(warm);
      long t1 = System.nanoTime();
      int total = peer.concurrent(2 * n);
      LedgerBenchChild.put("peer_concurrent_per_s", total / ((System.nanoTime() - t1) / 1e9));
    }
    BenchDatabase.dropSchema(data);
    System.out.flush();
    System.exit(0);
  }

  /** Submits {@code n} jobs one by one, each waited for; answers each one's latency (ms), sorted. */
  private static double[] waited(JobLedger ledger, String prefix, int n) throws Exception {
    double[] lat = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      ledger.submit("held", prefix + i, "").toCompletableFuture().get(30, TimeUnit.SECONDS);
      lat[i] = (System.nanoTime() - t) / 1e6;
    }
    return lat;
  }

  private static void report(String part, double[] lat) {
    double sum = Arrays.stream(lat).sum();
    Arrays.sort(lat);
    LedgerBenchChild.put(part + "_p50_ms", Figures.quantile(lat, 0.5));
    LedgerBenchChild.put(part + "_p99_ms", Figures.quantile(lat, 0.99));
    LedgerBenchChild.put(part + "_per_s", lat.length / (sum / 1000));
  }

  /** {@link #SUBMITTERS} threads share {@code n} waited submits; answers how many were made. */
  private static int concurrent(JobLedger ledger, int n) throws Exception {
    return shared(n, "a waited submit", id -> ledger.submit("held", id, "").toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  /** One waited call of the job {@code id}. */
  @FunctionalInterface
  interface Call {
    void call(String id) throws Exception;
  }

  /**
   * {@link #SUBMITTERS} threads share {@code n} calls, each thread waiting for its own before its next,
   * each call for a fresh id; answers {@code n}. The first failure ({@code what} failed) fails the whole.
   */
  static int shared(int n, String what, Call call) throws Exception {
    AtomicInteger next = new AtomicInteger();
    String prefix = "c" + System.nanoTime() + "-";
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < SUBMITTERS; t++) {
      Thread th = new Thread(() -> {
        try {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            call.call(prefix + i);
          }
        } catch (Exception e) {
          errors.add(e);
        }
      }, "submitter-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(what + " failed: " + errors.get(0), errors.get(0));
    }
    return n;
  }

  /**
   * One journal-shaped row inserted and committed per transaction, {@code n} times; each one's time (ms).
   * {@code journalTable}: into the node's own {@code event_journal} (its unique index on {@code ordering}
   * besides the primary key, and the node's rows), else into a fresh table with the primary key only.
   */
  private static double[] floor(Path data, int n, boolean journalTable) throws Exception {
    Config cfg = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + data.toAbsolutePath() + "\"")
        .withFallback(LedgerBenchChild.userConfig()));
    double[] lat = new double[n];
    PersistenceSettings db = PersistenceSettings.create(cfg);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      String insert;
      if (journalTable) {
        insert = "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\","
            + " \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'w', ?, '', ?, 33, 'E')";
      } else {
        String table = "floor_" + System.nanoTime();
        try (Statement st = c.createStatement()) {
          st.execute(BenchDatabase.floorTable(db, table));
        }
        insert = "INSERT INTO " + table + " (persistence_id, sequence_number, writer,"
            + " write_timestamp, adapter_manifest, event_payload, event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', ?, '', ?, 33, 'E')";
      }
      c.setAutoCommit(false);
      byte[] payload = new byte[200];
      String ids = "floor-" + System.nanoTime() + "-p-"; // never a persistence id the node or an earlier call wrote
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        for (int i = 0; i < n; i++) {
          long t = System.nanoTime();
          ps.setString(1, ids + (i % 16));
          ps.setLong(2, i);
          ps.setLong(3, System.currentTimeMillis());
          ps.setBytes(4, payload);
          ps.executeUpdate();
          c.commit();
          lat[i] = (System.nanoTime() - t) / 1e6;
        }
      }
    }
    return lat;
  }
}
