package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.names;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose attempts never end because its node crashes under it every time (a real kill -9
 * of a node process) is given up after {@code warden.ledger.max-cut-attempts} such attempts in
 * a row, instead of being started at every restart; a job whose attempts end normally in between
 * is not, and neither is a long job that lives through graceful stops (deploys): those attempts
 * are marked Suspended, not counted.
 */
class CutAttemptsTest {
  static final String CONF = "warden.ledger.shutdown.drain-timeout = 100ms\nwarden.ledger.max-cut-attempts = 2\n";
  static final JobPolicy POLICY = JobPolicy.defaults()
      .withRetry(RetryPolicy.defaults().withMaxAttempts(10).withBackoff(Duration.ofMillis(10), Duration.ofMillis(10), 0.0));

  @TempDir Path dir;
  private final List<Process> nodes = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : nodes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Starts a node process, waits until attempt {@code attempt} of "poison" runs in it, then kills it (SIGKILL). */
  private void crashDuringAttempt(String mode, int attempt) throws Exception {
    Path out = dir.resolve("node-" + attempt + ".out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        CutNodeMain.class.getName(), dir.toString(), mode)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    nodes.add(p);
    Path started = dir.resolve("started-" + attempt);
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started) || !p.isAlive());
    assertTrue(p.isAlive(), () -> "node process ended before attempt " + attempt + " started:\n" + read(out));
    p.destroyForcibly(); // SIGKILL: no drain, no shutdown hook
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "killed node process gone");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no output)";
    }
  }

  /** Starts a node in this JVM whose "hang" handler never returns, waits until "poison" runs, then closes it gracefully. */
  private void stopGracefullyDuringAttempt(boolean submit) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("hang", (p, ctx) -> {
        running.countDown();
        return new CompletableFuture<>();
      }, POLICY));
      if (submit) {
        await(ledger.submit("hang", "poison", "p"));
      }
      assertTrue(running.await(20, TimeUnit.SECONDS), "the job's attempt started");
    }
  }

  private static List<String> plainNames(JobLedger ledger, String id) {
    return names(ledger, id).stream().map(n -> n.replaceAll("\\(.*", "")).toList();
  }

  @Test
  void aJobCutShortByTwoCrashesInARowIsGivenUpAtTheNextStartNotStartedAgain() throws Exception {
    crashDuringAttempt("submit", 1);
    crashDuringAttempt("resume", 2);
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("hang", (p, ctx) -> CompletableFuture.completedFuture("ran")));
      await().atMost(Duration.ofSeconds(20)).until(() -> status(ledger, "poison").status() == JobStatus.GAVE_UP);
      assertEquals(List.of("Submitted", "Started#1", "Started#2", "GaveUp"), plainNames(ledger, "poison"));
      assertEquals(2, status(ledger, "poison").attempt(), "not started a third time");
      assertTrue(status(ledger, "poison").cause().orElse("").contains("warden.ledger.max-cut-attempts = 2"), status(ledger, "poison").toString());
    }
  }

  @Test
  void anAttemptThatEndsResetsTheCount() throws Exception {
    crashDuringAttempt("submit", 1);
    crashDuringAttempt("fail-second", 3); // attempt 2 fails normally, attempt 3 starts and is cut
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("hang", (p, ctx) -> CompletableFuture.completedFuture("ran")));
      assertEquals("ran", await(ledger.result("poison")), "one cut attempt since the failure: under the limit of 2, so it ran");
      assertEquals(List.of("Submitted", "Started#1", "Started#2", "Failed#2", "RetryScheduled", "Started#3", "Started#4",
          "Completed#4", "Succeeded"), plainNames(ledger, "poison"));
    }
  }

  @Test
  void aLongJobLivingThroughGracefulStopsIsSuspendedNotGivenUp() throws Exception {
    stopGracefullyDuringAttempt(true);
    stopGracefullyDuringAttempt(false);
    stopGracefullyDuringAttempt(false); // three deploys in a row, past a limit of 2
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(JobType.of("hang", (p, ctx) -> CompletableFuture.completedFuture("ran")));
      assertEquals("ran", await(ledger.result("poison")), "resumed after every deploy, never given up");
      assertEquals(List.of("Submitted", "Started#1", "Suspended#1", "Started#2", "Suspended#2", "Started#3", "Suspended#3",
          "Started#4", "Completed#4", "Succeeded"), plainNames(ledger, "poison"));
      assertEquals(JobStatus.SUCCEEDED, status(ledger, "poison").status());
    }
  }

  @Test
  void aSuspendedAttemptDoesNotUseUpARetry() throws Exception {
    stopGracefullyDuringAttempt(true); // attempt 1 suspended by a deploy
    try (Warden node = LedgerNode.start(dir, CONF)) {
      JobLedger ledger = JobLedger.of(node);
      ledger.register(new JobType("hang", (p, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("boom " + ctx.attempt())),
          JobPolicy.defaults().withRetry(RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ofMillis(10), Duration.ofMillis(10), 0.0))));
      await().atMost(Duration.ofSeconds(20)).until(() -> status(ledger, "poison").status() == JobStatus.GAVE_UP);
      assertEquals(List.of("Submitted", "Started#1", "Suspended#1", "Started#2", "Failed#2", "RetryScheduled", "Started#3", "Failed#3",
          "GaveUp"), plainNames(ledger, "poison"), "two failures with maxAttempts 2, the suspended attempt not counted");
      assertTrue(status(ledger, "poison").cause().orElse("").contains("boom 3"), status(ledger, "poison").toString());
      List<JobEvent> h = await(ledger.history("poison"));
      assertTrue(((JobEvent.GaveUp) h.get(h.size() - 1)).reason().contains("attempts exhausted (2 of 2)"), h.toString());
    }
  }
}
