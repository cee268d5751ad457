package dev.warden.ops;

import dev.warden.core.internal.Ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `warden run` as a real node process: its tree read through `warden tree --jmx`, then SIGTERM. */
class RunNodeTest {
  @TempDir Path work;

  @Test
  void runningNodeTreeIsReadableOverJmxAndSigtermStopsItCleanly() throws Exception {
    int port = Ports.freeLoopbackPort();
    try (WardenProcess node =
        WardenProcess.start(work, "run", "-Dwarden.jmx.connector.port=" + port, "-Dwarden.node-name=it-node")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> node.output().contains("running, data-dir"));
      // the default data directory is ./data under the working directory
      assertThat(node.output()).contains(work.resolve("data").toString());

      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream old = System.out;
      int code;
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        code = WardenCli.execute("tree", "--jmx", "127.0.0.1:" + port);
      } finally {
        System.setOut(old);
      }
      String tree = captured.toString(StandardCharsets.UTF_8);
      assertThat(code).as(tree).isZero();
      assertThat(tree).contains("node it-node").contains("/warden  [runtime] RUNNING").contains("checkpointer").contains("ledger").contains("graveyard").contains("worker-1").contains("llm");

      // a second node on the same data directory refuses to start instead of sharing the database
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldErr = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        code = WardenCli.execute("run", "--data", work.resolve("data").toString(),
            "-Dwarden.jmx.connector.enabled=off", "-Dwarden.node-name=intruder");
      } finally {
        System.setErr(oldErr);
      }
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("warden: ").contains("already in use");

      node.process.destroy(); // SIGTERM
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).as("a clean stop on SIGTERM exits 0, not 143").isZero();
      assertThat(node.output())
          .containsPattern("checkpoint mode=\"CHECKPOINT SYNC\" elapsed_ms=\\d+ outcome=ok")
          .contains("warden node [it-node] stopped")
          .doesNotContain("outcome=failed");
    }
  }
}
