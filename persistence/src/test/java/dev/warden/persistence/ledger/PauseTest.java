package dev.warden.persistence.ledger;

import static dev.warden.persistence.ledger.LedgerNode.await;
import static dev.warden.persistence.ledger.LedgerNode.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.Warden;
import dev.warden.core.jmx.JmxRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host holds a job type: submits are kept, nothing starts, and a restart keeps it held. */
class PauseTest {
  @TempDir Path dir;

  @Test
  void aPausedTypeKeepsItsSubmitsUnstartedAcrossARestartUntilResumedOverJmx() {
    AtomicInteger runs = new AtomicInteger();
    JobType resize = JobType.of("resize", (p, ctx) -> {
      runs.incrementAndGet();
      return CompletableFuture.completedFuture("ok");
    });
    try (Warden first = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(first);
      ledger.register(resize);
      await(ledger.pause("resize"));
      await(ledger.pause("later")); // a type whose handler this node does not have yet
      for (int i = 0; i < 5; i++) {
        await(ledger.submit("resize", "img-" + i, ""));
      }
      assertEquals(JobStatus.PENDING, await(ledger.submit("later", "l1", "")).status(), "a paused type takes submits before it is registered");
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 0);
      assertEquals(5L, ledger.count("resize", "pending"));
      assertEquals(Set.of("later", "resize"), ledger.paused());
    }
    try (Warden second = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(second);
      ledger.register(resize);
      ledger.register(JobType.of("later", (p, ctx) -> CompletableFuture.completedFuture("later ok")));
      LedgerMXBean bean = mbean(second);
      assertEquals(Map.of(), bean.getClusterAsks(), "local mode has no cluster gates");
      await().atMost(Duration.ofSeconds(5)).until(() -> bean.getPausedTypes().equals(List.of("later", "resize")));
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 0);
      assertEquals(JobStatus.PENDING, status(ledger, "img-0").status(), "still paused after the restart");

      assertTrue(bean.resumeType("resize").contains("resumed"));
      for (int i = 0; i < 5; i++) {
        assertEquals("ok", await(ledger.result("img-" + i)));
      }
      assertEquals(JobStatus.PENDING, status(ledger, "l1").status(), "the other type stays paused");
      await(ledger.resume("later"));
      assertEquals("later ok", await(ledger.result("l1")));
      assertEquals(List.of(), bean.getPausedTypes());
    }
  }

  @Test
  void anUnregisteredTypeThatIsNotPausedIsStillRefused() {
    try (Warden warden = LedgerNode.start(dir, "")) {
      JobLedger ledger = JobLedger.of(warden);
      Throwable t = ledger.submit("nope", "x", "").toCompletableFuture().handle((v, e) -> e).join();
      assertTrue(t instanceof IllegalArgumentException && t.getMessage().contains("not registered"), String.valueOf(t));
      Throwable bad = ledger.pause("no spaces").toCompletableFuture().handle((v, e) -> e).join();
      assertTrue(bad != null && bad.getMessage().contains("job type name must match"), String.valueOf(bad));
    }
  }

  private static LedgerMXBean mbean(Warden warden) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new JmxRegistry(warden.jmxNode(), true).name("Ledger", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.isRegistered(name));
    return JMX.newMXBeanProxy(server, name, LedgerMXBean.class);
  }
}
