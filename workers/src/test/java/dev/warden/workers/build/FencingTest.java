package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reports carry their lease epoch: only the current lease's holder is heard, once. */
class FencingTest {
  private final Farm farm = new Farm();

  /** d1 leases p1 (epoch 1), goes offline and loses it; d2 gets it as epoch 2. */
  private Lease reassigned() {
    farm.drone("d1");
    farm.drone("d2");
    farm.submit("p1");
    Lease old = farm.leaseOne("d1");
    farm.pass(Duration.ofMinutes(15));
    farm.idle("d2");
    assertThat(farm.tick()).extracting(BuildEvent.LeaseReclaimed::cause).containsExactly(ReclaimCause.OFFLINE);
    assertThat(farm.leaseOne("d2").epoch()).isEqualTo(2);
    return old;
  }

  @Test
  void aStaleReportIsRejectedWithStopWorkAndReassignedToChangesNothingAndIsNoticedOnce() {
    Lease old = reassigned();
    int journaled = farm.journal.size();
    ReportAnswer a = farm.succeed("d1", old);
    assertThat(a).isEqualTo(new ReportAnswer(false, true, false, "stop_work", "d2", null, null, true));
    assertThat(farm.journal).hasSize(journaled);
    assertThat(farm.pkg("p1").status()).isEqualTo(PackageStatus.LEASED);
    assertThat(farm.pkg("p1").holder()).isEqualTo("d2");
    assertThat(farm.succeed("d1", old).firstNotice()).as("logged once").isFalse();
    assertThat(farm.core.metrics(farm.now).staleReports()).isEqualTo(2);
  }

  @Test
  void aReportForAReclaimedLeaseNotYetReassignedIsStaleWithNobodyToNameAndAnUnknownPackageToo() {
    farm.drone("d1");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    farm.pass(Duration.ofMinutes(15));
    farm.tick();
    assertThat(farm.succeed("d1", l).reassignedTo()).isNull();
    assertThat(farm.succeed("d1", l).stale()).isTrue();
    assertThat(farm.succeed("d1", new Lease("nope", 1, farm.now, null)).stale()).isTrue();
    assertThat(farm.pkg("p1").status()).isEqualTo(PackageStatus.QUEUED);
  }

  @Test
  void theRevokedLeasesSurviveAControlPlaneRestart() {
    Lease old = reassigned();
    BuildControl restarted = BuildControl.replay(farm.settings, farm.journal, farm.now.plusSeconds(60));
    ReportAnswer a = restarted.report(new Report("d1", "p1", old.epoch(), Report.Outcome.SUCCESS, "sha256:x", null), ArtifactCheck.VALID,
        farm.now.plusSeconds(61)).answer();
    assertThat(a.stale()).isTrue();
    assertThat(a.reassignedTo()).isEqualTo("d2");
    assertThat(restarted.packageView("p1").orElseThrow().attempts())
        .extracting(PackageView.AttemptView::ended).containsExactly("reclaimed OFFLINE", null);
  }

  @Test
  void aRepeatedReportIsAnsweredAsADuplicateAndRecordedOnce() {
    farm.drone("d1");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    assertThat(farm.succeed("d1", l).accepted()).isTrue();
    ReportAnswer again = farm.succeed("d1", l);
    assertThat(again.accepted()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.action()).isEqualTo("none");
    assertThat(again.status()).isEqualTo(PackageStatus.SUCCEEDED);
    assertThat(farm.journal).filteredOn(e -> e instanceof BuildEvent.ReportAccepted).hasSize(1);
  }

  @Test
  void anotherDroneCannotReportALeaseItDoesNotHold() {
    farm.drone("d1");
    farm.drone("d2");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    ReportAnswer a = farm.succeed("d2", l);
    assertThat(a.stale()).isTrue();
    assertThat(a.reassignedTo()).isEqualTo("d1");
    assertThat(farm.pkg("p1").status()).isEqualTo(PackageStatus.LEASED);
  }

  @Test
  void aPackageFailingFiveTimesIsBlockedUntilAnOperatorRetriesIt() {
    farm.drone("d1");
    farm.submit("p1", "p2");
    for (int i = 1; i <= 5; i++) {
      Lease l = farm.leaseOne("d1");
      if (!l.packageId().equals("p1")) { // p2 comes first after p1's first failure sent p1 to the back
        farm.succeed("d1", l);
        l = farm.leaseOne("d1");
      }
      assertThat(l.epoch()).isEqualTo(i);
      ReportAnswer a = farm.fail("d1", l);
      assertThat(a.recorded()).isEqualTo(Recorded.FAILED);
      assertThat(a.status()).isEqualTo(i < 5 ? PackageStatus.QUEUED : PackageStatus.BLOCKED);
    }
    assertThat(farm.lease("d1", 2)).as("a blocked package is not leased").isEmpty();
    assertThat(farm.record(farm.core.retry("p2", "ops", farm.now)).done()).as("p2 is not blocked").isFalse();
    assertThat(farm.record(farm.core.retry("p1", "ops", farm.now)).done()).isTrue();
    assertThat(farm.pkg("p1").failures()).isZero();
    Lease again = farm.leaseOne("d1");
    assertThat(again.epoch()).isEqualTo(6);
    assertThat(farm.succeed("d1", again).status()).isEqualTo(PackageStatus.SUCCEEDED);
  }

  @Test
  void aSuccessWhoseArtifactFailsValidationIsRecordedAsMissingBinaryNotSuccess() {
    Map<String, String> store = Map.of("p1", "sha256:good");
    ArtifactValidator validator = (pkg, digest) ->
        !store.containsKey(pkg) ? ArtifactCheck.MISSING : store.get(pkg).equals(digest) ? ArtifactCheck.VALID : ArtifactCheck.DIGEST_MISMATCH;
    farm.drone("d1");
    farm.submit("p1");
    Lease l = farm.leaseOne("d1");
    Report bad = new Report("d1", "p1", l.epoch(), Report.Outcome.SUCCESS, "sha256:bad", null);
    ReportAnswer a = farm.record(farm.core.report(bad, validator.check("p1", bad.digest()), farm.now));
    assertThat(a.accepted()).isTrue();
    assertThat(a.recorded()).isEqualTo(Recorded.MISSING_BINARY);
    PackageView p = farm.pkg("p1");
    assertThat(p.status()).isEqualTo(PackageStatus.QUEUED);
    assertThat(p.lastRecorded()).isEqualTo(Recorded.MISSING_BINARY);
    assertThat(p.failures()).isEqualTo(1);
    assertThat(p.digest()).isNull();
    Lease again = farm.leaseOne("d1");
    Report good = new Report("d1", "p1", again.epoch(), Report.Outcome.SUCCESS, "sha256:good", null);
    assertThat(farm.record(farm.core.report(good, validator.check("p1", good.digest()), farm.now)).recorded()).isEqualTo(Recorded.SUCCEEDED);
    assertThat(farm.pkg("p1").digest()).isEqualTo("sha256:good");
    assertThat(ArtifactValidator.digestPresent().check("p1", " ")).isEqualTo(ArtifactCheck.MISSING);
  }

  @Test
  void theReleaseGateRefusesUntilEveryPackageIsValidatedUnlessAnOverrideSaysWhoAndWhy() {
    farm.drone("d1");
    farm.submit("p1", "p2");
    farm.record(farm.core.defineRelease("2026.03", List.of("p1", "p2"), farm.now));
    Lease p1 = farm.leaseOne("d1");
    farm.succeed("d1", p1);
    Lease p2 = farm.leaseOne("d1");
    farm.record(farm.core.report(new Report("d1", "p2", p2.epoch(), Report.Outcome.SUCCESS, "sha256:x", null), ArtifactCheck.MISSING, farm.now));
    PromotionAnswer refused = farm.record(farm.core.promote("2026.03", null, farm.now));
    assertThat(refused.promoted()).isFalse();
    assertThat(refused.notReady()).containsExactly("p2");
    assertThat(farm.journal).noneMatch(e -> e instanceof BuildEvent.ReleasePromoted);
    PromotionAnswer forced = farm.record(farm.core.promote("2026.03", new GateOverride("alice", "p2 ships from the old build"), farm.now));
    assertThat(forced.promoted()).isTrue();
    assertThat(forced.overridden()).isTrue();
    assertThat(farm.journal).filteredOn(e -> e instanceof BuildEvent.ReleasePromoted).singleElement()
        .isEqualTo(new BuildEvent.ReleasePromoted("2026.03", farm.now, true, "alice", "p2 ships from the old build", List.of("p2")));
    assertThat(farm.record(farm.core.defineRelease("2026.03", List.of("p1"), farm.now)).done()).as("a promoted release is frozen").isFalse();
  }

  @Test
  void aReleaseWhosePackagesAllSucceededIsPromotedWithoutOverride() {
    farm.drone("d1");
    farm.submit("p1");
    farm.succeed("d1", farm.leaseOne("d1"));
    farm.record(farm.core.defineRelease("r1", List.of("p1"), farm.now));
    PromotionAnswer a = farm.record(farm.core.promote("r1", null, farm.now));
    assertThat(a.promoted()).isTrue();
    assertThat(a.overridden()).isFalse();
    assertThat(farm.record(farm.core.promote("nope", null, farm.now)).promoted()).isFalse();
    assertThat(farm.record(farm.core.submit("p1", Set.of(), farm.now)).done()).as("ids are unique").isFalse();
  }
}
