package dev.warden.workers.trial;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.process.MemoryProbe;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies through the real ledger on an H2 file, trials as real processes. */
class TrialsTest {
  @TempDir Path dir;

  private Warden start(String extra) {
    return Warden.start(
        ConfigFactory.parseString("warden.node-name = trials-test\nwarden.data-dir = \"" + dir + "\"\n"
            + "warden.trial { workers = 2, stop-grace = 300ms, brake-retry-delay = 0s }\n"
            + "warden.memory-guard.check-interval = 50ms\n" + extra),
        LedgerKind.create(), TrialKind.create(MemoryProbe.proc()), CheckpointerKind.create());
  }

  private static Study study(String name, String script, List<Map<String, String>> params) {
    return new Study(name, List.of("/bin/sh", "-c", script), params, "loss", false);
  }

  @Test
  void studyRunsEveryTrialJournalsResultsAndFindsTheBest() throws Exception {
    Study s = study("grid", "echo \"WARDEN:RESULT {\\\"loss\\\": {lr}}\"",
        List.of(Map.of("lr", "0.5"), Map.of("lr", "0.125"), Map.of("lr", "0.25"), Map.of("lr", "1.0")));
    try (Warden w = start("")) {
      Trials trials = Trials.of(w);
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      Trials.Best best = trials.best(s).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(best.index()).isEqualTo(1);
      assertThat(best.objective()).isEqualTo(0.125);
      assertThat(best.params()).containsEntry("lr", "0.125");
      assertThat(trials.follow(s).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .allSatisfy(t -> assertThat(t.status()).isEqualTo(JobStatus.SUCCEEDED));
      // re-submitting the study adds nothing
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(JobLedger.of(w).counts().get(Trials.JOB_TYPE)).containsEntry("succeeded", 4L);
      // each worker's live figures are on its tree node
      assertThat(w.tree().snapshot()).filteredOn(n -> n.getPath().startsWith("/warden/trial/worker-"))
          .hasSize(2)
          .anySatisfy(n -> assertThat(n.getInfo()).contains("rss=").contains("age=").contains("brakes=0"));
    }
  }

  @Test
  void leakerOverItsCapIsRecycledWithoutBurningAnAttemptAndTheStudyCompletes() throws Exception {
    Path marker = dir.resolve("leaked-once");
    // leaks 64 MiB the first time it runs, behaves the second time
    String script = "if [ -f " + marker + " ]; then echo 'WARDEN:RESULT {\"loss\": 0.3}'; else touch " + marker
        + "; x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo leaked; sleep 1000; fi";
    Study s = study("leaky", script, List.of(Map.of()));
    try (Warden w = start("warden.memory-guard.worker-rss-cap = 32MiB\n")) {
      Trials trials = Trials.of(w);
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      Trials.Best best = trials.best(s).toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow();
      assertThat(best.objective()).isEqualTo(0.3);
      Trials.TrialState t = trials.follow(s).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
      assertThat(t.attempt()).as("the recycle burned no attempt").isEqualTo(1);
      assertThat(w.tree().snapshot()).anySatisfy(n -> assertThat(n.getPath()).isEqualTo("/warden/trial/worker-1"));
    }
  }

  @Test
  void silentTrialIsReapedByItsHeartbeatTimeoutAndItsProcessTreeIsGone() throws Exception {
    Path pid = dir.resolve("grandchild.pid");
    Study s = study("silent", "sleep 1000 & echo $! > " + pid + ".tmp; mv " + pid + ".tmp " + pid + "; wait",
        List.of(Map.of()));
    try (Warden w = start("warden.trial { heartbeat-timeout = 1s, max-attempts = 1 }\n"
        + "warden.ledger.reaper.tick = 200ms\n")) {
      Trials trials = Trials.of(w);
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(pid));
      long grandchild = Long.parseLong(java.nio.file.Files.readString(pid).trim());
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
          trials.follow(s).toCompletableFuture().get().get(0).status() == JobStatus.GAVE_UP);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .until(() -> !dev.warden.core.process.ProcessTree.running(grandchild));
      assertThat(trials.best(s).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void exitCodesAreConfiguredPerKind() throws Exception {
    Path marker = dir.resolve("asked-once");
    // exit 7 means "restart me" here: the first run asks for it, the second succeeds with exit 3
    Study s = study("codes", "if [ -f " + marker + " ]; then echo 'WARDEN:RESULT {\"loss\": 2}'; exit 3; fi; touch "
        + marker + "; exit 7", List.of(Map.of()));
    try (Warden w = start("warden.trial.exit-codes { success = [3], restart = [7] }\n")) {
      Trials trials = Trials.of(w);
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(trials.best(s).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow().objective()).isEqualTo(2.0);
      assertThat(trials.follow(s).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0).attempt()).isEqualTo(1);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("warden.trial.exit-codes.restart = [0]\n"))
        .hasMessageContaining("warden.trial.exit-codes.restart");
  }

  @Test
  void failingTrialUsesItsAttemptsAndTheOthersStillFinish() throws Exception {
    Study s = study("mixed", "[ {ok} = yes ] && echo 'WARDEN:RESULT {\"loss\": 1}' || exit 3",
        List.of(Map.of("ok", "yes"), Map.of("ok", "no")));
    try (Warden w = start("warden.trial.max-attempts = 2\nwarden.ledger.types.trial.max-attempts = 2\n")) {
      Trials trials = Trials.of(w);
      trials.submit(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(trials.best(s).toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow().index()).isZero();
      List<Trials.TrialState> states = trials.follow(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(states.get(1).status()).isEqualTo(JobStatus.GAVE_UP);
      assertThat(states.get(1).cause().orElse("")).contains("exit code 3");
    }
  }

  /** Double-forks a {@code sleep} (re-parented away from the trial's tree) and writes its pid to {@code pidFile}. */
  static String escaping(Path pidFile) {
    return "(setsid sleep 1000 > /dev/null 2>&1 & echo $! > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "); ";
  }

  static long pidIn(Path pidFile) throws Exception {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> java.nio.file.Files.exists(pidFile));
    long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
    assertThat(dev.warden.core.process.ProcessTree.running(pid)).isTrue();
    return pid;
  }

  @Test
  void doubleForkedDescendantsDieWhenTheirTrialIsReapedAndWhenTheNodeClosesCleanly() throws Exception {
    Path reaped = dir.resolve("reaped.pid");
    Path closing = dir.resolve("closing.pid");
    Path silence = dir.resolve("silence");
    // The silent trial heartbeats until the test has seen its escaped process alive, then falls silent: its reap
    // cannot come before that check (with "silent from the start" a loaded machine could reap it first).
    Study silent = study("silent-escaper", escaping(reaped) + "while [ ! -f " + silence + " ]; do echo WARDEN:HEARTBEAT; sleep 0.2; done;"
        + " exec sleep 1000", List.of(Map.of()));
    Study busy = study("busy-escaper", escaping(closing) + "while :; do echo WARDEN:HEARTBEAT; sleep 0.2; done",
        List.of(Map.of()));
    long stillRunningAtClose;
    // The ledger hears a trial's heartbeat about every 600 ms however often it prints one (ExternalProcess
    // forwards at most one per 500 ms; the script prints every 200 ms): with a 1 s timeout a beat 400 ms late on
    // a loaded machine reaped the busy trial too. 2 s leaves 1.4 s.
    try (Warden w = start("warden.trial { heartbeat-timeout = 2s, max-attempts = 1 }\n"
        + "warden.ledger.reaper.tick = 200ms\nwarden.ledger.shutdown.drain-timeout = 0s\n")) {
      Trials trials = Trials.of(w);
      trials.submit(silent).toCompletableFuture().get(10, TimeUnit.SECONDS);
      trials.submit(busy).toCompletableFuture().get(10, TimeUnit.SECONDS);
      long escapedFromReaped = pidIn(reaped);
      stillRunningAtClose = pidIn(closing);
      java.nio.file.Files.createFile(silence);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
          trials.follow(silent).toCompletableFuture().get().get(0).status() == JobStatus.GAVE_UP);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
          .until(() -> !dev.warden.core.process.ProcessTree.running(escapedFromReaped));
      assertThat(dev.warden.core.process.ProcessTree.running(stillRunningAtClose))
          .as("the other trial's escaped process is not touched by the reap").isTrue();
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
        .until(() -> !dev.warden.core.process.ProcessTree.running(stillRunningAtClose));
  }
}
