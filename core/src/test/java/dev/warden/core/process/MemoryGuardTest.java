package dev.warden.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.ConfigReader;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The guard's decisions on injected readings, with an explicit clock. */
class MemoryGuardTest {
  private static final long GIB = 1L << 30;
  private static final long SEC = 1_000_000_000L;

  private static MemoryGuard guard() {
    return new MemoryGuard(new MemoryGuard.Settings(2 * GIB, 10, Duration.ofSeconds(60), 8 * GIB,
        Duration.ofMinutes(60), Duration.ofSeconds(1), 64L << 20));
  }

  @Test
  void lowHeadroomBrakesAndTheTenthConsecutiveBrakeRestartsTheWorker() {
    MemoryGuard g = guard();
    for (int i = 1; i <= 9; i++) {
      assertThat(g.check(GIB, GIB, i * SEC)).isEqualTo(MemoryGuard.Verdict.BRAKE);
      assertThat(g.consecutiveBrakes()).isEqualTo(i);
    }
    assertThat(g.check(GIB, GIB, 10 * SEC)).isEqualTo(MemoryGuard.Verdict.RESTART_WORKER);
    g.workerRestarted();
    assertThat(g.consecutiveBrakes()).isZero();
    assertThat(g.brakes()).isEqualTo(10);
  }

  @Test
  void safeHeadroomForTheWholeWindowResetsTheCount() {
    MemoryGuard g = guard();
    g.check(GIB, 0, 0);
    g.check(GIB, 0, SEC);
    assertThat(g.check(4 * GIB, 0, 2 * SEC)).isEqualTo(MemoryGuard.Verdict.OK);
    g.check(4 * GIB, 0, 61 * SEC);
    assertThat(g.consecutiveBrakes()).as("59 s of safety is not enough").isEqualTo(2);
    g.check(4 * GIB, 0, 62 * SEC);
    assertThat(g.consecutiveBrakes()).isZero();
  }

  @Test
  void aBrakeInsideTheWindowStartsTheSafePeriodOver() {
    MemoryGuard g = guard();
    g.check(GIB, 0, 0);
    g.check(4 * GIB, 0, SEC);
    g.check(GIB, 0, 50 * SEC);
    g.check(4 * GIB, 0, 51 * SEC);
    g.check(4 * GIB, 0, 62 * SEC);
    assertThat(g.consecutiveBrakes()).isEqualTo(2);
  }

  @Test
  void workerOverItsRssCapIsRecycledWhateverTheHeadroom() {
    assertThat(guard().check(16 * GIB, 9 * GIB, 0)).isEqualTo(MemoryGuard.Verdict.RECYCLE_RSS);
  }

  @Test
  void ageIsJudgedAgainstMaxAge() {
    MemoryGuard g = guard();
    assertThat(g.tooOld(0, 59 * 60 * SEC)).isFalse();
    assertThat(g.tooOld(0, 60 * 60 * SEC)).isTrue();
  }

  @Test
  void procProbeReadsRealFigures() {
    MemoryProbe probe = MemoryProbe.proc();
    assertThat(probe.availableBytes()).isPositive();
    assertThat(probe.rssBytes(ProcessHandle.current().pid())).isGreaterThan(1L << 20);
  }

  @Test
  void settingsComeFromReferenceConfAndBadValuesNameTheKey() {
    MemoryGuard.Settings s =
        MemoryGuard.Settings.read(ConfigReader.at(Warden.loadConfig(ConfigFactory.empty()), "warden.memory-guard"));
    assertThat(s.safeHeadroomBytes()).isEqualTo(2 * GIB);
    assertThat(s.brakeLimit()).isEqualTo(10);
    assertThatThrownBy(() -> MemoryGuard.Settings.read(ConfigReader.at(
            Warden.loadConfig(ConfigFactory.parseString("warden.memory-guard.brake-limit = 0")), "warden.memory-guard")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.memory-guard.brake-limit must be >= 1, but was 0");
  }

  @Test
  void duringTheGraceATreeGrowingPastItsCapOrAHostStillLosingHeadroomIsKilledButAQuietOneIsNot() {
    MemoryGuard g = guard();
    long mib = 1L << 20;
    // stopped over its 8 GiB cap: growing past the allowance kills, staying put (or shrinking) waits
    assertThat(g.killDuringGrace(9 * GIB, 10 * GIB, 9 * GIB + 200 * mib, 10 * GIB)).isTrue();
    assertThat(g.killDuringGrace(9 * GIB, 10 * GIB, 9 * GIB + 32 * mib, 10 * GIB)).isFalse();
    assertThat(g.killDuringGrace(9 * GIB, 10 * GIB, 8 * GIB, 10 * GIB)).isFalse();
    // stopped under its cap (a reap) and growing past it
    assertThat(g.killDuringGrace(GIB, 10 * GIB, 8 * GIB + 100 * mib, 10 * GIB)).isTrue();
    // braked at 1 GiB headroom: still falling kills, holding steady waits, unknown headroom never kills
    assertThat(g.killDuringGrace(GIB, GIB, GIB, GIB - 100 * mib)).isTrue();
    assertThat(g.killDuringGrace(GIB, GIB, GIB, GIB - 10 * mib)).isFalse();
    assertThat(g.killDuringGrace(GIB, -1, GIB, 0)).isFalse();
    assertThat(g.graceCheckInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aNegativeGraceGrowthAllowanceIsRefusedWithItsKey() {
    assertThatThrownBy(() -> MemoryGuard.Settings.read(ConfigReader.at(
        Warden.loadConfig(ConfigFactory.parseString("warden.memory-guard.grace-growth-allowance = -1")), "warden.memory-guard")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.memory-guard.grace-growth-allowance must be a size");
  }
}
