package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import dev.warden.core.Warden;
import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.trial.Trials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  @Test
  void routesSampleIsServedByTheNodeAndDescribedInItsOpenApiDocument() throws Exception {
    Config config = ConfigFactory.parseString(
        "warden.data-dir = " + ConfigUtil.quoteString(dir.toString())
            + "\nwarden.http { enabled = on, generate-token = off, port = 0 }\nwarden.jmx.connector.enabled = off");
    try (Warden warden = Warden.start(config, new HttpRoutesExample.MyKind())) {
      String api = warden.httpUrl().orElseThrow() + "/api/v1";
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> mine = client.send(HttpRequest.newBuilder(URI.create(api + "/mine")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(mine.statusCode()).isEqualTo(200);
      assertThat(mine.body()).isEqualTo("{\"n\":1}");
      HttpResponse<String> doc = client.send(HttpRequest.newBuilder(URI.create(api + "/openapi.json")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(doc.body()).contains("\"/mine\"");
    }
  }
}
