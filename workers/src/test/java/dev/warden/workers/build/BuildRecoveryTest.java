package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane on a real node and H2 file, snapshotting every 10 journal rows: a restart reads the newest
 * snapshot and replays only the rows after it, and recovers the same packages (epochs, revoked attempts,
 * BLOCKED), drones and releases (the override) as a replay of every row would.
 */
class BuildRecoveryTest {
  @TempDir Path dir;
  private Warden warden;

  @AfterEach
  void stop() {
    if (warden != null) {
      warden.close();
    }
  }

  /** The control plane's clock: moved by the test. */
  private static final class TestClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    void pass(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }
  }

  private final TestClock clock = new TestClock();

  private Builds start() {
    return start("");
  }

  private Builds start(String conf) {
    warden = Warden.start(ConfigFactory.parseString("warden.node-name = builds\nwarden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.enabled = off\nwarden.build.service { snapshot-every = 10, tick-interval = 1h }\n"
        + "warden.build.leases.max-failures = 1\n" + conf),
        BuildKind.create().withValidator((pkg, digest) -> ArtifactCheck.VALID).withClock(clock));
    return Builds.of(warden);
  }

  private static <T> T get(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Map<String, PackageView> packages(Builds b, List<String> ids) throws Exception {
    Map<String, PackageView> out = new TreeMap<>();
    for (String id : ids) {
      out.put(id, get(b.packageView(id)).orElseThrow(() -> new AssertionError(id + " lost")));
    }
    return out;
  }

  @Test
  void aRestartReadsTheSnapshotAndReplaysOnlyTheRowsAfterItWithTheSameState() throws Exception {
    Builds b = start();
    List<String> ids = new ArrayList<>();
    int rows = 0;
    for (String d : List.of("d1", "d2")) {
      get(b.register(Registration.fresh(d, 4, Set.of(), MachineKind.VM)));
      rows++;
    }
    for (int i = 0; i < 24; i++) {
      ids.add("p" + i);
      assertThat(get(b.submit("p" + i, Set.of())).done()).isTrue();
      rows++;
    }
    Lease revoked = get(b.lease("d1", 1)).leases().get(0); // p0, attempt 1
    get(b.register(Registration.fresh("d1", 4, Set.of(), MachineKind.VM))); // d1 lost it: attempt 1 revoked
    Lease p0 = get(b.lease("d2", 1)).leases().get(0); // p0 again, attempt 2
    assertThat(get(b.report(new Report("d2", p0.packageId(), p0.epoch(), Report.Outcome.SUCCESS, "sha256:a", null))).accepted()).isTrue();
    Lease p1 = get(b.lease("d2", 1)).leases().get(0);
    assertThat(get(b.report(new Report("d2", p1.packageId(), p1.epoch(), Report.Outcome.FAILURE, null, "exit 2"))).status())
        .isEqualTo(PackageStatus.BLOCKED);
    Lease held = get(b.lease("d1", 1)).leases().get(0); // p2, left leased
    assertThat(get(b.defineRelease("r1", List.of("p0", "p1"))).done()).isTrue();
    PromotionAnswer promoted = get(b.promote("r1", new GateOverride("alice", "p1 only ships docs")));
    assertThat(promoted.overridden()).isTrue();
    rows += 9;
    assertThat(rows).isEqualTo(35);
    Map<String, PackageView> before = packages(b, ids);
    BuildMetrics figures = get(b.metrics());
    await().atMost(Duration.ofSeconds(20)).until(() -> b.stats().getLastSnapshotRow() == 30);
    warden.close();

    Builds again = start();
    BuildMetrics after = get(again.metrics()); // answered once recovered
    assertThat(again.stats().isRecoveredFromSnapshot()).isTrue();
    assertThat(again.stats().getRecoveryReplayedRows()).as("rows after the snapshot at row 30").isEqualTo(5);
    assertThat(packages(again, ids)).isEqualTo(before);
    assertThat(before.get("p0").attempts()).hasSize(2);
    assertThat(before.get("p1").status()).isEqualTo(PackageStatus.BLOCKED);
    assertThat(List.of(after.queued(), after.leased(), after.succeeded(), after.blocked(), after.delegated(), after.reclaimsTotal()))
        .isEqualTo(List.of(figures.queued(), figures.leased(), figures.succeeded(), figures.blocked(), figures.delegated(),
            figures.reclaimsTotal()));

    ReportAnswer late = get(again.report(new Report("d1", "p0", revoked.epoch(), Report.Outcome.SUCCESS, "sha256:z", null)));
    assertThat(late.stale()).isTrue();
    assertThat(late.action()).isEqualTo(ReportAnswer.STOP_WORK);
    PromotionAnswer gate = get(again.promote("r1", null));
    assertThat(gate.promoted()).isTrue();
    assertThat(gate.overridden()).isTrue();
    assertThat(gate.notReady()).containsExactly("p1");
    assertThat(get(again.droneView("d1")).orElseThrow().leases()).containsExactly(held.ref());
    assertThat(get(again.report(new Report("d1", held.packageId(), held.epoch(), Report.Outcome.SUCCESS, "sha256:b", null))).accepted())
        .isTrue();
  }

  @Test
  void theActorSweepsFinishedStateAndWhatItForgotStaysForgottenAfterARestart() throws Exception {
    Builds b = start("warden.build.retention.sweep-interval = 100ms\n");
    get(b.register(Registration.fresh("d1", 4, Set.of(), MachineKind.VM)));
    get(b.register(Registration.fresh("gone", 4, Set.of(), MachineKind.VM)));
    get(b.submit("done", Set.of()));
    get(b.submit("building", Set.of()));
    Lease done = get(b.lease("d1", 1)).leases().get(0);
    assertThat(get(b.report(new Report("d1", "done", done.epoch(), Report.Outcome.SUCCESS, "sha256:a", null))).accepted()).isTrue();
    Lease building = get(b.lease("d1", 1)).leases().get(0);
    assertThat(building.packageId()).isEqualTo("building");

    clock.pass(Duration.ofDays(8));
    get(b.heartbeat(new Heartbeat("d1", building.ref(), clock.instant().minus(Duration.ofDays(8)), List.of(), List.of())));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(get(b.packageView("done"))).isEmpty();
      assertThat(get(b.droneView("gone"))).isEmpty();
    });
    assertThat(get(b.packageView("building")).orElseThrow().status()).isEqualTo(PackageStatus.LEASED);
    assertThat(get(b.droneView("d1"))).isPresent();
    warden.close();

    Builds again = start();
    assertThat(get(again.packageView("done"))).as("forgotten, and journaled as such").isEmpty();
    assertThat(get(again.droneView("gone"))).isEmpty();
    assertThat(get(again.packageView("building")).orElseThrow().holder()).isEqualTo("d1");
    assertThat(get(again.report(new Report("d1", "building", building.epoch(), Report.Outcome.SUCCESS, "sha256:b", null))).accepted())
        .isTrue();
  }
}
