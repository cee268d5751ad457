package dev.warden.ops.bench;

import static dev.warden.ops.bench.LedgerBenchChild.awaitCount;
import static dev.warden.ops.bench.LedgerBenchChild.peakRssMb;
import static dev.warden.ops.bench.LedgerBenchChild.put;
import static dev.warden.ops.bench.LedgerBenchChild.reportCommon;
import static dev.warden.ops.bench.LedgerBenchChild.startNode;
import static dev.warden.ops.bench.LedgerBenchChild.submitAll;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger bench's phases around a restart ({@link LedgerBenchChild} starts them): jobs in
 * flight killed with their JVM and resumed by the next one on the same journal, and a cold start
 * on a journal full of pending jobs. These time the JVM's launch: nothing runs before the node's
 * start but the node.
 */
final class RestartPhases {
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

  static void recoveryLoad(Path data, Path side, int jobs) throws Exception {
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

  static void recoveryResume(Path data, Path side, int jobs, long launch) throws Exception {
    put("main_ms", LedgerBenchChild.MAIN_ENTERED - launch);
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

  static void backlogFill(Path data, int jobs) {
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

  static void backlogCold(Path data, long launch, long expected) throws Exception {
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
      put("main_ms", LedgerBenchChild.MAIN_ENTERED - launch);
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

  private RestartPhases() {}
}
