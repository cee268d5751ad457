package dev.warden.workers.build;

import static dev.warden.workers.build.Farm.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.workers.build.HealingVerdict.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Probes in, ladder out: only sustained failures, never on a fresh heartbeat for a probe's own path failing. */
class SelfHealingTest {
  private Farm farm = new Farm();

  private HealingVerdict probe(String drone, String probe, ProbeOutcome o) {
    return farm.record(farm.core.probe(new ProbeResult(drone, probe, o, null), farm.now));
  }

  /** Probes every 30 s for {@code span} (the first at the current instant), heartbeating first if asked. */
  private List<HealingVerdict> every30s(Duration span, String drone, String probe, ProbeOutcome o, boolean heartbeat) {
    List<HealingVerdict> out = new ArrayList<>();
    for (long t = 0; t <= span.toSeconds(); t += 30) {
      if (heartbeat) {
        farm.idle(drone);
      }
      out.add(probe(drone, probe, o));
      farm.pass(s(30));
    }
    return out;
  }

  private List<BuildEvent.Escalated> escalations() {
    return farm.journal.stream().filter(e -> e instanceof BuildEvent.Escalated).map(e -> (BuildEvent.Escalated) e).toList();
  }

  /** A drone that registered and then went silent long enough to be stale. */
  private void staleDrone(String id, MachineKind kind) {
    farm.drone(id, 8, kind);
    farm.pass(Duration.ofMinutes(2));
  }

  @Test
  void aProbeThatTimesOutWhileTheHeartbeatIsFreshIsNeverEscalated() {
    farm.drone("d1");
    List<HealingVerdict> v = every30s(Duration.ofMinutes(30), "d1", "ssh", ProbeOutcome.TIMEOUT, true);
    v.addAll(every30s(Duration.ofMinutes(30), "d1", "ssh", ProbeOutcome.UNREACHABLE, true));
    assertThat(v).extracting(HealingVerdict::kind).containsOnly(Kind.NONE, Kind.SUPPRESSED).contains(Kind.SUPPRESSED);
    assertThat(escalations()).isEmpty();
    assertThat(farm.core.metrics(farm.now).suppressedEscalations()).as("counted once per run of failures").isEqualTo(1);
    // the same probe with the heartbeat gone stale escalates at once: the run was sustained all along
    farm.pass(s(90));
    assertThat(probe("d1", "ssh", ProbeOutcome.TIMEOUT).kind()).isEqualTo(Kind.ESCALATED);
  }

  @Test
  void errorsTheDroneReportsItselfAreEscalatedDespiteAFreshHeartbeat() {
    farm.drone("d1");
    List<HealingVerdict> v = every30s(Duration.ofSeconds(180), "d1", "health", ProbeOutcome.ERROR, true);
    assertThat(v.subList(0, 6)).extracting(HealingVerdict::kind).containsOnly(Kind.NONE);
    assertThat(v.get(6).kind()).isEqualTo(Kind.ESCALATED);
    assertThat(v.get(6).level()).isEqualTo(EscalationLevel.RESTART_SERVICE);
  }

  @Test
  void escalationNeedsTheFailuresToSpanTheWindow() {
    staleDrone("d1", MachineKind.VM);
    List<HealingVerdict> v = every30s(Duration.ofSeconds(150), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(v).hasSize(6).extracting(HealingVerdict::kind).containsOnly(Kind.NONE);
    assertThat(probe("d1", "ssh", ProbeOutcome.UNREACHABLE).kind()).as("at 180 s").isEqualTo(Kind.ESCALATED);
  }

  @Test
  void escalationNeedsNFailuresInARowHoweverLongTheyTake() {
    farm = new Farm("warden.build.healing { failures = 5, window = 60s }");
    staleDrone("d1", MachineKind.VM);
    for (int i = 0; i < 4; i++) {
      assertThat(probe("d1", "ssh", ProbeOutcome.TIMEOUT).kind()).isEqualTo(Kind.NONE);
      farm.pass(Duration.ofMinutes(10));
    }
    assertThat(probe("d1", "ssh", ProbeOutcome.TIMEOUT).kind()).isEqualTo(Kind.ESCALATED);
  }

  @Test
  void aPassingProbeClearsTheCount() {
    staleDrone("d1", MachineKind.VM);
    every30s(Duration.ofSeconds(150), "d1", "ssh", ProbeOutcome.TIMEOUT, false);
    probe("d1", "ssh", ProbeOutcome.PASS);
    farm.pass(s(30));
    assertThat(every30s(Duration.ofSeconds(150), "d1", "ssh", ProbeOutcome.TIMEOUT, false))
        .extracting(HealingVerdict::kind).containsOnly(Kind.NONE);
    assertThat(escalations()).isEmpty();
  }

  @Test
  void aDiskWarningNeitherResetsTheCountNorMasksAMemoryCriticalError() {
    farm.drone("d1");
    List<HealingVerdict> v = new ArrayList<>();
    for (int i = 0; i <= 12; i++) { // every 15 s: memory critical, then a disk warning, on the one health probe
      farm.idle("d1");
      v.add(probe("d1", "health", i % 2 == 0 ? ProbeOutcome.ERROR : ProbeOutcome.WARNING));
      farm.pass(s(15));
    }
    assertThat(v.get(12).kind()).as("the 7th error, 180 s after the first").isEqualTo(Kind.ESCALATED);
    // one check finding both at once reports the worst of them
    assertThat(ProbeOutcome.worst(ProbeOutcome.WARNING, ProbeOutcome.ERROR)).isEqualTo(ProbeOutcome.ERROR);
    assertThat(ProbeOutcome.worst(ProbeOutcome.ERROR, ProbeOutcome.WARNING, ProbeOutcome.PASS)).isEqualTo(ProbeOutcome.ERROR);
    assertThat(ProbeOutcome.worst(ProbeOutcome.PASS, ProbeOutcome.WARNING)).isEqualTo(ProbeOutcome.WARNING);
  }

  @Test
  void aDiskWarningOnItsOwnProbeDoesNotTouchTheMemoryProbesCount() {
    farm.drone("d1");
    HealingVerdict last = null;
    for (int i = 0; i <= 6; i++) {
      farm.idle("d1");
      probe("d1", "disk", ProbeOutcome.WARNING);
      last = probe("d1", "memory", ProbeOutcome.ERROR);
      farm.pass(s(30));
    }
    assertThat(last.kind()).isEqualTo(Kind.ESCALATED);
  }

  @Test
  void theLadderClimbsOnlyAfterAnActionRanAndWaitsOutEachLevelsCooldown() {
    staleDrone("d1", MachineKind.VM);
    every30s(Duration.ofSeconds(180), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(escalations()).extracting(BuildEvent.Escalated::level).containsExactly(EscalationLevel.RESTART_SERVICE);
    List<HealingVerdict> waiting = every30s(Duration.ofMinutes(4), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(waiting).extracting(HealingVerdict::kind).contains(Kind.AWAITING_ACTION).doesNotContain(Kind.ESCALATED);
    farm.record(farm.core.actionFinished("d1", EscalationLevel.RESTART_SERVICE, true, farm.now));
    List<HealingVerdict> cooling = every30s(Duration.ofMinutes(4), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(cooling).extracting(HealingVerdict::kind).contains(Kind.COOLING_DOWN).doesNotContain(Kind.ESCALATED);
    List<EscalationLevel> levels = new ArrayList<>();
    for (EscalationLevel expected : List.of(EscalationLevel.HARD_RESTART, EscalationLevel.REBOOT, EscalationLevel.ALERT, EscalationLevel.ALERT)) {
      HealingVerdict v;
      do {
        farm.pass(s(30));
        v = probe("d1", "ssh", ProbeOutcome.UNREACHABLE);
      } while (v.kind() != Kind.ESCALATED);
      levels.add(v.level());
      farm.record(farm.core.actionFinished("d1", v.level(), true, farm.now));
    }
    assertThat(levels).containsExactly(EscalationLevel.HARD_RESTART, EscalationLevel.REBOOT, EscalationLevel.ALERT, EscalationLevel.ALERT);
    List<BuildEvent.Escalated> all = escalations();
    for (int i = 1; i < all.size(); i++) {
      Duration gap = Duration.between(all.get(i - 1).at(), all.get(i).at());
      assertThat(gap).as("after %s", all.get(i - 1).level()).isGreaterThanOrEqualTo(farm.settings.rung(all.get(i - 1).level()).cooldown());
    }
  }

  @Test
  void anActionThatDidNotRunIsRepeatedNotSkipped() {
    staleDrone("d1", MachineKind.VM);
    every30s(Duration.ofSeconds(180), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    farm.record(farm.core.actionFinished("d1", EscalationLevel.RESTART_SERVICE, false, farm.now));
    every30s(Duration.ofMinutes(11), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(escalations()).extracting(BuildEvent.Escalated::level)
        .containsExactly(EscalationLevel.RESTART_SERVICE, EscalationLevel.RESTART_SERVICE);
  }

  @Test
  void rebootIsRefusedForBareMetalAndUnknownMachinesWhichGetTheAlertInstead() {
    for (MachineKind kind : List.of(MachineKind.BARE_METAL, MachineKind.UNKNOWN, MachineKind.VM)) {
      farm = new Farm();
      staleDrone("d1", kind);
      List<BuildEvent.Escalated> fired = new ArrayList<>();
      while (fired.size() < 3) {
        HealingVerdict v = probe("d1", "ssh", ProbeOutcome.UNREACHABLE);
        if (v.kind() == Kind.ESCALATED) {
          fired.add(escalations().get(escalations().size() - 1));
          farm.record(farm.core.actionFinished("d1", v.level(), true, farm.now));
        }
        farm.pass(s(30));
      }
      BuildEvent.Escalated third = fired.get(2);
      if (kind.mayReboot()) {
        assertThat(third.level()).isEqualTo(EscalationLevel.REBOOT);
        assertThat(third.refused()).isNull();
      } else {
        assertThat(third.level()).as("%s", kind).isEqualTo(EscalationLevel.ALERT);
        assertThat(third.refused()).isEqualTo(EscalationLevel.REBOOT);
        assertThat(third.reason()).contains("reboot refused for a " + kind.wire() + " machine");
        assertThat(farm.core.metrics(farm.now).rebootsRefused()).isEqualTo(1);
      }
    }
  }

  @Test
  void aPausedDroneIsSkipped() {
    staleDrone("d1", MachineKind.VM);
    farm.record(farm.core.pause("d1", "ops", farm.now));
    assertThat(every30s(Duration.ofMinutes(10), "d1", "ssh", ProbeOutcome.UNREACHABLE, false))
        .extracting(HealingVerdict::kind).containsOnly(Kind.PAUSED);
    farm.record(farm.core.resume("d1", "ops", farm.now));
    assertThat(probe("d1", "ssh", ProbeOutcome.UNREACHABLE).kind()).as("counting starts afresh").isEqualTo(Kind.NONE);
    assertThat(escalations()).isEmpty();
  }

  @Test
  void aPassAfterAnEscalationClearsTheLadderButAnotherProbesPassDoesNot() {
    staleDrone("d1", MachineKind.VM);
    every30s(Duration.ofSeconds(180), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    farm.record(farm.core.actionFinished("d1", EscalationLevel.RESTART_SERVICE, true, farm.now));
    assertThat(probe("d1", "api", ProbeOutcome.PASS).kind()).as("ssh still failing").isEqualTo(Kind.NONE);
    assertThat(probe("d1", "ssh", ProbeOutcome.PASS).kind()).isEqualTo(Kind.CLEARED);
    assertThat(farm.core.droneView("d1", farm.now).orElseThrow().level()).isNull();
    farm.pass(Duration.ofMinutes(15)); // past the cooldown: the next run starts from the bottom again
    every30s(Duration.ofSeconds(180), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    assertThat(escalations()).extracting(BuildEvent.Escalated::level)
        .containsExactly(EscalationLevel.RESTART_SERVICE, EscalationLevel.RESTART_SERVICE);
  }

  @Test
  void theLaddersPositionSurvivesAReplay() {
    staleDrone("d1", MachineKind.BARE_METAL);
    every30s(Duration.ofSeconds(180), "d1", "ssh", ProbeOutcome.UNREACHABLE, false);
    farm.record(farm.core.actionFinished("d1", EscalationLevel.RESTART_SERVICE, true, farm.now));
    BuildControl again = BuildControl.replay(farm.settings, farm.journal, farm.now);
    assertThat(again.droneView("d1", farm.now).orElseThrow().level()).isEqualTo(EscalationLevel.RESTART_SERVICE);
    assertThat(again.probe(new ProbeResult("d1", "ssh", ProbeOutcome.UNREACHABLE, null), farm.now).answer().kind())
        .as("replayed drones count as just seen: fresh").isEqualTo(Kind.NONE);
  }
}
