package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.LedgerJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An llm node in a child JVM with 200 interactions in flight, stopped the hard way (SIGKILL) and
 * the polite way (SIGTERM), then a new node on the same H2 file. What counts is the journal on
 * disk, read after the last node stopped: every interaction Succeeded exactly once, none lost, and
 * after SIGTERM nothing marked failed, reaped or cancelled. Model calls made again after the
 * crash are at-least-once execution and only reported.
 */
class LlmNodeCrashTest {
  private static final int N = 200;
  private static final String CONF =
      "warden.ledger.partitions = 4\n"
          + "warden.ledger.reaper.tick = 200ms\n"
          + "warden.llm.idle.check-interval = 100ms\n";

  @TempDir Path dir;
  private GatedModelServer server;
  private final List<Process> nodes = new ArrayList<>();
  private final long t0 = System.nanoTime();

  @BeforeEach
  void startServer() throws IOException {
    server = new GatedModelServer();
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (Process p : nodes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    server.close();
  }

  private Process node(String mode) throws IOException {
    Path out = dir.resolve(mode + ".out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), LlmNodeMain.class.getName(),
        dir.toString(), server.uri().toString(), String.valueOf(N), mode)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    nodes.add(p);
    return p;
  }

  private String output(String mode) {
    try {
      return Files.readString(dir.resolve(mode + ".out"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Where the time goes: the test runs two node JVMs on a loaded machine. */
  private void phase(String test, String what) {
    System.out.printf("%s: %s at %d ms%n", test, what, (System.nanoTime() - t0) / 1_000_000);
  }

  /** A new node on the same file re-registers the llm types and waits for every interaction; then stops gracefully. */
  private void resumeUntilAllDone() throws Exception {
    Process second = node("resume");
    assertThat(second.waitFor(50, TimeUnit.SECONDS)).as("resumed node finished: %s", output("resume")).isTrue();
    assertThat(second.exitValue()).as(output("resume")).isZero();
    assertThat(output("resume")).contains("DONE " + N);
  }

  /** Each interaction in the journal: one Submitted, one Completed, one Succeeded, no GaveUp. */
  private static void assertEachSucceededExactlyOnce(LedgerJournal journal) {
    Map<String, List<JobEvent>> jobs = journal.byJob();
    assertThat(jobs.keySet()).as("no interaction lost").containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, N).mapToObj(LlmNodeMain::id).collect(Collectors.toList()));
    for (String id : jobs.keySet()) {
      assertThat(journal.count(id, JobEvent.Submitted.class)).as("Submitted of %s: %s", id, journal.labels(id)).isEqualTo(1);
      assertThat(journal.count(id, JobEvent.Completed.class)).as("Completed of %s: %s", id, journal.labels(id)).isEqualTo(1);
      assertThat(journal.count(id, JobEvent.Succeeded.class)).as("Succeeded of %s: %s", id, journal.labels(id)).isEqualTo(1);
    }
    assertThat(journal.all(JobEvent.GaveUp.class)).isEmpty();
  }

  /** Interactions the model was asked more than once (at-least-once execution), printed, never asserted. */
  private void reportRepeatedCalls(String test) {
    Map<String, Integer> calls = server.calls();
    long repeated = calls.values().stream().filter(n -> n > 1).count();
    System.out.printf("%s: %d interactions, %d model calls, %d interactions called more than once (at-least-once)%n",
        test, calls.size(), calls.values().stream().mapToInt(i -> i).sum(), repeated);
  }

  @Test
  void sigkillWith200CallsInFlightThenRestartCompletesEachExactlyOnceInTheJournal() throws Exception {
    Files.writeString(dir.resolve("node.conf"), CONF + "warden.llm.bulkhead.models { " + LlmNodeMain.MODEL + " = 256 }\n");
    Process first = node("submit");
    await().atMost(Duration.ofSeconds(40)).until(() -> server.held() == N || !first.isAlive());
    assertThat(server.held()).as("all %d calls are at the model: %s", N, output("submit")).isEqualTo(N);
    phase("sigkill", N + " calls in flight");

    first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    server.open(Duration.ZERO);
    phase("sigkill", "node killed");

    resumeUntilAllDone();
    phase("sigkill", "restarted node done");
    LedgerJournal journal = LedgerJournal.read(dir);
    assertEachSucceededExactlyOnce(journal);
    for (String id : journal.byJob().keySet()) {
      assertThat(journal.labels(id).stream().filter(l -> !l.equals("Heartbeat")))
          .as("the killed attempt stays open in the history; the restart ran a new one")
          .containsExactly("Submitted", "Started#1", "Started#2", "Completed#2", "Succeeded");
    }
    assertThat(journal.all(JobEvent.Failed.class)).isEmpty();
    assertThat(journal.all(JobEvent.Reaped.class)).isEmpty();
    reportRepeatedCalls("sigkill");
  }

  @Test
  void sigtermLetsRunningCallsFinishMarksNothingInterruptedAndARestartFinishesTheRest() throws Exception {
    // 40 calls at the model, 160 started and queued for a permit; the drain has 2 s, each call takes 700 ms
    Files.writeString(dir.resolve("node.conf"), CONF + "warden.llm.bulkhead.models { " + LlmNodeMain.MODEL + " = 40 }\n"
        + "warden.ledger.shutdown.drain-timeout = 2s\n");
    Process first = node("submit");
    await().atMost(Duration.ofSeconds(40)).until(() -> output("submit").contains("IN FLIGHT") || !first.isAlive());
    assertThat(output("submit")).contains("IN FLIGHT " + N);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.held() == 40);
    phase("sigterm", N + " interactions in flight");

    first.destroy(); // SIGTERM: the JVM's shutdown hook runs Warden's graceful stop
    server.open(Duration.ofMillis(700));
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("a SIGTERM'd node stops by itself: %s", output("submit")).isTrue();
    assertThat(first.exitValue()).as("exit status of a JVM ended by SIGTERM after its hooks ran").isEqualTo(143);
    phase("sigterm", "node stopped");
    server.open(Duration.ZERO); // the restarted node's calls need not be slow

    resumeUntilAllDone();
    phase("sigterm", "restarted node done");
    LedgerJournal journal = LedgerJournal.read(dir);
    assertThat(journal.events().stream()
            .filter(e -> e instanceof JobEvent.Failed || e instanceof JobEvent.Reaped
                || e instanceof JobEvent.Cancelled || e instanceof JobEvent.GaveUp || e instanceof JobEvent.RetryScheduled)
            .map(e -> e.jobId() + " " + e.label()).limit(20))
        .as("a graceful stop marks nothing failed, reaped, cancelled or interrupted")
        .isEmpty();
    assertEachSucceededExactlyOnce(journal);
    List<JobEvent.Completed> completed = journal.all(JobEvent.Completed.class);
    long duringDrain = completed.stream().filter(c -> c.attempt() == 1).count();
    long afterRestart = completed.stream().filter(c -> c.attempt() == 2).count();
    System.out.printf("sigterm: %d completed while the node drained, %d by the restarted node%n", duringDrain, afterRestart);
    assertThat(duringDrain).as("calls running at SIGTERM finished and were journaled during the drain").isPositive();
    assertThat(afterRestart).as("what the drain did not finish resumed after the restart").isPositive();
    assertThat(duringDrain + afterRestart).isEqualTo(N);
    reportRepeatedCalls("sigterm");
  }
}
