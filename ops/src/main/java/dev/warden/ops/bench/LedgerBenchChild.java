package dev.warden.ops.bench;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.LedgerBusyException;
import dev.warden.persistence.ledger.RetryPolicy;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code -D} system properties the parent passes on.
 */
public final class LedgerBenchChild {
  private static final long MAIN_ENTERED = System.currentTimeMillis();
  /**
   * One timer thread for the handlers' hold. Not CompletableFuture.delayedExecutor: on 2 cores the
   * common pool has parallelism 1, and the JDK then starts a new thread for every delayed task.
   */
  private static final java.util.concurrent.ScheduledExecutorService HOLD =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-hold");
        t.setDaemon(true);
        return t;
      });

  private LedgerBenchChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "ledger": // these two, and LedgerSyncChild, also run on PostgreSQL; the cold-start phases time the JVM's launch
        BenchDatabase.useFreshSchema(Path.of(args[1]));
        ledger(Path.of(args[1]), Integer.parseInt(args[2]));
        BenchDatabase.dropSchema(Path.of(args[1]));
        break;
      case "floor":
        BenchDatabase.useFreshSchema(Path.of(args[1]));
        floor(Path.of(args[1]), Integer.parseInt(args[2]));
        BenchDatabase.dropSchema(Path.of(args[1]));
        break;
      case "recovery-load":
        recoveryLoad(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
        break;
      case "recovery-resume":
        recoveryResume(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
        break;
      case "backlog-fill":
        backlogFill(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      case "backlog-cold":
        backlogCold(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
        break;
      case "reaper":
        reaper(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
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

  private static void reportCommon(Warden w) {
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

  private static void ledger(Path data, int jobs) {
    try (Warden w = startNode(data, "")) {
      reportCommon(w);
      JobLedger ledger = JobLedger.of(w);
      CompletableFuture<String> done = CompletableFuture.completedFuture("");
      // max concurrency is node-wide now: 16 * 1024 is what the bench always ran with (1024 in each of 16 partitions)
      ledger.register(new JobType("noop", (p, ctx) -> done, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
      long t0 = System.nanoTime();
      int retries = submitAll(ledger, "noop", jobs, "job-", "");
      double submitted = (System.nanoTime() - t0) / 1e9;
      awaitCount(ledger, "noop", "succeeded", jobs, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - t0) / 1e9;
      put("jobs", jobs);
      put("seconds", seconds);
      put("submit_seconds", submitted);
      put("busy_retries", retries);
      put("jobs_per_s", jobs / seconds);
      put("peak_rss_mb", peakRssMb());
    }
  }

  private static void floor(Path data, int rows) throws Exception {
    Config cfg = Warden.loadConfig(ConfigFactory.parseString("warden.data-dir = \"" + data.toAbsolutePath() + "\"").withFallback(userConfig()));
    put("durability", durability(cfg));
    Files.createDirectories(data);
    PersistenceSettings db = PersistenceSettings.create(cfg);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      try (Statement st = c.createStatement()) {
        st.execute(BenchDatabase.floorTable(db, "event_journal"));
      }
      c.setAutoCommit(false);
      byte[] payload = new byte[200];
      long start = System.nanoTime();
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, event_payload,"
                  + " event_ser_id, event_ser_manifest) VALUES (?, ?, 'w', ?, '', ?, 33, 'E')")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "p-" + (i % 16));
          ps.setLong(2, i);
          ps.setLong(3, System.currentTimeMillis());
          ps.setBytes(4, payload);
          ps.addBatch();
          if (i % 100 == 99) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      put("rows_per_s", rows / ((System.nanoTime() - start) / 1e9));
      if (db.dialect() == Dialect.H2) {
        try (Statement st = c.createStatement()) {
          st.execute("SHUTDOWN");
        }
      }
    }
  }

  /**
   * A handler that takes {@code holdMs} (on a timer, no thread held) and first appends
   * {@code phase id attempt epochMs} to the side file with one unbuffered write, so the line
   * survives a kill -9 of this JVM.
   */
  private static JobType recordingType(FileOutputStream side, String phase, long holdMs, AtomicInteger invoked) {
    return new JobType("work", (payload, ctx) -> {
      byte[] line = (phase + " " + ctx.jobId() + " " + ctx.attempt() + " " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (side) {
        side.write(line);
      }
      invoked.incrementAndGet();
      CompletableFuture<String> result = new CompletableFuture<>();
      HOLD.schedule(() -> result.complete("ok"), holdMs, TimeUnit.MILLISECONDS);
      return result;
    }, JobPolicy.defaults().withStartToClose(Duration.ofMinutes(5)));
  }

  private static void recoveryLoad(Path data, Path side, int jobs) throws Exception {
    Warden w = startNode(data, ""); // never closed: the parent kills this JVM
    reportCommon(w);
    FileOutputStream out = new FileOutputStream(side.toFile(), true);
    AtomicInteger invoked = new AtomicInteger();
    JobLedger ledger = JobLedger.of(w);
    ledger.register(recordingType(out, "first", TimeUnit.MINUTES.toMillis(10), invoked));
    submitAll(ledger, "work", jobs, "job-", "");
    put("submitted", jobs);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long lastRunning = -1;
    while (true) { // every job journaled as running or pending, every running one's body invoked, and no more starting
      long running = ledger.count("work", "running");
      long pending = ledger.count("work", "pending");
      if (running > 0 && running == lastRunning && running + pending == jobs && invoked.get() >= running) {
        put("inflight_running", running);
        put("inflight_pending", pending);
        put("inflight_succeeded", ledger.count("work", "succeeded"));
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("jobs never all in flight: " + ledger.counts() + ", invoked " + invoked.get());
      }
      lastRunning = running;
      Thread.sleep(100);
    }
    put("ready", 1);
    Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // until the parent's kill -9
  }

  private static void recoveryResume(Path data, Path side, int jobs, long launch) throws Exception {
    put("main_ms", MAIN_ENTERED - launch);
    Warden w = startNode(data, "");
    long up = System.currentTimeMillis();
    put("node_up_ms", up - launch);
    reportCommon(w);
    try (FileOutputStream out = new FileOutputStream(side.toFile(), true)) {
      AtomicInteger invoked = new AtomicInteger();
      JobLedger ledger = JobLedger.of(w);
      ledger.register(recordingType(out, "second", 20, invoked));
      awaitCount(ledger, "work", "succeeded", jobs, Duration.ofMinutes(5));
      put("all_done_ms", System.currentTimeMillis() - launch);
      long lastRedispatch = 0;
      int redispatched = 0;
      for (int i = 0; i < jobs; i++) {
        List<JobEvent> history = ledger.history("job-" + i).toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (JobEvent e : history) {
          if (e instanceof JobEvent.Started && e.at() >= launch) {
            redispatched++;
            lastRedispatch = Math.max(lastRedispatch, e.at());
            break;
          }
        }
      }
      put("redispatched", redispatched);
      put("redispatch_all_ms", lastRedispatch - launch);
      put("redispatch_after_up_ms", lastRedispatch - up);
      put("peak_rss_mb", peakRssMb());
    } finally {
      w.close();
    }
  }

  private static void backlogFill(Path data, int jobs) {
    // one attempt at a time per partition (16 on the node), and it never ends: everything else stays pending
    try (Warden w = startNode(data, "warden.ledger.shutdown.drain-timeout = 0s\n")) {
      reportCommon(w);
      JobLedger ledger = JobLedger.of(w);
      ledger.register(new JobType("noop", (p, ctx) -> new CompletableFuture<>(), JobPolicy.defaults().withMaxConcurrency(16)));
      long t0 = System.nanoTime();
      submitAll(ledger, "noop", jobs, "job-", "");
      put("fill_seconds", (System.nanoTime() - t0) / 1e9);
      put("pending", ledger.count("noop", "pending"));
      put("running", ledger.count("noop", "running"));
    }
  }

  private static void backlogCold(Path data, long launch, long expected) throws Exception {
    // Nothing before the node's start but the node: the JVM's start time is read after the first
    // completion (loading java.management here took 20-50 ms of the very start being timed).
    AtomicLong firstDispatch = new AtomicLong();
    try (Warden w = startNode(data, "")) {
      long up = System.currentTimeMillis();
      JobLedger ledger = JobLedger.of(w);
      CompletableFuture<String> done = CompletableFuture.completedFuture("");
      CompletableFuture<String> firstId = new CompletableFuture<>();
      ledger.register(new JobType("noop", (p, ctx) -> {
        if (firstDispatch.compareAndSet(0, System.currentTimeMillis())) {
          firstId.complete(ctx.jobId());
        }
        return done;
      }, JobPolicy.defaults().withMaxConcurrency(16 * 1024)));
      long registered = System.currentTimeMillis();
      // The first job handed to a handler, once its completion is journaled. Waited for, not polled:
      // a polling loop here would take CPU from the very start it measures.
      firstId.thenCompose(ledger::result).toCompletableFuture().get(5, TimeUnit.MINUTES);
      long first = System.currentTimeMillis();
      double rssAtFirst = peakRssMb();
      put("main_ms", MAIN_ENTERED - launch);
      put("jvm_start_ms", java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() - launch);
      // partitions still recovering have not counted their jobs yet: wait for the known total
      awaitCount(ledger, "noop", "succeeded", expected, Duration.ofMinutes(10));
      long total = ledger.counts().get("noop").values().stream().mapToLong(Long::longValue).sum();
      long drained = System.currentTimeMillis();
      reportCommon(w);
      put("node_up_ms", up - launch);
      put("registered_ms", registered - launch);
      put("first_dispatch_ms", firstDispatch.get() - launch);
      put("first_completion_ms", first - launch);
      put("peak_rss_at_first_mb", rssAtFirst);
      put("jobs", total);
      put("drain_jobs_per_s", total * 1000.0 / Math.max(1, drained - first));
      put("peak_rss_mb", peakRssMb());
    }
  }

  private static void reaper(Path data, int jobs, long timeoutMs, long spacingMs) throws Exception {
    Map<String, Long> invokedAt = new ConcurrentHashMap<>();
    try (Warden w = startNode(data, "")) {
      reportCommon(w);
      put("tick_ms", w.system().settings().config().getDuration("warden.ledger.reaper.tick").toMillis());
      JobLedger ledger = JobLedger.of(w);
      ledger.register(new JobType("hang", (p, ctx) -> {
        invokedAt.put(ctx.jobId(), System.currentTimeMillis());
        return new CompletableFuture<>(); // never completes
      }, JobPolicy.defaults().withStartToClose(Duration.ofMillis(timeoutMs)).withMaxConcurrency(16 * 1024)
          .withRetry(RetryPolicy.defaults().withMaxAttempts(1))));
      for (int i = 0; i < jobs; i++) { // spread the deadlines over the reaper's tick
        ledger.submit("hang", "hung-" + i, "").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Thread.sleep(spacingMs);
      }
      awaitCount(ledger, "hang", "failed", jobs, Duration.ofMinutes(5));
      double[] late = new double[jobs];
      for (int i = 0; i < jobs; i++) {
        String id = "hung-" + i;
        long reapedAt = -1;
        for (JobEvent e : ledger.history(id).toCompletableFuture().get(30, TimeUnit.SECONDS)) {
          if (e instanceof JobEvent.Reaped) {
            reapedAt = e.at();
          }
        }
        if (reapedAt < 0 || !invokedAt.containsKey(id)) {
          throw new IllegalStateException("job " + id + " was not reaped: " + ledger.history(id).toCompletableFuture().get());
        }
        late[i] = reapedAt - (invokedAt.get(id) + timeoutMs);
      }
      Arrays.sort(late);
      put("samples", jobs);
      put("timeout_ms", timeoutMs);
      put("late_p50_ms", Figures.quantile(late, 0.5));
      put("late_p99_ms", Figures.quantile(late, 0.99));
      put("late_max_ms", late[jobs - 1]);
      put("late_min_ms", late[0]);
    }
  }
}
