package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.trial.Trials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kind pages' samples run on real nodes and do what their pages say. */
class KindExamplesTest {
  @TempDir Path dir;

  @Test
  void ledgerSampleRunsItsJobThroughAPauseAndResume() throws Exception {
    assertThat(LedgerExample.run(dir.toString())).isEqualTo("resized {...}");
  }

  @Test
  void llmSampleGetsTheModelsAnswer() throws Exception {
    assertThat(LlmExample.run(dir.toString())).isEqualTo("ok");
  }

  @Test
  void trialSampleFindsTheTrialWithTheLowestLoss() throws Exception {
    Trials.Best best = TrialExample.run(dir);
    assertThat(best.params()).containsEntry("lr", "0.01");
    assertThat(best.objective()).isEqualTo(0.01);
    assertThat(Files.readString(Docs.root().resolve("docs/kinds/trial.md"))).as("the page shows the script the test runs")
        .contains(TrialExample.TRAIN_SH);
  }

  @Test
  void graveyardSampleQuarantinesTheStrayParenAndAnswersFromTheRegion() throws Exception {
    GraveyardExample.Answers a = GraveyardExample.run(dir);
    assertThat(a.report().imported()).isEqualTo(5);
    assertThat(a.report().files().get(0).quarantined()).containsEntry(DamageReason.STRAY_CLOSE_PAREN, 1L);
    assertThat(a.summary()).contains("STRAY_CLOSE_PAREN");
    assertThat(a.avoid()).isTrue();
    assertThat(a.match()).isTrue();
  }
}
