package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.workers.build.BuildEvent.ActionFinished;
import dev.warden.workers.build.BuildEvent.DronePaused;
import dev.warden.workers.build.BuildEvent.DroneRegistered;
import dev.warden.workers.build.BuildEvent.DroneResumed;
import dev.warden.workers.build.BuildEvent.Escalated;
import dev.warden.workers.build.BuildEvent.Forgotten;
import dev.warden.workers.build.BuildEvent.HealingCleared;
import dev.warden.workers.build.BuildEvent.LeaseGranted;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import dev.warden.workers.build.BuildEvent.LeaseStolen;
import dev.warden.workers.build.BuildEvent.PackageRetried;
import dev.warden.workers.build.BuildEvent.PackageSubmitted;
import dev.warden.workers.build.BuildEvent.ReleaseDefined;
import dev.warden.workers.build.BuildEvent.ReleasePromoted;
import dev.warden.workers.build.BuildEvent.ReportAccepted;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * The bytes of the control plane's journal row (one of every event) and of its snapshot, pinned: journals and
 * snapshot stores already on disk hold exactly these (the {@code jackson-json} binding of
 * {@code WardenSerializable}, serializer id and manifest included), so any change to a record that changes
 * them must come with a migration. The manifests are the class names: moving a class is such a change.
 */
class BuildCodecTest {
  private static final Instant AT = Instant.parse("2026-12-07T01:20:00Z");
  private static final Instant LATER = Instant.parse("2026-12-07T01:30:00Z");
  private static ActorSystem<Void> system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "build-codec", Warden.loadConfig(ConfigFactory.parseString(
        "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off")));
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static final ControlPlane.Decided EVERY_EVENT = new ControlPlane.Decided(List.of(
      new DroneRegistered("d1", AT, 8, Set.of("x86_64"), MachineKind.VM),
      new DronePaused("d1", AT, "alice"),
      new DroneResumed("d1", AT, "alice"),
      new PackageSubmitted("p1", AT, Set.of("big")),
      new LeaseGranted("p1", AT, "d1", 1, LATER),
      new LeaseStolen("p1", AT, "d1", 1, "d2", 2, LATER),
      new LeaseReclaimed("p1", AT, "d2", 2, ReclaimCause.OFFLINE),
      new ReportAccepted("p1", AT, "d1", 3, Recorded.MISSING_BINARY, "sha256:aa", "artifact MISSING", PackageStatus.BLOCKED),
      new PackageRetried("p1", AT, "bob"),
      new ReleaseDefined("r1", AT, List.of("p1", "p2")),
      new ReleasePromoted("r1", AT, true, "alice", "docs only", List.of("p2")),
      new Escalated("d1", AT, EscalationLevel.ALERT, EscalationLevel.REBOOT, "3 failures of [mem] over 180s"),
      new ActionFinished("d1", AT, EscalationLevel.ALERT, true),
      new HealingCleared("d1", AT),
      new Forgotten(AT, List.of("p0"), Map.of("p1", 3), List.of("d9"), List.of("r0"))));

  static final String EVERY_EVENT_JSON =
      "{\"events\":["
      + "{\"e\":\"DroneRegistered\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\",\"cores\":8,\"capabilities\":[\"x86_64\"],\"machine\":\"VM\"},"
      + "{\"e\":\"DronePaused\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\",\"by\":\"alice\"},"
      + "{\"e\":\"DroneResumed\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\",\"by\":\"alice\"},"
      + "{\"e\":\"PackageSubmitted\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"requires\":[\"big\"]},"
      + "{\"e\":\"LeaseGranted\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"droneId\":\"d1\",\"epoch\":1,\"expiry\":\"2026-12-07T01:30:00Z\"},"
      + "{\"e\":\"LeaseStolen\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"fromDrone\":\"d1\",\"fromEpoch\":1,\"droneId\":\"d2\",\"epoch\":2,\"expiry\":\"2026-12-07T01:30:00Z\"},"
      + "{\"e\":\"LeaseReclaimed\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"droneId\":\"d2\",\"epoch\":2,\"cause\":\"OFFLINE\"},"
      + "{\"e\":\"ReportAccepted\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"droneId\":\"d1\",\"epoch\":3,\"recorded\":\"MISSING_BINARY\",\"digest\":\"sha256:aa\",\"detail\":\"artifact MISSING\",\"status\":\"BLOCKED\"},"
      + "{\"e\":\"PackageRetried\",\"packageId\":\"p1\",\"at\":\"2026-12-07T01:20:00Z\",\"by\":\"bob\"},"
      + "{\"e\":\"ReleaseDefined\",\"release\":\"r1\",\"at\":\"2026-12-07T01:20:00Z\",\"packages\":[\"p1\",\"p2\"]},"
      + "{\"e\":\"ReleasePromoted\",\"release\":\"r1\",\"at\":\"2026-12-07T01:20:00Z\",\"overridden\":true,\"by\":\"alice\",\"why\":\"docs only\",\"notReady\":[\"p2\"]},"
      + "{\"e\":\"Escalated\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\",\"level\":\"ALERT\",\"refused\":\"REBOOT\",\"reason\":\"3 failures of [mem] over 180s\"},"
      + "{\"e\":\"ActionFinished\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\",\"level\":\"ALERT\",\"ran\":true},"
      + "{\"e\":\"HealingCleared\",\"droneId\":\"d1\",\"at\":\"2026-12-07T01:20:00Z\"},"
      + "{\"e\":\"Forgotten\",\"at\":\"2026-12-07T01:20:00Z\",\"packages\":[\"p0\"],\"attemptsFrom\":{\"p1\":3},\"drones\":[\"d9\"],\"releases\":[\"r0\"]}]}";

  static BuildSnapshot snapshot() {
    Farm farm = new Farm("warden.build.healing { failures = 1, window = 0s }");
    farm.now = AT;
    farm.drone("d1", 8, MachineKind.BARE_METAL, "x86_64");
    farm.submit("p1", "p2");
    Lease p1 = farm.leaseOne("d1");
    farm.record(farm.core.revoke("p1", "ops", farm.now));
    farm.pass(java.time.Duration.ofMinutes(1));
    farm.succeed("d1", farm.leaseOne("d1"));
    farm.record(farm.core.defineRelease("r1", List.of("p1", "p2"), farm.now));
    farm.record(farm.core.promote("r1", new GateOverride("alice", "docs only"), farm.now));
    farm.record(farm.core.probe(new ProbeResult("d1", "mem", ProbeOutcome.ERROR, null), farm.now));
    assertThat(p1.epoch()).isEqualTo(1);
    return farm.core.snapshot();
  }

  static final String SNAPSHOT_JSON =
      "{\"nextSeq\":2,\"drones\":["
      + "{\"id\":\"d1\",\"cores\":8,\"capabilities\":[\"x86_64\"],\"machine\":\"BARE_METAL\",\"paused\":false,\"leases\":[],\"level\":\"RESTART_SERVICE\",\"levelAt\":\"2026-12-07T01:21:00Z\",\"awaitingAction\":true,\"lastRan\":false}],\"packages\":["
      + "{\"id\":\"p1\",\"requires\":[],\"status\":\"SUCCEEDED\",\"seq\":0,\"holder\":null,\"epoch\":2,\"grantedAt\":null,\"expiry\":null,\"failures\":0,\"lastRecorded\":\"SUCCEEDED\",\"digest\":\"sha256:p1\",\"attemptsDropped\":0,\"attempts\":[{\"epoch\":1,\"drone\":\"d1\",\"granted\":\"2026-12-07T01:20:00Z\",\"end\":\"RECLAIMED\",\"detail\":\"OPERATOR\",\"ended\":\"2026-12-07T01:20:00Z\"},{\"epoch\":2,\"drone\":\"d1\",\"granted\":\"2026-12-07T01:21:00Z\",\"end\":\"ACCEPTED\",\"detail\":\"SUCCEEDED\",\"ended\":\"2026-12-07T01:21:00Z\"}]},"
      + "{\"id\":\"p2\",\"requires\":[],\"status\":\"QUEUED\",\"seq\":1,\"holder\":null,\"epoch\":0,\"grantedAt\":null,\"expiry\":null,\"failures\":0,\"lastRecorded\":null,\"digest\":null,\"attemptsDropped\":0,\"attempts\":[]}],"
      + "\"releases\":[{\"name\":\"r1\",\"packages\":[\"p1\",\"p2\"],\"promoted\":{\"e\":\"ReleasePromoted\",\"release\":\"r1\",\"at\":\"2026-12-07T01:21:00Z\",\"overridden\":true,\"by\":\"alice\",\"why\":\"docs only\",\"notReady\":[\"p2\"]}}],"
      + "\"counters\":{\"delegated\":2,\"steals\":0,\"reclaims\":{\"OPERATOR\":1},\"recorded\":{\"SUCCEEDED\":1},\"escalations\":{\"RESTART_SERVICE\":1},\"rebootsRefused\":0,\"delegatedByMinute\":{\"29943440\":1,\"29943441\":1},\"reclaimedByMinute\":{\"29943440\":1}}}";

  private static String json(Object o) {
    var serializer = serialization.findSerializerFor(o);
    assertThat(serializer.identifier()).as("jackson-json").isEqualTo(31);
    return new String(serialization.serialize(o).get(), StandardCharsets.UTF_8);
  }

  private static Object read(String json, String manifest) {
    return serialization.deserialize(json.getBytes(StandardCharsets.UTF_8), 31, manifest).get();
  }

  @Test
  void aJournalRowWithEveryEventIsWrittenAndReadAsPinned() {
    assertThat(Serializers.manifestFor(serialization.findSerializerFor(EVERY_EVENT), EVERY_EVENT))
        .isEqualTo("dev.warden.workers.build.ControlPlane$Decided");
    assertThat(json(EVERY_EVENT)).isEqualTo(EVERY_EVENT_JSON);
    assertThat(read(EVERY_EVENT_JSON, "dev.warden.workers.build.ControlPlane$Decided")).isEqualTo(EVERY_EVENT);
  }

  @Test
  void aSnapshotIsWrittenAndReadAsPinned() {
    BuildSnapshot s = snapshot();
    assertThat(Serializers.manifestFor(serialization.findSerializerFor(s), s)).isEqualTo("dev.warden.workers.build.BuildSnapshot");
    assertThat(json(s)).isEqualTo(SNAPSHOT_JSON);
    assertThat(read(SNAPSHOT_JSON, "dev.warden.workers.build.BuildSnapshot")).isEqualTo(s);
  }
}
