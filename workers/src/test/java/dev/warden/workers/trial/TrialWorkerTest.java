package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.KindMetrics;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes; host headroom injected, RSS read from /proc. */
class TrialWorkerTest {
  private static final long MIB = 1L << 20;
  // made in @BeforeAll, not in a static initializer: surefire reruns a failed test in the same JVM after
  // @AfterAll shut the first kit down, and JUnit runs @BeforeAll again for it
  private static ActorTestKit kit;
  @TempDir Path logs;
  private final AtomicLong headroom = new AtomicLong(64L << 30);
  private final KindMetrics metrics = new KindMetrics();
  private final MemoryProbe probe =
      new MemoryProbe() {
        private final MemoryProbe proc = MemoryProbe.proc();

        @Override
        public long availableBytes() {
          return headroom.get();
        }

        @Override
        public long rssBytes(long pid) {
          return proc.rssBytes(pid);
        }
      };

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    headroom.set(64L << 30);
  }

  private ActorRef<TrialWorker.Command> worker(long rssCap, Duration maxAge, Duration safeWindow) {
    MemoryGuard.Settings guard =
        new MemoryGuard.Settings(2L << 30, 10, safeWindow, rssCap, maxAge, Duration.ofMillis(50), 64 * MIB);
    return kit.spawn(TrialWorker.create("w1", new TrialWorker.Settings(guard, Duration.ofMillis(200), logs, logs + "/w1"), probe, metrics));
  }

  private static TrialSpec sh(String id, String script) {
    return new TrialSpec(id, 1, List.of("/bin/sh", "-c", script), Map.of());
  }

  private static TrialReport report(TestProbe<TrialEvent> probe) {
    List<TrialEvent> got = probe.fishForMessage(Duration.ofSeconds(20),
        e -> e instanceof TrialReport ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (TrialReport) got.get(got.size() - 1);
  }

  private long counter(String name) {
    return metrics.snapshot().getOrDefault(name, 0L);
  }

  @Test
  void leakerOverItsRssCapIsKilledAndTheNextTrialRunsInAFreshProcess() {
    ActorRef<TrialWorker.Command> w = worker(32 * MIB, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    // a shell that holds 64 MiB in a variable: a real leak, really resident
    w.tell(new TrialWorker.Run(sh("leak", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo leaked; sleep 1000"), owner.getRef()));
    TrialReport leak = report(owner);
    assertThat(leak.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(leak.detail()).contains("over cap 32 MiB");
    assertThat(leak.freeRetry()).isTrue();
    assertThat(counter("recycles.rss")).isEqualTo(1);

    w.tell(new TrialWorker.Run(sh("next", "echo 'WARDEN:RESULT {\"objective\":0.9}'"), owner.getRef()));
    TrialReport next = report(owner);
    assertThat(next.outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(next.detail()).isEqualTo("{\"objective\":0.9}");
  }

  @Test
  void lowHeadroomBrakesAndTenConsecutiveBrakesRecycleTheWorkerThenSafetyResetsTheCount() throws Exception {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofMillis(300));
    TestProbe<TrialEvent> owner = kit.createTestProbe();

    w.tell(new TrialWorker.Run(sh("t0", "echo up; sleep 1000"), owner.getRef()));
    owner.expectMessageClass(TrialEvent.TrialHeartbeat.class, Duration.ofSeconds(10));
    headroom.set(1L << 30);
    TrialReport braked = report(owner);
    assertThat(braked.outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    assertThat(braked.freeRetry()).isTrue();

    for (int i = 1; i < 10; i++) {
      w.tell(new TrialWorker.Run(sh("t" + i, "sleep 1000"), owner.getRef()));
      assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    }
    assertThat(counter("brakes")).isEqualTo(10);
    assertThat(counter("recycles.brake-limit")).isEqualTo(1);
    assertThat(counter("w1.consecutive-brakes")).isZero();

    w.tell(new TrialWorker.Run(sh("t10", "sleep 1000"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.BRAKED);
    assertThat(counter("w1.consecutive-brakes")).isEqualTo(1);
    headroom.set(64L << 30);
    // safe headroom for the (test-sized) safe window resets the count; checks run before each start
    long safeFrom = System.nanoTime();
    w.tell(new TrialWorker.Run(sh("s1", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> System.nanoTime() - safeFrom > 400_000_000L);
    w.tell(new TrialWorker.Run(sh("s2", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("w1.consecutive-brakes")).isZero();
  }

  @Test
  void exitFortyTwoRecyclesWithoutCountingAFailure() {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    w.tell(new TrialWorker.Run(sh("42", "exit 42"), owner.getRef()));
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(r.freeRetry()).isTrue();
    assertThat(counter("recycles.exit-42")).isEqualTo(1);
    assertThat(counter("trials.failed")).isZero();

    w.tell(new TrialWorker.Run(sh("3", "exit 3"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.FAILED);
    assertThat(counter("trials.failed")).isEqualTo(1);
  }

  @Test
  void maxAgeRecyclesBetweenTrialsNeverInterruptingOne() {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofMillis(300), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    w.tell(new TrialWorker.Run(sh("long", "sleep 1; echo 'WARDEN:RESULT {}'"), owner.getRef()));
    TrialReport r = report(owner);
    assertThat(r.outcome()).as("the trial outlived max-age and still finished").isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("recycles.age")).isZero();

    w.tell(new TrialWorker.Run(sh("after", "exit 0"), owner.getRef()));
    assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.SUCCEEDED);
    assertThat(counter("recycles.age")).isEqualTo(1);
  }

  @Test
  void cancelledTrialLeavesNoProcessBehind() throws Exception {
    ActorRef<TrialWorker.Command> w = worker(8L << 30, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    Path pidFile = logs.resolve("grandchild.pid");
    w.tell(new TrialWorker.Run(sh("hung", "sleep 1000 & echo $! > " + pidFile + "; echo up; wait"), owner.getRef()));
    owner.expectMessageClass(TrialEvent.TrialHeartbeat.class, Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long grandchild = Long.parseLong(Files.readString(pidFile).trim());
    w.tell(new TrialWorker.Cancel("hung", 1, "reaped: start-to-close timeout"));
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.CANCELLED);
    assertThat(r.detail()).contains("reaped");
    await().atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(Path.of("/proc", Long.toString(grandchild))));
  }

  private ActorRef<TrialWorker.Command> hogWorker(long rssCap, Duration checkInterval, Duration grace, long growthAllowance) {
    MemoryGuard.Settings guard = new MemoryGuard.Settings(2L << 30, 10, Duration.ofSeconds(60), rssCap,
        Duration.ofHours(1), checkInterval, growthAllowance);
    return kit.spawn(TrialWorker.create("w1", new TrialWorker.Settings(guard, grace, logs, logs + "/w1"), probe, metrics));
  }

  private static TrialSpec hog(String id, String mode, int children, int mibPerSecond, int maxMib, Path dir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new TrialSpec(id, 1, List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-XX:MaxDirectMemorySize=4g", "-cp", System.getProperty("java.class.path"), Hog.class.getName(), mode,
        Integer.toString(children), Integer.toString(mibPerSecond), Integer.toString(maxMib), dir.toString()), Map.of());
  }

  private static List<Long> stamps(Path dir, String prefix) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).map(f -> {
        try {
          String text = Files.readString(f).trim();
          return text.isEmpty() ? Long.parseLong(f.getFileName().toString().substring(prefix.length())) : Long.parseLong(text);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  /**
   * When the first hog of {@code dir} saw its SIGTERM: the epoch ms its hook wrote, or the file's own time when
   * the hook was killed between creating the file and writing it (a grace kill can follow the SIGTERM within
   * the same millisecond on a loaded machine; stamps() would read such an empty file's pid as a time), or
   * {@code otherwise} when no hook got as far as creating its file.
   */
  private static long sigtermAt(Path dir, long otherwise) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("term-")).mapToLong(f -> {
        try {
          String text = Files.readString(f).trim();
          return text.isEmpty() ? Files.getLastModifiedTime(f).toMillis() : Long.parseLong(text);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).min().orElse(otherwise);
    }
  }

  @Test
  void aHostileTreeOverItsCapIsKilledEarlyInItsGraceWithBoundedGrowthWhileAPoliteOneKeepsItsGrace() throws Exception {
    long cap = 256 * MIB;
    Duration interval = Duration.ofMillis(100);
    Duration grace = Duration.ofSeconds(5);
    // what a tree may grow by after the reading that stopped it before it is killed; more than the polite one
    // below can grow after any stop reading over the cap (its JVM's own ~40 MiB: it allocates no more than the cap)
    long allowance = 64 * MIB;
    ActorRef<TrialWorker.Command> w = hogWorker(cap, interval, grace, allowance);
    TestProbe<TrialEvent> owner = kit.createTestProbe();

    // two children that ignore SIGTERM (their shutdown hooks never return) and allocate 400 MiB/s each
    Path hostile = Files.createDirectories(logs.resolve("hostile"));
    w.tell(new TrialWorker.Run(hog("hostile", "hostile", 2, 400, 1536, hostile), owner.getRef()));
    java.util.Set<Long> seen = new java.util.HashSet<>();
    AtomicLong peak = new AtomicLong();
    AtomicLong killDecided = new AtomicLong(-1);
    AtomicLong stopSeen = new AtomicLong(-1);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      List<Long> announced = stamps(hostile, "pid-");
      for (long pid : announced) {
        seen.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> seen.add(d.pid())));
      }
      if (stopSeen.get() < 0 && counter("recycles.rss") > 0) {
        stopSeen.set(System.currentTimeMillis()); // the worker stopped the trial (at or before this poll)
      }
      if (killDecided.get() < 0 && counter("grace-kills") > 0) {
        killDecided.set(System.currentTimeMillis());
      }
      peak.accumulateAndGet(seen.stream().mapToLong(dev.warden.core.process.ProcessTree::rssBytes).sum(), Math::max);
      return !announced.isEmpty() && seen.stream().noneMatch(dev.warden.core.process.ProcessTree::running);
    });
    long gone = System.currentTimeMillis();
    TrialReport r = report(owner);
    assertThat(r.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(r.detail()).contains("over cap 256 MiB");
    assertThat(counter("grace-kills")).as("the worker cut the grace short").isEqualTo(1);
    long sigterm = sigtermAt(hostile, stopSeen.get());
    // Its hooks never return, so only a SIGKILL ends this tree: at the grace's end (ExternalProcess) or earlier
    // when the worker sees it grow. Gone before the grace ran out is the early kill; how early depends on how fast
    // the hogs grow, which a loaded machine slows down: the peak bound below is what limits that, not a clock.
    assertThat(gone - sigterm).as("SIGTERM to gone, with a %s ms grace", grace.toMillis()).isLessThan(grace.toMillis());
    // the kill path itself, from the worker's decision (seen by this loop) to no process of the tree left:
    // SIGKILL to every member and the kernel freeing a few hundred MiB (~0.5 s measured under load)
    assertThat(killDecided.get()).as("grace kill seen before the tree was gone").isPositive();
    assertThat(gone - killDecided.get()).as("grace-kill decision to gone").isLessThan(1500);
    long growthPerInterval = 2 * 400 * MIB * interval.toMillis() / 1000;
    assertThat(peak.get()).as("peak RSS of the tree").isLessThan(2 * cap + growthPerInterval);

    // a polite one stops allocating on SIGTERM, cleans up for 300 ms and exits: it is not cut short. It allocates
    // up to the cap (its JVM puts it over) and holds, so what it grows after the stop reading does not depend on
    // how long a starved JVM takes to run its SIGTERM hook (over a second on a loaded machine, at 400 MiB/s)
    Path polite = Files.createDirectories(logs.resolve("polite"));
    w.tell(new TrialWorker.Run(hog("polite", "polite", 0, 400, 256, polite), owner.getRef()));
    TrialReport p = report(owner);
    assertThat(p.outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
    assertThat(stamps(polite, "clean-")).as("its SIGTERM cleanup ran to the end").hasSize(1);
    assertThat(counter("grace-kills")).isEqualTo(1);
  }

  @Test
  void aDoubleForkedDescendantDiesWithItsCancelledOrRecycledRunWhileAnotherAttemptsProcessSurvives() throws Exception {
    ActorRef<TrialWorker.Command> w = worker(32 * MIB, Duration.ofHours(1), Duration.ofSeconds(60));
    TestProbe<TrialEvent> owner = kit.createTestProbe();
    ProcessBuilder pb = new ProcessBuilder("sleep", "1000");
    pb.environment().put(dev.warden.core.process.ProcessTree.OWNER_ENV, logs + "/w1/hung#2/1");
    Process otherAttempt = pb.start();
    try {
      Path pidFile = logs.resolve("escaped.pid");
      String escape = TrialsTest.escaping(pidFile);
      w.tell(new TrialWorker.Run(sh("hung", escape + "echo up; exec sleep 1000"), owner.getRef()));
      long escaped = TrialsTest.pidIn(pidFile);
      w.tell(new TrialWorker.Cancel("hung", 1, "reaped: heartbeat timeout"));
      assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.CANCELLED);
      await().atMost(Duration.ofSeconds(2)).until(() -> !dev.warden.core.process.ProcessTree.running(escaped));

      Files.delete(pidFile);
      w.tell(new TrialWorker.Run(sh("leak", escape + "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo leaked; sleep 1000"),
          owner.getRef()));
      long escaped2 = TrialsTest.pidIn(pidFile);
      assertThat(report(owner).outcome()).isEqualTo(TrialReport.Outcome.REQUEUED);
      await().atMost(Duration.ofSeconds(2)).until(() -> !dev.warden.core.process.ProcessTree.running(escaped2));
      assertThat(otherAttempt.isAlive()).as("another attempt's process is not touched").isTrue();
    } finally {
      otherAttempt.destroyForcibly();
    }
  }
}
