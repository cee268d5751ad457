package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.UnknownKeys;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSettingsTest {
  private static BuildSettings with(String conf) {
    return BuildSettings.create(Warden.loadConfig(ConfigFactory.parseString(conf)));
  }

  @Test
  void theDefaultsAreTheIssuesNumbers() {
    BuildSettings s = with("");
    assertThat(s.prefetch()).isEqualTo(2);
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(600));
    assertThat(s.maxFailures()).isEqualTo(5);
    assertThat(s.stealing()).isTrue();
    assertThat(s.offlineAfter()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.probeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.probeFailures()).isEqualTo(3);
    assertThat(s.probeWindow()).isEqualTo(Duration.ofSeconds(180));
    assertThat(s.rung(EscalationLevel.REBOOT).cooldown()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.rung(EscalationLevel.ALERT).command()).isEmpty();
  }

  @Test
  void retentionKeepsFinishedStateLongerThanAReportCanArrive() {
    BuildSettings.Retention r = with("").retention();
    assertThat(r.endedAttempts()).isEqualTo(Duration.ofDays(3));
    assertThat(r.finishedPackages()).isEqualTo(Duration.ofDays(7));
    assertThat(r.goneDrones()).isEqualTo(Duration.ofDays(7));
    assertThat(r.promotedReleases()).isEqualTo(Duration.ofDays(90));
    assertThat(r.sweepInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> with("warden.build.retention.ended-attempts = 10m"))
        .hasMessageStartingWith("warden.build.retention.ended-attempts must be longer than warden.build.heartbeat.offline-after (15m)")
        .hasMessageEndingWith("but was 10m");
    assertThatThrownBy(() -> with("warden.build.retention.finished-packages = 1d"))
        .hasMessage("warden.build.retention.finished-packages must be at least warden.build.retention.ended-attempts (3d), but was 1d");
    assertThatThrownBy(() -> with("warden.build.retention.gone-drones = 15m"))
        .hasMessage("warden.build.retention.gone-drones must be longer than warden.build.heartbeat.offline-after (15m), but was 15m");
    assertThatThrownBy(() -> with("warden.build.retention.sweep-interval = 0s"))
        .hasMessage("warden.build.retention.sweep-interval must be > 0, but was 0s");
  }

  @Test
  void aLadderCommandGetsTheDronesName() {
    BuildSettings s = with("warden.build.healing.ladder.restart-service.command = [ssh, \"{drone}\", systemctl, restart, drone]");
    assertThat(s.rung(EscalationLevel.RESTART_SERVICE).commandFor("d7")).containsExactly("ssh", "d7", "systemctl", "restart", "drone");
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> with("warden.build.leases.prefetch = 0"))
        .isInstanceOf(WardenConfigException.class).hasMessage("warden.build.leases.prefetch must be >= 1, but was 0");
    assertThatThrownBy(() -> with("warden.build.leases.prefetch = 500"))
        .hasMessage("warden.build.leases.prefetch must be between 1 and 100, but was 500");
    assertThatThrownBy(() -> with("warden.build.leases.duration = -5s"))
        .hasMessage("warden.build.leases.duration must be > 0, but was -5s");
    assertThatThrownBy(() -> with("warden.build.heartbeat.offline-after = 60s"))
        .hasMessage("warden.build.heartbeat.offline-after must be longer than warden.build.heartbeat.stale-after (90s), but was 60s");
    assertThatThrownBy(() -> with("warden.build.healing.probe-timeout = 1m"))
        .hasMessage("warden.build.healing.probe-timeout must be at most warden.build.healing.probe-interval (30s), but was 1m");
    assertThatThrownBy(() -> with("warden.build.healing.ladder.reboot.command = reboot"))
        .hasMessageStartingWith("warden.build.healing.ladder.reboot.command must be a list of strings (the action's argv), but was reboot");
    assertThatThrownBy(() -> with("warden.build.healing.ladder.alert.cooldown = -1s"))
        .hasMessage("warden.build.healing.ladder.alert.cooldown must be >= 0 (0 disables), but was -1s");
    assertThatThrownBy(() -> with("warden.build.leases.stealing = sometimes"))
        .hasMessageStartingWith("warden.build.leases.stealing must be on or off, but was sometimes");
  }

  @Test
  void aMisspelledBuildKeyIsReportedWithTheKnownOne() {
    var c = Warden.loadConfig(ConfigFactory.parseString("warden.build.leases.prefetsh = 3"));
    assertThat(UnknownKeys.find(c))
        .containsExactly(new UnknownKeys.Unknown("warden.build.leases.prefetsh", "warden.build.leases.prefetch"));
    assertThat(UnknownKeys.find(Warden.loadConfig(ConfigFactory.parseString("warden.build.healing.window = 1m")))).isEmpty();
  }

  @Test
  void inputsNameTheFieldTheyRefuse() {
    assertThatThrownBy(() -> Registration.fresh("d1", 0, java.util.Set.of(), MachineKind.VM)).hasMessage("cores must be >= 1, but was 0");
    assertThatThrownBy(() -> new Report(" ", "p1", 1, Report.Outcome.SUCCESS, null, null)).hasMessage("droneId must not be empty");
    assertThatThrownBy(() -> new Report("d1", "p1", 0, Report.Outcome.SUCCESS, null, null)).hasMessage("epoch must be >= 1, but was 0");
    assertThatThrownBy(() -> new GateOverride("alice", " ")).hasMessageStartingWith("why must say why");
    assertThatThrownBy(() -> MachineKind.parse("mainframe")).hasMessageContaining("[mainframe]");
    assertThat(MachineKind.parse("Bare-Metal")).isEqualTo(MachineKind.BARE_METAL);
    assertThat(List.of(MachineKind.values())).filteredOn(MachineKind::mayReboot).containsExactly(MachineKind.VM, MachineKind.CONTAINER);
  }
}
