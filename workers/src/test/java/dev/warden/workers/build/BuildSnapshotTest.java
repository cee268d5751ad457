package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane's snapshot, through the serializer the snapshot store uses: a core rebuilt from a
 * snapshot and the events after it is the core rebuilt from every event, and the core that decided them.
 */
class BuildSnapshotTest {
  private static ActorSystem<Void> system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "build-snapshot", Warden.loadConfig(ConfigFactory.parseString(
        "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off")));
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static Object roundTrip(Object o) {
    var serializer = serialization.findSerializerFor(o);
    assertThat(serializer.getClass().getSimpleName()).contains("Jackson");
    byte[] bytes = serialization.serialize(o).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o)).get();
  }

  /** A farm with some of everything durable: grants, steals, reclaims, failures up to BLOCKED, releases, escalations. */
  static void busy(Farm farm, int from, int rounds) {
    for (int i = from; i < from + rounds; i++) {
      farm.pass(Duration.ofMinutes(7));
      String a = "a" + i;
      String b = "b" + i;
      String c = "c" + i;
      farm.submit(a, b, c);
      farm.idle("d1");
      farm.idle("d2");
      List<Lease> d1 = farm.lease("d1", 2);
      Lease first = d1.get(0);
      // d1 restarts holding only its first lease: the second is reclaimed (a revoked attempt)
      farm.record(farm.core.register(new Registration("d1", 8, Set.of(), MachineKind.VM, List.of(first.ref())), farm.now));
      farm.succeed("d1", first);
      Lease again = farm.leaseOne("d2");
      if (i % 3 == 0) {
        farm.fail("d2", again);
      } else {
        farm.succeed("d2", again);
      }
      for (Lease l : farm.lease("d3", 2)) {
        farm.fail("d3", l); // d3 breaks everything: its packages end BLOCKED after two tries
      }
      if (i % 4 == 0) {
        farm.record(farm.core.defineRelease("r" + i, List.of(a, c), farm.now));
        farm.record(farm.core.promote("r" + i, new GateOverride("alice", "round " + i), farm.now));
      }
      if (i % 5 == 0) {
        farm.record(farm.core.probe(new ProbeResult("d3", "mem", ProbeOutcome.ERROR, null), farm.now));
      }
    }
  }

  static Farm farm() {
    Farm farm = new Farm("warden.build.leases.max-failures = 2\nwarden.build.healing { failures = 1, window = 0s }\n"
        + "warden.build.leases.stealing = off\n");
    farm.drone("d1");
    farm.drone("d2");
    farm.drone("d3", 4, MachineKind.BARE_METAL);
    return farm;
  }

  @Test
  void aCoreRestoredFromASerializedSnapshotAndTheLaterEventsIsTheCoreThatDecidedThem() {
    Farm farm = farm();
    busy(farm, 0, 20);
    BuildSnapshot mid = farm.core.snapshot();
    int midEvents = farm.journal.size();
    busy(farm, 20, 9);
    BuildSnapshot back = (BuildSnapshot) roundTrip(mid);
    assertThat(back).isEqualTo(mid);

    BuildControl restored = BuildControl.replay(farm.settings, back, farm.journal.subList(midEvents, farm.journal.size()), farm.now);
    BuildControl replayed = BuildControl.replay(farm.settings, farm.journal, farm.now);
    assertThat(restored.snapshot()).isEqualTo(replayed.snapshot()).isEqualTo(farm.core.snapshot());
    BuildSnapshot now = restored.snapshot();
    assertThat(now.packages()).hasSize(87);
    assertThat(now.packages()).extracting(BuildSnapshot.PackageRow::status).contains(PackageStatus.BLOCKED, PackageStatus.SUCCEEDED,
        PackageStatus.QUEUED);
    assertThat(now.releases()).hasSize(8).allSatisfy(r -> assertThat(r.promoted().by()).isEqualTo("alice"));
    assertThat(now.counters().reclaims()).containsEntry(ReclaimCause.DRONE_RESTARTED, 29L);
    for (BuildSnapshot.PackageRow p : now.packages()) {
      assertThat(restored.packageView(p.id())).isEqualTo(farm.core.packageView(p.id()));
    }
    assertThat(restored.droneView("d3", farm.now).orElseThrow().level()).isEqualTo(farm.core.droneView("d3", farm.now).orElseThrow().level())
        .isNotNull();
    assertThat(restored.metrics(farm.now)).isEqualTo(farm.core.metrics(farm.now));

    // the revoked attempt of the first round is still fenced: d1's late report is stale, with the new holder
    ReportAnswer late = restored.fence(new Report("d1", "b0", 1, Report.Outcome.SUCCESS, "sha256:b0", null)).orElseThrow();
    assertThat(late.stale()).isTrue();
    assertThat(late.reassignedTo()).isNull(); // b0 was built by d2 since
    PromotionAnswer promoted = restored.promote("r0", null, farm.now).answer();
    assertThat(promoted.overridden()).isTrue();
    assertThat(promoted.notReady()).isEqualTo(farm.core.promote("r0", null, farm.now).answer().notReady()).isNotEmpty();
  }
}
