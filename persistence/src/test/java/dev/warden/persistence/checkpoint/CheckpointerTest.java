package dev.warden.persistence.checkpoint;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.core.jmx.JmxRegistry;
import dev.warden.core.supervision.KindMXBean;
import dev.warden.core.LogCapture;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.TestNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpointer on a real node: real checkpoints, JMX, the kind's operation and shutdown. The
 * periodic and final timers on a manual clock: {@code CheckpointerTickTest}.
 */
class CheckpointerTest {
  private static final String OK_LINE = "^checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=ok$";
  private static final String STATS_LINE = "^checkpoint stats n=\\d+ p50_ms=\\d+ p95_ms=\\d+ max_ms=\\d+$";

  @TempDir Path dir;
  private LogCapture logs;
  private final CountDownLatch releaseHang = new CountDownLatch(1);

  @BeforeEach
  void capture() {
    logs = new LogCapture();
  }

  @AfterEach
  void release() {
    releaseHang.countDown();
    logs.close();
  }

  /** Fails every statement, like a database that refuses checkpoints. */
  private static final class FailingRunner implements CheckpointRunner {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void run(String sql) throws SQLException {
      calls.incrementAndGet();
      throw new SQLException("disk on fire");
    }

    @Override
    public void close() {}
  }

  /** Real checkpoints, except that CHECKPOINT SYNC blocks until the test ends. */
  private final class HangingSyncRunner implements CheckpointRunner {
    final CountDownLatch syncStarted = new CountDownLatch(1);
    private final JdbcCheckpointRunner real;

    HangingSyncRunner(PersistenceSettings settings) {
      real = JdbcCheckpointRunner.of(settings);
    }

    @Override
    public void run(String sql) throws SQLException {
      if (sql.equals("CHECKPOINT SYNC")) {
        syncStarted.countDown();
        try {
          releaseHang.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      real.run(sql);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void failingCheckpointsAreLoggedKeepTheScheduleAndDoNotHoldUpShutdown() {
    FailingRunner runner = new FailingRunner();
    Warden warden =
        TestNode.start(dir, "warden.persistence.checkpoint.interval = 100ms", CheckpointerKind.create(s -> runner));
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> logs.matching("^checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=failed cause=\"SQLException: disk on fire\"$").size() >= 3);
      KindMXBean kind = kindBean(warden);
      assertEquals("RUNNING", kind.getState());
      assertEquals(0, kind.getRestartCount(), "a failed checkpoint never crashes the checkpointer");
      assertTrue(checkpointer(warden).getFailures() >= 3);
    } finally {
      assertTimeoutPreemptively(Duration.ofSeconds(8), warden::close);
    }
    assertEquals(1, logs.matching("^checkpoint mode=\"CHECKPOINT SYNC\" elapsed_ms=\\d+ outcome=failed cause=").size(), logs.lines().toString());
    assertEquals(1, logs.matching(STATS_LINE).size());
  }

  @Test
  void hangingFinalCheckpointIsAbandonedAfterFinalTimeout() throws InterruptedException {
    HangingSyncRunner[] runner = new HangingSyncRunner[1];
    Warden warden =
        TestNode.start(
            dir,
            "warden.persistence.checkpoint { interval = 0s, final-timeout = 500ms }\nwarden.shutdown.kind-timeout = 20s",
            CheckpointerKind.create(s -> runner[0] = new HangingSyncRunner(s)));
    long start = System.nanoTime();
    // without its own bound the checkpointer would hold shutdown for the 20 s kind-timeout
    assertTimeoutPreemptively(Duration.ofSeconds(8), warden::close);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(runner[0].syncStarted.await(0, TimeUnit.SECONDS), "the final checkpoint really hung");
    assertTrue(ms >= 500, "waited for the final-timeout: " + ms + " ms");
    assertEquals(
        1,
        logs.matching(
                "^checkpoint mode=\"CHECKPOINT SYNC\" elapsed_ms=500 outcome=failed"
                    + " cause=\"did not finish within final-timeout 500 ms; shutdown continues\"$")
            .size(),
        logs.lines().toString());
    assertEquals(1, logs.matching("^checkpoint stats n=1 p50_ms=500 p95_ms=500 max_ms=500$").size(), logs.lines().toString());
  }

  @Test
  void checkpointNowRunsOverJmxAndTheKindOperation() throws Exception {
    ObjectName name;
    try (Warden warden = TestNode.start(dir, "warden.persistence.checkpoint.interval = 0s", CheckpointerKind.create())) {
      name = new JmxRegistry(warden.jmxNode(), true).name("Checkpointer", null);
      CheckpointerMXBean bean = checkpointer(warden);
      assertEquals(0, bean.getCount(), "interval 0 runs no periodic checkpoint");

      String summary = bean.checkpointNow();
      assertTrue(summary.matches("checkpoint mode=CHECKPOINT elapsed_ms=\\d+ outcome=ok"), summary);
      assertEquals(1, bean.getCount());
      assertEquals(0, bean.getFailures());
      assertTrue(bean.getMaxMillis() >= bean.getP95Millis() && bean.getP95Millis() >= bean.getP50Millis());

      KindMXBean kind = kindBean(warden);
      assertEquals(List.of("checkpointNow"), kind.getOperations());
      kind.invoke("checkpointNow");
      await().atMost(Duration.ofSeconds(5)).until(() -> bean.getCount() == 2);
      assertEquals(2, logs.matching(OK_LINE).size(), logs.lines().toString());
    }
    assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "unregistered at stop");
    assertEquals(1, logs.matching("^checkpoint stats n=3 ").size(), "two on demand and the final one: " + logs.lines());
  }

  @Test
  void aHighWaterRecordThatCannotBeWrittenFailsItsCheckpointVisibly() throws Exception {
    try (Warden warden = TestNode.start(dir, "warden.persistence.checkpoint.interval = 0s", CheckpointerKind.create())) {
      Path record = dir.resolve("warden.highwater");
      Files.delete(record);
      Files.createDirectories(record.resolve("in-the-way")); // a directory the record cannot be renamed over
      String summary = checkpointer(warden).checkpointNow();
      assertTrue(summary.startsWith("checkpoint mode=CHECKPOINT elapsed_ms=") && summary.contains(" outcome=failed cause=\"IOException:"
          + " CHECKPOINT ran, but the high-water record " + record + " was not written"), summary);
      Files.delete(record.resolve("in-the-way"));
      Files.delete(record);
      assertTrue(checkpointer(warden).checkpointNow().endsWith("outcome=ok"), "the next checkpoint writes it again");
      assertTrue(Files.readString(record).contains("journal-max-ordering=0\n"));
    }
  }

  private static CheckpointerMXBean checkpointer(Warden warden) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new JmxRegistry(warden.jmxNode(), true).name("Checkpointer", null);
    // the checkpointer registers its MBean when its actor starts, just after Warden.start returns
    await().atMost(Duration.ofSeconds(5)).until(() -> server.isRegistered(name));
    return JMX.newMXBeanProxy(server, name, CheckpointerMXBean.class);
  }

  private static KindMXBean kindBean(Warden warden) {
    ObjectName name = new JmxRegistry(warden.jmxNode(), true).name("Kind", "checkpointer");
    return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), name, KindMXBean.class);
  }
}
