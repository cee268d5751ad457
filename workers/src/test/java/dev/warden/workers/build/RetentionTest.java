package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Retention ({@code warden.build.retention}, defaults: attempts 3 days, packages and drones 7 days, promoted
 * releases 90 days) forgets what it says and nothing live: queued, leased and BLOCKED packages, the open
 * attempt, a drone holding a lease, a release not yet promoted and its packages stay.
 */
class RetentionTest {
  private final Farm farm = new Farm("warden.build.leases.max-failures = 1\n");

  private BuildEvent.Forgotten sweep() {
    return farm.record(farm.core.sweep(farm.now));
  }

  @Test
  void finishedStateIsForgottenAfterItsWindowAndLiveStateNever() {
    farm.drone("d1");
    farm.drone("d2");
    farm.drone("gone");
    farm.submit("shipped", "gated", "broken", "long", "churned");
    farm.succeed("d1", farm.leaseOne("d1")); // shipped
    farm.succeed("d1", farm.leaseOne("d1")); // gated
    farm.fail("d1", farm.leaseOne("d1")); // broken: BLOCKED
    Lease long1 = farm.leaseOne("gone");
    Lease churned1 = farm.leaseOne("d2");
    farm.record(farm.core.register(Registration.fresh("d2", 8, Set.of(), MachineKind.VM), farm.now)); // churned attempt 1 revoked
    farm.record(farm.core.revoke("long", "ops", farm.now)); // long attempt 1 revoked
    Lease long2 = farm.leaseOne("d1");
    farm.succeed("d2", farm.leaseOne("d2")); // churned, attempt 2
    farm.record(farm.core.defineRelease("old", List.of("shipped"), farm.now));
    farm.record(farm.core.promote("old", null, farm.now));
    farm.record(farm.core.defineRelease("next", List.of("gated", "queued-later"), farm.now));
    farm.pass(Duration.ofHours(1)).submit("queued");
    farm.leaseOne("d2"); // queued leased by d2...
    farm.record(farm.core.register(Registration.fresh("d2", 8, Set.of(), MachineKind.VM), farm.now)); // ...and back in the queue

    assertThat(farm.core.sweep(farm.now).events()).as("nothing is due yet").isEmpty();

    // 8 days on: d1 builds "long" and heartbeats; "gone" has been silent since the start
    farm.pass(Duration.ofDays(8));
    farm.building("d1", long2, farm.now.minus(Duration.ofDays(8)));
    farm.idle("d2");
    BuildEvent.Forgotten f = sweep();
    assertThat(f.packages()).containsExactly("churned", "shipped");
    assertThat(f.attemptsFrom()).containsExactly(java.util.Map.entry("long", 2));
    assertThat(f.drones()).containsExactly("gone");
    assertThat(f.releases()).isEmpty();

    assertThat(farm.core.packageView("shipped")).isEmpty();
    assertThat(farm.core.packageView("churned")).isEmpty();
    assertThat(farm.pkg("gated").status()).as("named by a release not promoted").isEqualTo(PackageStatus.SUCCEEDED);
    assertThat(farm.pkg("broken").status()).isEqualTo(PackageStatus.BLOCKED);
    assertThat(farm.pkg("queued").status()).isEqualTo(PackageStatus.QUEUED);
    assertThat(farm.pkg("queued").attempts()).as("its only attempt is kept, though ended 8 days ago").hasSize(1);
    PackageView long_ = farm.pkg("long");
    assertThat(long_.status()).isEqualTo(PackageStatus.LEASED);
    assertThat(long_.epoch()).isEqualTo(2);
    assertThat(long_.attempts()).extracting(PackageView.AttemptView::epoch).containsExactly(2);
    assertThat(farm.core.droneIds()).containsExactly("d1", "d2");

    // a late report of a forgotten attempt is still refused; of the live one, accepted
    ReportAnswer late = farm.core.fence(new Report("gone", "long", long1.epoch(), Report.Outcome.SUCCESS, "sha256:x", null)).orElseThrow();
    assertThat(late.stale()).isTrue();
    assertThat(late.reassignedTo()).isEqualTo("d1");
    assertThat(farm.core.fence(new Report("d2", "churned", churned1.epoch(), Report.Outcome.SUCCESS, "sha256:x", null)).orElseThrow().stale())
        .isTrue();
    assertThat(farm.succeed("d1", long2).accepted()).isTrue();
    // a forgotten id may be submitted again, as a new package
    farm.submit("shipped");
    assertThat(farm.pkg("shipped").epoch()).isZero();

    assertThat(farm.core.sweep(farm.now).events()).as("nothing more is due").isEmpty();
    farm.pass(Duration.ofDays(83));
    farm.idle("d1");
    farm.idle("d2");
    f = sweep();
    assertThat(f.releases()).containsExactly("old");
    assertThat(f.packages()).containsExactly("long").doesNotContain("gated");
    assertThat(farm.core.promote("next", null, farm.now).answer().promoted()).isFalse();

    BuildControl replayed = BuildControl.replay(farm.settings, farm.journal, farm.now);
    assertThat(replayed.snapshot()).isEqualTo(farm.core.snapshot());
  }

  @Test
  void aSilentDroneHoldingALeaseIsNotForgottenUntilTheLeaseIsReclaimed() {
    farm.drone("d1");
    farm.submit("p1");
    farm.leaseOne("d1");
    farm.pass(Duration.ofDays(8));
    assertThat(farm.core.sweep(farm.now).events()).isEmpty();
    assertThat(farm.tick()).extracting(BuildEvent.LeaseReclaimed::cause).containsExactly(ReclaimCause.OFFLINE);
    assertThat(sweep().drones()).containsExactly("d1");
    assertThat(farm.core.droneIds()).isEmpty();
    assertThat(farm.core.heartbeat(new Heartbeat("d1", null, null, List.of(), List.of()), farm.now).known()).isFalse();
  }

  @Test
  void aRestartCountsADronesSilenceFromTheRestart() {
    farm.drone("d1");
    farm.pass(Duration.ofDays(6));
    BuildControl restarted = BuildControl.replay(farm.settings, farm.journal, farm.now);
    farm.pass(Duration.ofDays(2));
    assertThat(restarted.sweep(farm.now).events()).as("silent 8 days, but only 2 since the restart").isEmpty();
    assertThat(farm.record(farm.core.sweep(farm.now)).drones()).containsExactly("d1");
  }
}
