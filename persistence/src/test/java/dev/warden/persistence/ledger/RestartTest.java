package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
  @TempDir Path dir;

  @Test
  void pendingAndRunningJobsResumeAfterARestartAndEachSucceedsExactlyOnce() throws Exception {
    int n = 40;
    CountDownLatch running = new CountDownLatch(4);
    try (Warden first = LedgerNode.start(dir, "warden.ledger.shutdown.drain-timeout = 100ms\nwarden.ledger.snapshot-every = 3\n")) {
      JobLedger ledger = JobLedger.of(first);
      ledger.register(
          new JobType("slow", (p, ctx) -> {
            running.countDown();
            return new CompletableFuture<>(); // never finishes in this run
          }, JobPolicy.defaults().withMaxConcurrency(4)));
      for (int i = 0; i < n; i++) {
        await(ledger.submit("slow", "job-" + i, "p" + i));
      }
      running.await();
    }
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (Warden second = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(second);
      ledger.register(JobType.of("slow", (p, ctx) -> {
        runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
        return CompletableFuture.completedFuture("done " + p);
      }));
      for (int i = 0; i < n; i++) {
        assertEquals("done p" + i, await(ledger.result("job-" + i)));
      }
      for (int i = 0; i < n; i++) {
        List<String> h = names(ledger, "job-" + i);
        assertEquals(1, h.stream().filter(e -> e.equals("Succeeded")).count(), h.toString());
        assertEquals(1, h.stream().filter(e -> e.startsWith("Completed")).count(), h.toString());
        assertTrue(h.stream().noneMatch(e -> e.contains("Interrupt")), h.toString());
      }
      long resumed = java.util.stream.IntStream.range(0, n).filter(i -> names(ledger, "job-" + i).contains("Started#2")).count();
      assertEquals(4, resumed, "the 4 attempts running at shutdown (the node-wide limit) got a new attempt");
      assertEquals(n, runs.size());
      org.awaitility.Awaitility.await().until(() -> ledger.counts().get("slow").getOrDefault("succeeded", 0L) == n);
      assertEquals(0L, ledger.counts().get("slow").get("running"));
    }
  }
}
