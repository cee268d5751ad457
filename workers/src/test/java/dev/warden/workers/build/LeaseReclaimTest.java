package dev.warden.workers.build;

import static dev.warden.workers.build.Farm.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leases are reclaimed on a stale heartbeat, never because work has not started. */
class LeaseReclaimTest {
  private final Farm farm = new Farm();

  @Test
  void anOnlineDroneNeverLosesPrefetchedWorkToANotStartedTimeout() {
    farm.drone("d1");
    farm.submit("p1", "p2", "p3");
    Lease building = farm.leaseOne("d1");
    List<Lease> queued = farm.lease("d1", 5);
    assertThat(queued).hasSize(1).as("prefetch 2, one of them started").isNotEmpty();
    Instant since = farm.now;
    farm.building("d1", building, since, queued.get(0));
    // a long build: three lease durations pass with the drone heartbeating every 30 s; p2 waits, unstarted
    for (int i = 0; i < 60; i++) {
      farm.pass(s(30));
      farm.building("d1", building, since, queued.get(0));
      assertThat(farm.tick()).as("tick at %s", farm.now).isEmpty();
    }
    assertThat(farm.pkg(queued.get(0).packageId()).holder()).isEqualTo("d1");
    assertThat(farm.pkg(queued.get(0).packageId()).epoch()).isEqualTo(1);
    assertThat(farm.core.metrics(farm.now).reclaimsTotal()).isZero();
  }

  @Test
  void aDroneSilentPastOfflineAfterLosesEverythingItHoldsTheBuildIncluded() {
    farm.drone("d1");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    farm.building("d1", l, farm.now);
    farm.pass(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(farm.tick()).as("stale, past its lease, but the build it reported is kept until offline").isEmpty();
    farm.pass(s(1));
    assertThat(farm.tick()).extracting(BuildEvent.LeaseReclaimed::cause).containsExactly(ReclaimCause.OFFLINE);
    assertThat(farm.pkg("p1").status()).isEqualTo(PackageStatus.QUEUED);
    assertThat(farm.pkg("p1").attempts()).singleElement().extracting(PackageView.AttemptView::ended).isEqualTo("reclaimed OFFLINE");
  }

  @Test
  void anExpiredLeaseIsReclaimedWhenItsHolderIsStaleButNotWhenItsHolderIsFresh() {
    farm.drone("fresh");
    farm.drone("stale");
    farm.submit("p1", "p2");
    Lease a = farm.leaseOne("fresh");
    Lease b = farm.leaseOne("stale");
    farm.idle("stale", b); // heard once, then silent (stale after 90 s, offline only after 15 min)
    for (int i = 0; i < 21; i++) {
      farm.pass(s(30));
      farm.idle("fresh", a);
      List<BuildEvent.LeaseReclaimed> r = farm.tick();
      if (farm.now.isBefore(Farm.T0.plusSeconds(600))) {
        assertThat(r).as("before the lease expires nothing is reclaimed, %s", farm.now).isEmpty();
      } else if (farm.now.equals(Farm.T0.plusSeconds(600))) {
        assertThat(r).singleElement().satisfies(e -> {
          assertThat(e.packageId()).isEqualTo(b.packageId());
          assertThat(e.cause()).isEqualTo(ReclaimCause.LEASE_EXPIRED);
        });
      } else {
        assertThat(r).isEmpty();
      }
    }
    assertThat(farm.pkg(a.packageId()).holder()).isEqualTo("fresh");
  }

  @Test
  void workADroneReportsActiveIsKeptWhileItIsOnlineEvenWithAStaleHeartbeatAndAnExpiredLease() {
    farm.drone("d1");
    farm.submit("p1", "p2");
    List<Lease> l = farm.lease("d1", 2);
    farm.building("d1", l.get(0), farm.now, l.get(1));
    farm.pass(Duration.ofMinutes(12)); // silent 12 min: stale, both leases expired, not offline
    assertThat(farm.tick()).as("only the queued one goes")
        .singleElement().satisfies(e -> {
          assertThat(e.packageId()).isEqualTo(l.get(1).packageId());
          assertThat(e.cause()).isEqualTo(ReclaimCause.LEASE_EXPIRED);
        });
    assertThat(farm.pkg(l.get(0).packageId()).holder()).isEqualTo("d1");
  }

  @Test
  void buildingSinceComesWithTheCurrentPackageOrTheHeartbeatIsRefused() {
    assertThatThrownBy(() -> new Heartbeat("d1", new LeaseRef("p1", 1), null, List.of(), List.of()))
        .hasMessage("building_since is required with the current package");
    assertThatThrownBy(() -> new Heartbeat("d1", null, Farm.T0, List.of(), List.of()))
        .hasMessage("building_since must be absent when nothing is being built");
  }

  @Test
  void aLeaseTheHolderNeverNamesWhileHeartbeatingIsReclaimedAsNotHeldAfterALeaseDuration() {
    farm.drone("d1");
    farm.submit("p1");
    farm.leaseOne("d1"); // the answer is lost: the drone never learns of it
    for (int i = 0; i < 19; i++) {
      farm.pass(s(30));
      farm.idle("d1");
      assertThat(farm.tick()).isEmpty();
    }
    farm.pass(s(30));
    farm.idle("d1");
    assertThat(farm.tick()).extracting(BuildEvent.LeaseReclaimed::cause).containsExactly(ReclaimCause.NOT_HELD);
  }

  @Test
  void aDroneRegisteringAgainLosesAtOnceTheLeasesItNoLongerHoldsAndKeepsThoseItNames() {
    farm.drone("d1");
    farm.submit("p1", "p2");
    List<Lease> l = farm.lease("d1", 2);
    farm.pass(s(5));
    HeartbeatAnswer a = farm.record(farm.core.register(
        new Registration("d1", 8, java.util.Set.of(), MachineKind.VM, List.of(l.get(0).ref(), new LeaseRef("gone", 3))), farm.now));
    assertThat(farm.journal).filteredOn(e -> e instanceof BuildEvent.LeaseReclaimed)
        .singleElement().extracting(e -> ((BuildEvent.LeaseReclaimed) e).cause()).isEqualTo(ReclaimCause.DRONE_RESTARTED);
    assertThat(farm.pkg(l.get(0).packageId()).holder()).isEqualTo("d1");
    assertThat(farm.pkg(l.get(1).packageId()).status()).isEqualTo(PackageStatus.QUEUED);
    assertThat(a.stopWork()).containsExactly(new HeartbeatAnswer.StopWork("gone", 3, null));
  }

  @Test
  void aDroneNeverHoldsMoreUnstartedWorkThanThePrefetchCap() {
    farm.drone("d1");
    farm.submit("p1", "p2", "p3", "p4", "p5");
    List<Lease> first = farm.lease("d1", 10);
    assertThat(first).hasSize(2);
    assertThat(farm.lease("d1", 10)).isEmpty();
    farm.building("d1", first.get(0), farm.now, first.get(1));
    assertThat(farm.lease("d1", 10)).as("one started: one more may come").hasSize(1);
    assertThat(farm.lease("d1", 10)).isEmpty();
  }

  @Test
  void aPausedDroneGetsNoLeases() {
    farm.drone("d1");
    farm.submit("p1");
    farm.record(farm.core.pause("d1", "ops", farm.now));
    assertThat(farm.record(farm.core.lease("d1", 2, farm.now)).paused()).isTrue();
    assertThat(farm.core.queued()).isEqualTo(1);
    farm.record(farm.core.resume("d1", "ops", farm.now));
    assertThat(farm.lease("d1", 2)).hasSize(1);
  }

  @Test
  void anOperatorRevokeReclaimsAndTheHoldersReportIsStale() {
    farm.drone("d1");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    assertThat(farm.record(farm.core.revoke("p1", "ops", farm.now)).done()).isTrue();
    assertThat(farm.succeed("d1", l).stale()).isTrue();
    assertThat(farm.core.metrics(farm.now).reclaims()).containsEntry(ReclaimCause.OPERATOR, 1L);
  }
}
