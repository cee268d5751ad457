package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path work;

  @Test
  void demoShowsRestartThenDegradedKindWhileTheRestRunsAndExitsZero() throws Exception {
    try (WardenProcess demo = WardenProcess.start(work, "demo")) {
      assertThat(demo.process.waitFor(90, TimeUnit.SECONDS)).as("demo exits by itself").isTrue();
      String out = demo.output();
      assertThat(demo.process.exitValue()).as(out).isZero();
      assertThat(out)
          .contains("poison-1 -> crash; only /warden/flaky restarted (restarts=1), /warden/tally RUNNING (restarts=0)")
          .contains("/warden/flaky is DEGRADED; /warden/tally RUNNING, runtime RUNNING")
          .contains("SUPERVISOR REPORT supervisor=[/warden/flaky]")
          .contains("kind [flaky] DEGRADED")
          .contains("checkpoint over JMX (checkpointNow)")
          .contains("supervisor tree, read over JMX")
          .containsPattern("flaky\\s+\\[flaky\\] DEGRADED\\s+restarts=3")
          .containsPattern("tally\\s+\\[tally\\] RUNNING\\s+restarts=0")
          .contains("its worker was recycled (recycles.rss=1)")
          .containsPattern("trial/demo-lr/1 SUCCEEDED attempt=1 result=\\{\"loss\": 0.1\\}")
          .contains("best: trial/demo-lr/1 {lr=0.1} loss=0.1")
          .containsPattern("worker-1\\s+\\[trial\\] RUNNING")
          .containsPattern("history demo-hangs-2: Submitted → Started#1 → Reaped#1\\(.*\\) → RetryScheduled → Started#2 → Completed#2 → Succeeded")
          .contains("demo-late-3 -> \"answered on time\"")
          .contains("the late answer of attempt 1 was discarded")
          .containsPattern("graveyard: graveyard graveyard.sexp: IMPORTED, read \\d+, imported \\d+, already present 0, quarantined \\d+")
          .containsPattern("quarantined CUT_SHORT x\\d+, first at byte offsets \\[\\d+")
          .containsPattern("graveyard: \\d+ avoid regions")
          .containsPattern("libfoo-1.2 leased to drone-a \\(epoch 1\\), revoked, leased to drone-b \\(epoch 2\\)")
          .contains("drone-a's late report of epoch 1 fenced: {\"accepted\":false,\"stale\":true,")
          .contains("\"action\":\"stop_work\",\"reassigned_to\":\"drone-b\"")
          .contains("drone-b's report of epoch 2: accepted=true SUCCEEDED, package SUCCEEDED")
          .containsPattern("drone-b: ssh probe TIMEOUT every 100ms while its heartbeat is fresh \\(known=true\\): suppressed runs [1-9]\\d*,"
              + " escalations 0, ladder level none")
          .contains("node stopped cleanly")
          .doesNotContain("Exception in thread");
      // the default data dir is a temporary one, removed at exit: nothing left in the working dir
      assertThat(work.resolve("data")).doesNotExist();
    }
  }
}
