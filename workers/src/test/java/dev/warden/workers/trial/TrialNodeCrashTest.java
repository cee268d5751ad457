package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a node with trials running: nothing is left running once a new node resumes the study. */
class TrialNodeCrashTest {
  @TempDir Path dir;

  @Test
  void killedNodeLeavesNoOrphanedTrialProcessesAfterRestartResumesTheStudy() throws Exception {
    Path out = dir.resolve("node.out");
    Process node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), TrialNodeMain.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("RUNNING"));
      List<Long> grandchildren = List.of(
          Long.parseLong(Files.readString(dir.resolve("grandchild-1")).trim()),
          Long.parseLong(Files.readString(dir.resolve("grandchild-2")).trim()));
      assertThat(grandchildren).allMatch(dev.warden.core.process.ProcessTree::running);

      node.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
      assertThat(node.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // the trials' own processes die with the node; their re-parented descendants do not
      assertThat(grandchildren).allMatch(dev.warden.core.process.ProcessTree::running);

      try (Warden warden = TrialNodeMain.start(dir)) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(grandchildren).noneMatch(dev.warden.core.process.ProcessTree::running));
        Study study = TrialNodeMain.study(dir);
        Trials trials = Trials.of(warden);
        assertThat(trials.best(study).toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow().objective()).isEqualTo(1.0);
        assertThat(trials.follow(study).toCompletableFuture().get(10, TimeUnit.SECONDS))
            .allSatisfy(t -> {
              assertThat(t.status()).isEqualTo(JobStatus.SUCCEEDED);
              assertThat(t.attempt()).as("the interrupted attempt was resumed as a new one").isEqualTo(2);
            });
      }
    } finally {
      node.destroyForcibly();
    }
  }
}
