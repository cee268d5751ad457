package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenMdc;
import dev.warden.core.process.ExternalProcess;
import dev.warden.core.process.MemoryProbe;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.core.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trial's lines on a real node carry its kind and its job id, its process's output lines too. */
class TrialLogsTest {
  @TempDir Path dir;

  @Test
  void aTrialsProcessLinesCarryTheKindAndTheTrialsJobId() throws Exception {
    Study study = new Study("logs", List.of("/bin/sh", "-c", "echo hello from the trial; echo 'WARDEN:RESULT {\"loss\": 1}'"),
        List.of(Map.of()), "loss", false);
    try (LogCapture logs = LogCapture.start();
        Warden w = Warden.start(
            ConfigFactory.parseString("warden.node-name = trial-logs-test\nwarden.data-dir = \"" + dir + "\"\n"
                + "warden.trial.workers = 1\n"),
            LedgerKind.create(), TrialKind.create(MemoryProbe.proc()), CheckpointerKind.create())) {
      Trials trials = Trials.of(w);
      trials.submit(study).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(trials.best(study).toCompletableFuture().get(30, TimeUnit.SECONDS)).isPresent();

      ILoggingEvent output = logs.await("stdout: hello from the trial");
      ILoggingEvent exit = logs.await("process [worker-1/trial/logs/0#1] pid [");
      for (ILoggingEvent e : List.of(output, exit)) {
        assertThat(e.getLoggerName()).isEqualTo(ExternalProcess.class.getName());
        assertThat(e.getMDCPropertyMap())
            .as(e.getFormattedMessage())
            .containsEntry(WardenMdc.KIND, TrialKind.NAME)
            .containsEntry(WardenMdc.JOB_ID, "trial/logs/0");
      }
    }
  }
}
