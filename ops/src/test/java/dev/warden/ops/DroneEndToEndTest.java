package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.build.Builds;
import dev.warden.workers.build.DroneView;
import dev.warden.workers.build.PackageStatus;
import dev.warden.workers.build.PackageView;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code warden drone} processes doing real shell builds against a control plane on 127.0.0.1. One
 * drone is SIGKILLed mid-build, and the control plane itself is stopped and started again while the others work:
 * every package ends built exactly once in the journal (one accepted attempt each), the killed drone's lease is
 * reclaimed as OFFLINE, and no report is lost or counted twice.
 */
class DroneEndToEndTest {
  private static final int PACKAGES = 9;
  @TempDir Path dir;
  private Warden plane;
  private final List<WardenProcess> drones = new ArrayList<>();

  @AfterEach
  void stop() {
    drones.forEach(WardenProcess::close);
    if (plane != null) {
      plane.close();
    }
  }

  private Warden controlPlane(int port) {
    return Warden.start(ConfigFactory.parseString("warden.node-name = plane\nwarden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = " + port + " }\n"
        + "warden.build { service.tick-interval = 100ms, heartbeat { stale-after = 1s, offline-after = 2s } }\n"), BuildKind.create());
  }

  private WardenProcess drone(String id, String url) throws IOException {
    Path out = dir.resolve("built");
    String script = "sleep 1; echo \"$WARDEN_DRONE\" >> " + out + "/$WARDEN_PACKAGE; echo \"$WARDEN_PACKAGE\" > \"$WARDEN_ARTIFACT\"";
    WardenProcess p = WardenProcess.startLight(dir, "drone", "--control", url, "--id", id, "--cores", "2", "--machine", "vm",
        "--workdir", dir.resolve("work-" + id).toString(), "--heartbeat", "200ms", "--poll", "200ms", "--prefetch", "1",
        "--", "sh", "-c", script);
    drones.add(p);
    return p;
  }

  private static String pkg(int i) {
    return "pkg-" + i;
  }

  private static Optional<DroneView> view(Builds b, String id) {
    return b.droneView(id).toCompletableFuture().join();
  }

  @Test
  void threeDronesOneKilledMidBuildAndAControlPlaneRestartEveryPackageBuiltExactlyOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Files.createDirectories(dir.resolve("built"));
    plane = controlPlane(port);
    Builds builds = Builds.of(plane);
    for (int i = 0; i < PACKAGES; i++) {
      assertThat(builds.submit(pkg(i), Set.of()).toCompletableFuture().join().done()).isTrue();
    }
    drone("d1", url);
    WardenProcess victim = drone("d2", url);
    drone("d3", url);

    // generous: three JVMs start at once, and a loaded machine (load 20 on 2 cores seen) takes 20 s for it
    within(90, () -> view(builds, "d2").map(d -> d.current() != null).orElse(false));
    victim.process.destroyForcibly(); // SIGKILL mid-build: its build dies with it (parent-death signal)
    assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // the control plane goes away for a while and comes back on the same port and journal
    await().atMost(Duration.ofSeconds(60)).until(() -> builds.metrics().toCompletableFuture().join().succeeded() >= 2);
    plane.close();
    plane = controlPlane(port);
    Builds again = Builds.of(plane);

    within(90, () -> again.metrics().toCompletableFuture().join().succeeded() == PACKAGES);
    List<String> offline = new ArrayList<>();
    for (int i = 0; i < PACKAGES; i++) {
      PackageView p = again.packageView(pkg(i)).toCompletableFuture().join().orElseThrow();
      assertThat(p.status()).isEqualTo(PackageStatus.SUCCEEDED);
      List<PackageView.AttemptView> accepted = p.attempts().stream().filter(a -> "accepted SUCCEEDED".equals(a.ended())).toList();
      assertThat(accepted).as("%s built exactly once in the journal: %s", p.id(), p.attempts()).hasSize(1);
      assertThat(accepted.get(0).droneId()).as("the killed drone reported nothing after its death").isNotEqualTo("d2");
      p.attempts().stream().filter(a -> a.droneId().equals("d2") && a.ended() != null && a.ended().contains("OFFLINE"))
          .forEach(a -> offline.add(p.id()));
      // what the winning drone's build wrote: the package was built by the drone whose report counted
      assertThat(Files.readAllLines(dir.resolve("built").resolve(p.id()))).contains(accepted.get(0).droneId());
    }
    assertThat(offline).as("the killed drone's build was reclaimed OFFLINE").isNotEmpty();
    String d1 = drones.get(0).output();
    assertThat(d1).as(d1).contains("registered with");
  }

  /** Waits for {@code condition}; failing, says what the drones printed. */
  private void within(int seconds, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(Duration.ofSeconds(seconds)).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\ndrones:\n" + outputs(), e);
    }
  }

  private String outputs() {
    return drones.stream().map(WardenProcess::output).collect(Collectors.joining("\n----\n"));
  }

}
