package dev.warden.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: sh, sleep and a Java test program. */
class ExternalProcessTest {
  // made in @BeforeAll, not in a static initializer: surefire reruns a failed test in the same JVM after
  // @AfterAll shut the first kit down, and JUnit runs @BeforeAll again for it
  private static ActorTestKit kit;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static ProcessSpec sh(String script) {
    return ProcessSpec.of(List.of("/bin/sh", "-c", script));
  }

  private <T extends ExternalProcess.Event> T expect(TestProbe<ExternalProcess.Event> probe, Class<T> type) {
    return probe.expectMessageClass(type, Duration.ofSeconds(10));
  }

  /** The first event of {@code type}, skipping heartbeats and anything else before it. */
  private static <T extends ExternalProcess.Event> T fish(TestProbe<ExternalProcess.Event> probe, Class<T> type) {
    List<ExternalProcess.Event> got = probe.fishForMessage(Duration.ofSeconds(20), e -> type.isInstance(e)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    return type.cast(got.get(got.size() - 1));
  }

  @Test
  void resultLineAndExitZeroAreReportedInOrder() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    kit.spawn(ExternalProcess.create("ok", sh("echo WARDEN:HEARTBEAT; echo 'WARDEN:RESULT {\"loss\":0.25}'; exit 0")
        .withLogFile(dir.resolve("job.log")), owner.getRef()));
    assertThat(expect(owner, ExternalProcess.Started.class).pid()).isPositive();
    assertThat(expect(owner, ExternalProcess.Heartbeat.class).atMillis()).isPositive();
    assertThat(expect(owner, ExternalProcess.Result.class).json()).isEqualTo("{\"loss\":0.25}");
    ExternalProcess.Finished done = expect(owner, ExternalProcess.Finished.class);
    assertThat(done.exitCode()).isZero();
    assertThat(done.outcome()).isEqualTo(ExitPolicy.Outcome.SUCCESS);
  }

  /**
   * A child (a trial job's command line) is an unsafe job: the variables holding the node's credentials,
   * named by its {@code -env} keys, are not passed on, unless the spec sets them itself. HOME stands for a
   * credential here: a variable every test JVM has.
   */
  @Test
  void theNodesCredentialVariablesAreNotPassedToAChild() {
    assertThat(System.getenv("HOME")).isNotBlank();
    ActorTestKit secrets = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString(
        "warden.http.token-env = HOME\nwarden.persistence.password-env = \"\""));
    try {
      String script = "echo \"WARDEN:RESULT {\\\"home\\\":\\\"$HOME\\\",\\\"path\\\":\\\"${PATH:+set}\\\"}\"";
      TestProbe<ExternalProcess.Event> owner = secrets.createTestProbe();
      secrets.spawn(ExternalProcess.create("scrubbed", sh(script), owner.getRef()));
      assertThat(fish(owner, ExternalProcess.Result.class).json()).isEqualTo("{\"home\":\"\",\"path\":\"set\"}");
      TestProbe<ExternalProcess.Event> given = secrets.createTestProbe();
      secrets.spawn(ExternalProcess.create("given", sh(script).withEnv(java.util.Map.of("HOME", "/given")), given.getRef()));
      assertThat(fish(given, ExternalProcess.Result.class).json()).isEqualTo("{\"home\":\"/given\",\"path\":\"set\"}");
    } finally {
      secrets.shutdownTestKit();
    }
  }

  @Test
  void theJobLogAndItsDirectoryAreOwnerOnly() throws Exception {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    Path log = dir.resolve("trials/job.log");
    kit.spawn(ExternalProcess.create("logged", sh("echo secret-payload").withLogFile(log), owner.getRef()));
    fish(owner, ExternalProcess.Finished.class);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())))
        .isEqualTo("rwx------");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
        .isEqualTo("rw-------");
  }

  @Test
  void exitCodesFollowThePolicy() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    kit.spawn(ExternalProcess.create("restart-me", sh("exit 42"), owner.getRef()));
    expect(owner, ExternalProcess.Started.class);
    assertThat(expect(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.RESTART_REQUESTED);

    kit.spawn(ExternalProcess.create("fails", sh("exit 3"), owner.getRef()));
    expect(owner, ExternalProcess.Started.class);
    assertThat(expect(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.FAILURE);

    kit.spawn(ExternalProcess.create("custom", sh("exit 3").withExitPolicy(ExitPolicy.defaults().with(3, ExitPolicy.Outcome.SUCCESS)), owner.getRef()));
    expect(owner, ExternalProcess.Started.class);
    assertThat(expect(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.SUCCESS);
  }

  @Test
  void stopEscalatesToSigkillForATreeThatIgnoresSigterm() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    ActorRef<ExternalProcess.Command> p = kit.spawn(ExternalProcess.create("stubborn",
        sh("trap '' TERM; sleep 1000 & sleep 1000 & echo up; wait").withStopGrace(Duration.ofMillis(300)), owner.getRef()));
    long pid = expect(owner, ExternalProcess.Started.class).pid();
    expect(owner, ExternalProcess.Heartbeat.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).orElseThrow().descendants().count() >= 2);
    Set<Long> tree = ProcessTree.members(ProcessHandle.of(pid).orElseThrow()).stream()
        .map(ProcessHandle::pid).collect(Collectors.toSet());

    long t0 = System.nanoTime();
    p.tell(new ExternalProcess.Stop("test stop"));
    ExternalProcess.Finished done = fish(owner, ExternalProcess.Finished.class);
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertThat(done.outcome()).isEqualTo(ExitPolicy.Outcome.STOPPED);
    assertThat(done.reason()).isEqualTo("test stop");
    assertThat(ms).as("SIGTERM was ignored, so it took the grace period").isGreaterThanOrEqualTo(300);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(tree).noneMatch(dev.warden.core.process.ProcessTree::running));
  }

  @Test
  void descendantsLeftBehindByAnExitedRootAreKilled() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    kit.spawn(ExternalProcess.create("leaves-child", sh("sleep 1000 & echo $! ; sleep 1.5; exit 0"), owner.getRef()));
    long pid = expect(owner, ExternalProcess.Started.class).pid();
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(h -> h.descendants().count() > 0).orElse(false));
    long grandchild = ProcessHandle.of(pid).orElseThrow().descendants().findFirst().orElseThrow().pid();
    assertThat(fish(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.SUCCESS);
    await().atMost(Duration.ofSeconds(2)).until(() -> !dev.warden.core.process.ProcessTree.running(grandchild));
  }

  @Test
  void stoppingTheActorKillsItsProcess() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    ActorRef<ExternalProcess.Command> p = kit.spawn(ExternalProcess.create("orphan-candidate", sh("sleep 1000"), owner.getRef()));
    long pid = expect(owner, ExternalProcess.Started.class).pid();
    kit.stop(p);
    await().atMost(Duration.ofSeconds(5)).until(() -> !dev.warden.core.process.ProcessTree.running(pid));
  }

  @Test
  void outputFloodIsBoundedInTheJobLogAndLongLinesAreCut() throws Exception {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    Path log = dir.resolve("flood.log");
    kit.spawn(ExternalProcess.create("flood",
        sh("head -c 20000 /dev/zero | tr '\\0' 'a'; echo; yes flood | head -n 200000; echo 'WARDEN:RESULT {\"done\":true}'")
            .withLogFile(log).withLimits(1024, 64 * 1024, 5),
        owner.getRef()));
    expect(owner, ExternalProcess.Started.class);
    ExternalProcess.Result result = fish(owner, ExternalProcess.Result.class);
    assertThat(result.json()).isEqualTo("{\"done\":true}");
    assertThat(fish(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.SUCCESS);
    String text = Files.readString(log);
    assertThat(Files.size(log)).isLessThan(64 * 1024 + 4096);
    assertThat(text.lines().findFirst().orElseThrow()).hasSize(1024 + "...[18976 bytes cut]".length());
    assertThat(text).contains("job log reached its cap");
  }

  @Test
  void residentMemoryOfTheTreeIsReadFromProc() {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ActorRef<ExternalProcess.Command> p = kit.spawn(ExternalProcess.create("leaker",
        ProcessSpec.of(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Leaker.class.getName(), "96")),
        owner.getRef()));
    expect(owner, ExternalProcess.Started.class);
    fish(owner, ExternalProcess.Heartbeat.class);
    TestProbe<ExternalProcess.Info> info = kit.createTestProbe();
    p.tell(new ExternalProcess.GetInfo(info.getRef()));
    assertThat(info.receiveMessage(Duration.ofSeconds(5)).rssBytes()).isGreaterThan(96L << 20);
    p.tell(new ExternalProcess.Stop("done"));
    assertThat(fish(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.STOPPED);
  }

  /** A script that double-forks a {@code sleep} (re-parented away from the tree) and writes its pid. */
  private String escaping(Path pidFile, String then) {
    return "(setsid sleep 1000 > /dev/null 2>&1 & echo $! > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "); "
        + then;
  }

  private static long escapedPid(Path pidFile, long root) throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pidFile));
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessTree.running(pid)).isTrue();
    assertThat(ProcessHandle.of(root).map(r -> r.descendants().noneMatch(d -> d.pid() == pid)).orElse(true))
        .as("the double-forked process is no descendant of the root any more").isTrue();
    return pid;
  }

  private static Process otherRun(String marker) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sleep", "1000");
    pb.environment().put(ProcessTree.OWNER_ENV, marker);
    return pb.start();
  }

  @Test
  void aDoubleForkedDescendantDiesWhenItsTreeIsStoppedWhileAnotherRunsProcessSurvives() throws Exception {
    Process other = otherRun("test/run-2");
    try {
      TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
      Path pidFile = dir.resolve("escaped.pid");
      ActorRef<ExternalProcess.Command> p = kit.spawn(ExternalProcess.create("escaper",
          sh(escaping(pidFile, "echo up; exec sleep 1000")).withOwner("test/run-1").withStopGrace(Duration.ofMillis(300)),
          owner.getRef()));
      long root = expect(owner, ExternalProcess.Started.class).pid();
      long escaped = escapedPid(pidFile, root);

      p.tell(new ExternalProcess.Stop("reaped"));
      assertThat(fish(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.STOPPED);
      await().atMost(Duration.ofSeconds(2)).until(() -> !ProcessTree.running(escaped));
      assertThat(other.isAlive()).as("a process carrying another run's marker is not touched").isTrue();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void aDoubleForkedDescendantDiesWhenItsRootExitsAndWhenItsActorIsStopped() throws Exception {
    TestProbe<ExternalProcess.Event> owner = kit.createTestProbe();
    Path first = dir.resolve("first.pid");
    kit.spawn(ExternalProcess.create("exits", sh(escaping(first, "sleep 0.5; exit 0")), owner.getRef()));
    long root = expect(owner, ExternalProcess.Started.class).pid();
    long escaped = escapedPid(first, root);
    assertThat(fish(owner, ExternalProcess.Finished.class).outcome()).isEqualTo(ExitPolicy.Outcome.SUCCESS);
    await().atMost(Duration.ofSeconds(2)).until(() -> !ProcessTree.running(escaped));

    Path second = dir.resolve("second.pid");
    ActorRef<ExternalProcess.Command> p = kit.spawn(ExternalProcess.create("owner-gone",
        sh(escaping(second, "exec sleep 1000")), owner.getRef()));
    long root2 = fish(owner, ExternalProcess.Started.class).pid();
    long escaped2 = escapedPid(second, root2);
    kit.stop(p);
    await().atMost(Duration.ofSeconds(2)).until(() -> !ProcessTree.running(escaped2));
  }
}
