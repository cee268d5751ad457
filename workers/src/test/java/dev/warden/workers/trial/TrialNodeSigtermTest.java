package dev.warden.workers.trial;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.LedgerJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM of a node (child JVM, H2 file) while a trial runs that ends well within the ledger's
 * drain timeout: the trial kind stops after the ledger drained (shutdown order 50), so the trial
 * finishes, its success is in the journal as attempt 1, and a restarted node runs it no more.
 * Were the trial pool stopped in the ledger's group, the running trial would be killed at
 * SIGTERM, the journal would hold no Completed, and the restart would run attempt 2.
 */
class TrialNodeSigtermTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @TempDir Path dir;
  private Process node;

  @AfterEach
  void killNode() throws InterruptedException {
    if (node != null) {
      node.destroyForcibly();
      node.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** One trial: marks that it runs, works ~2 s (well under the 5 s drain), marks that it is done, reports. */
  static Study study(Path dir) {
    String script = "echo run >> " + dir + "/runs; touch " + dir + "/started; sleep 2; touch " + dir + "/done;"
        + " echo 'WARDEN:RESULT {\"loss\": 0.5}'";
    return new Study("sigterm", List.of("/bin/sh", "-c", script), List.of(Map.of()), "loss", false);
  }

  static Warden start(Path dir) {
    return Warden.start(ConfigFactory.parseString("warden.node-name = trial-sigterm\nwarden.data-dir = \"" + dir + "\"\n"
            + "warden.ledger.shutdown.drain-timeout = 5s\n"
            + "warden.trial { workers = 1, stop-grace = 300ms }\n"),
        LedgerKind.create(), TrialKind.create(), CheckpointerKind.create());
  }

  /** Child program: a node on {@code args[0]} that submits {@link #study} and runs until it is stopped. */
  public static final class Node {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      try {
        Warden warden = start(dir);
        Trials.of(warden).submit(study(dir)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("SUBMITTED");
        System.out.flush();
        warden.system().getWhenTerminated().toCompletableFuture().get();
      } catch (Throwable t) {
        t.printStackTrace(System.out);
        System.out.println("NODE FAILED: " + t);
        System.out.flush();
        System.exit(3); // Pekko's threads would keep the JVM alive
      }
    }
  }

  private String output() {
    try {
      return Files.readString(dir.resolve("node.out"));
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void sigtermLetsARunningTrialFinishAndJournalsItsSuccessOnAttemptOne() throws Exception {
    Study study = study(dir);
    String id = study.trialId(0);
    node = new ProcessBuilder(JAVA.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Node.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("node.out").toFile()).start();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> Files.exists(dir.resolve("started")) || !node.isAlive());
    assertThat(dir.resolve("started")).as("the trial runs: %s", output()).exists();
    assertThat(dir.resolve("done")).as("the trial is still running when SIGTERM comes").doesNotExist();

    node.destroy(); // SIGTERM: the JVM's shutdown hook runs Warden's graceful stop
    assertThat(node.waitFor(25, TimeUnit.SECONDS)).as("a SIGTERM'd node stops by itself: %s", output()).isTrue();
    assertThat(node.exitValue()).as("exit status of a JVM ended by SIGTERM after its hooks ran: %s", output()).isEqualTo(143);

    LedgerJournal journal = LedgerJournal.read(dir);
    assertThat(journal.labels(id).stream().filter(l -> !l.equals("Heartbeat")))
        .as("the running trial finished during the drain and its success was journaled")
        .containsExactly("Submitted", "Started#1", "Completed#1", "Succeeded");
    assertThat(journal.events().stream()
            .filter(e -> e instanceof JobEvent.Failed || e instanceof JobEvent.Reaped || e instanceof JobEvent.Cancelled
                || e instanceof JobEvent.GaveUp || e instanceof JobEvent.RetryScheduled)
            .map(e -> e.jobId() + " " + e.label()))
        .as("a graceful stop marks nothing failed, reaped or cancelled")
        .isEmpty();

    try (Warden warden = start(dir)) {
      Trials trials = Trials.of(warden);
      assertThat(trials.follow(study).toCompletableFuture().get(20, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(t -> {
            assertThat(t.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(t.attempt()).as("no attempt 2 after the restart").isEqualTo(1);
          });
      assertThat(trials.best(study).toCompletableFuture().get(20, TimeUnit.SECONDS).orElseThrow().objective()).isEqualTo(0.5);
    }
    assertThat(Files.readAllLines(dir.resolve("runs"))).as("the trial process ran once").hasSize(1);
  }
}
