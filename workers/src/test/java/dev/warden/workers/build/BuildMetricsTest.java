package dev.warden.workers.build;

import static dev.warden.workers.build.Farm.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures from the core: churn, utilization of healthy cores, queue ages, and the not-started alarm's edges. */
class BuildMetricsTest {
  @Test
  void churnIsReclaimsPerDelegationOverTheLastHourAndUtilizationCountsHealthyCoresBuildingTheirOwnLease() {
    Farm farm = new Farm();
    farm.drone("big", 32, MachineKind.VM);
    farm.drone("small", 8, MachineKind.VM);
    farm.submit("p1", "p2", "p3", "p4");
    Lease b = farm.leaseOne("big");
    Lease sm = farm.leaseOne("small");
    farm.building("big", b, farm.now);
    farm.idle("small", sm);
    BuildMetrics m = farm.core.metrics(farm.now);
    assertThat(m.healthyCores()).isEqualTo(40);
    assertThat(m.busyCores()).isEqualTo(32);
    assertThat(m.utilization()).isEqualTo(0.8);
    farm.record(farm.core.revoke(sm.packageId(), "ops", farm.now));
    m = farm.core.metrics(farm.now);
    assertThat(m.delegatedLastHour()).isEqualTo(2);
    assertThat(m.churnLastHour()).isEqualTo(0.5);
    assertThat(m.queued()).isEqualTo(3);
    assertThat(m.leased()).isEqualTo(1);
    farm.pass(Duration.ofMinutes(61));
    assertThat(farm.core.metrics(farm.now).churnLastHour()).as("no delegation in the last hour").isNaN();
    assertThat(farm.core.metrics(farm.now).utilization()).as("nobody heartbeat for an hour: no healthy core").isNaN();
  }

  @Test
  void theNotStartedAlarmIsRaisedAndClearedOnceEachWhileHeartbeatsAreHealthy() {
    Farm farm = new Farm("warden.build.not-started-alarm = 5m");
    farm.drone("d1");
    farm.submit("p1", "p2");
    List<Lease> held = farm.lease("d1", 2);
    List<TickAnswer.Alarm> changes = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) { // stuck: heartbeats fine, nothing started for 10 min
      farm.pass(s(30));
      farm.idle("d1", held.toArray(Lease[]::new));
      changes.add(farm.record(farm.core.tick(farm.now)).alarm());
    }
    assertThat(changes).containsOnlyOnce(TickAnswer.Alarm.RAISED).doesNotContain(TickAnswer.Alarm.CLEARED);
    assertThat(changes.indexOf(TickAnswer.Alarm.RAISED)).as("at 5 min").isEqualTo(9);
    assertThat(farm.core.metrics(farm.now).notStartedAlarm()).isTrue();
    assertThat(farm.core.droneView("d1", farm.now).orElseThrow().queueAge()).isEqualTo(Duration.ofMinutes(10));
    farm.building("d1", held.get(0), farm.now, held.get(1));
    farm.succeed("d1", held.get(0));
    farm.building("d1", held.get(1), farm.now);
    assertThat(farm.record(farm.core.tick(farm.now)).alarm()).isEqualTo(TickAnswer.Alarm.CLEARED);
    assertThat(farm.record(farm.core.tick(farm.now)).alarm()).isEqualTo(TickAnswer.Alarm.UNCHANGED);
  }

  @Test
  void aClockThatStepsBackIsTakenAsTheLatestInstantSeen() {
    Farm farm = new Farm();
    farm.drone("d1");
    farm.submit("p1");
    farm.leaseOne("d1");
    farm.pass(Duration.ofMinutes(20));
    assertThat(farm.tick()).hasSize(1);
    List<Lease> l = farm.record(farm.core.lease("d1", 1, Farm.T0)).leases();
    assertThat(l).singleElement().extracting(Lease::expiry)
        .as("granted at the latest instant seen, not the earlier one asked").isEqualTo(farm.now.plusSeconds(600));
    farm.pass(Duration.ofMinutes(-20));
    assertThat(farm.tick()).as("the lease is 0 s old, not -20 min").isEmpty();
    assertThat(farm.core.packageView("p1").orElseThrow().holder()).isEqualTo("d1");
  }
}
