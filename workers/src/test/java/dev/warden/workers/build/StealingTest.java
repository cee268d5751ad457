package dev.warden.workers.build;

import static dev.warden.workers.build.Farm.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Idle drones take queued, not started work: newest first, at most half, never the donor's last or its build. */
class StealingTest {
  private final Farm farm = new Farm("warden.build.leases.prefetch = 5");

  /** Donor d1 builds p1 and holds p2..p5 unstarted; the queue is empty. */
  private List<Lease> busyDonor() {
    farm.drone("d1");
    farm.drone("thief");
    farm.submit("p1", "p2", "p3", "p4", "p5");
    Lease p1 = farm.leaseOne("d1");
    farm.building("d1", p1, farm.now);
    List<Lease> queued = farm.lease("d1", 4);
    farm.building("d1", p1, farm.now, queued.toArray(Lease[]::new));
    return queued;
  }

  @Test
  void anIdleDroneStealsTheNewestUnstartedWorkAtMostHalfOfTheDonorsAndEachStealBumpsTheEpoch() {
    List<Lease> queued = busyDonor();
    List<Lease> stolen = farm.lease("thief", 5);
    assertThat(stolen).extracting(Lease::packageId).containsExactly("p5", "p4");
    assertThat(stolen).allSatisfy(l -> {
      assertThat(l.epoch()).isEqualTo(2);
      assertThat(l.stolenFrom()).isEqualTo("d1");
    });
    assertThat(farm.journal).filteredOn(e -> e instanceof BuildEvent.LeaseStolen).hasSize(2);
    assertThat(farm.pkg("p1").holder()).isEqualTo("d1");
    assertThat(farm.pkg("p2").holder()).isEqualTo("d1");
    assertThat(farm.pkg("p3").holder()).isEqualTo("d1");
    // the donor learns at its next heartbeat, and its late report of a stolen lease is stale
    HeartbeatAnswer hb = farm.building("d1", queued.get(0), farm.now, queued.subList(1, 4).toArray(Lease[]::new));
    assertThat(hb.stopWork()).containsExactlyInAnyOrder(
        new HeartbeatAnswer.StopWork("p4", 1, "thief"), new HeartbeatAnswer.StopWork("p5", 1, "thief"));
    ReportAnswer late = farm.succeed("d1", queued.get(3));
    assertThat(late.stale()).isTrue();
    assertThat(late.reassignedTo()).isEqualTo("thief");
    assertThat(farm.succeed("thief", stolen.get(0)).accepted()).isTrue();
  }

  @Test
  void theDonorKeepsItsLastUnstartedPackageAndWhatItBuildsIsNeverStolen() {
    farm.drone("d1");
    farm.drone("t1");
    farm.drone("t2");
    farm.submit("p1", "p2", "p3");
    List<Lease> held = farm.lease("d1", 3);
    farm.building("d1", held.get(0), farm.now, held.get(1), held.get(2));
    assertThat(farm.lease("t1", 5)).extracting(Lease::packageId).containsExactly("p3");
    assertThat(farm.lease("t2", 5)).as("d1 has one unstarted package left and its build: neither goes").isEmpty();
    assertThat(farm.pkg("p1").holder()).isEqualTo("d1");
    assertThat(farm.pkg("p2").holder()).isEqualTo("d1");
  }

  @Test
  void aDonorThatHasNotSaidWhatItBuildsOrWhoseHeartbeatIsStaleIsNotRobbed() {
    farm.drone("d1");
    farm.drone("thief");
    farm.submit("p1", "p2", "p3");
    Lease[] held = farm.lease("d1", 3).toArray(Lease[]::new);
    assertThat(farm.lease("thief", 5)).as("no heartbeat yet: p1 may be building already").isEmpty();
    farm.idle("d1", held);
    farm.pass(s(91));
    assertThat(farm.lease("thief", 5)).as("stale: what it builds now is not known").isEmpty();
    farm.idle("d1", held);
    assertThat(farm.lease("thief", 5)).as("fresh again").extracting(Lease::packageId).containsExactly("p3");
  }

  @Test
  void aDroneWhoseLastReportedBuildWasJustAcceptedIsIdleAndMaySteal() {
    busyDonor();
    farm.submit("q1");
    Lease own = farm.leaseOne("thief");
    farm.building("thief", own, farm.now);
    farm.succeed("thief", own); // its last heartbeat still says it builds q1
    assertThat(farm.lease("thief", 5)).extracting(Lease::packageId).containsExactly("p5", "p4");
  }

  @Test
  void aDroneWithWorkOfItsOwnDoesNotSteal() {
    busyDonor();
    farm.submit("q1");
    Lease own = farm.leaseOne("thief");
    assertThat(own.packageId()).isEqualTo("q1");
    farm.building("thief", own, farm.now);
    assertThat(farm.lease("thief", 5)).as("the thief builds q1: not idle").isEmpty();
  }
}
