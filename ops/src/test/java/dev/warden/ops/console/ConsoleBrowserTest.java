package dev.warden.ops.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.process.MemoryProbe;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.JobHandler;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.persistence.ledger.RetryPolicy;
import dev.warden.workers.demo.Flaky;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.llm.LlmKind;
import dev.warden.workers.trial.TrialKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (headless Chromium from Debian's packages) against a real node
 * with every kind, on an H2 file, its HTTP server on a free loopback port. Skipped with one line
 * when Chromium or chromedriver is missing.
 */
class ConsoleBrowserTest {
  private static final List<String> KINDS = List.of("checkpointer", "flaky", "graveyard", "ledger", "llm", "trial");
  /** A job id as hostile as a job id can be: the page must show it as text. */
  private static final String HOSTILE_ID = "hang <img src=x onerror=\"window.pwned=1\"> & 'q'";

  @TempDir static Path dir;
  private static Warden warden;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() {
    browser = HeadlessChromium.start(dir.resolve("chromium-profile"), 1280, 900);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class); // the tree is redrawn at every snapshot
    warden = Warden.start(ConfigFactory.parseString(
            "warden.node-name = console\nwarden.data-dir = \"" + dir.resolve("data") + "\"\nwarden.jmx.enabled = off\n"
                + "warden.http { enabled = on, generate-token = off, port = 0 }\n"
                + "warden.ledger { partitions = 2, reaper.tick = 100ms }\n"
                + "warden.trial { workers = 1, stop-grace = 300ms }\n"
                + "warden.supervision.kinds.flaky { max-restarts = 5, within = 30s, backoff.min = 50ms, backoff.max = 100ms }\n"),
        LedgerKind.create(), CheckpointerKind.create(), GraveyardKind.create(), TrialKind.create(MemoryProbe.proc()),
        LlmKind.create(), Flaky.create());
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (warden != null) {
      warden.close();
    }
  }

  @Test
  void theTreeShowsEveryKindAndACrashRaisesTheRestartCountWithoutAReload() {
    long t0 = System.nanoTime();
    browser.get(warden.httpUrl().orElseThrow() + "/");
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-tree", "rendered"));
    Object rendered = browser.executeScript("return window.wardenConsole.treeRenderedMs");
    System.out.printf("console first page load: navigation start -> tree rendered %.0f ms (driver round trip %d ms)%n",
        ((Number) rendered).doubleValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    for (String kind : KINDS) {
      assertThat(wait.<String>until(d -> row("/warden/" + kind).getText())).as("tree row of kind " + kind).contains(kind);
    }
    assertThat(wait.<String>until(d -> restarts("/warden/flaky"))).isEqualTo("0");
    browser.executeScript("window.notReloaded = true");

    warden.<Flaky.Command>kind(Flaky.NAME).tell(new Flaky.Process("poison-1"));

    wait.until(d -> "1".equals(restarts("/warden/flaky")));
    wait.until(d -> row("/warden/flaky").getText().contains("RUNNING"));
    assertThat(browser.executeScript("return window.notReloaded")).as("the page was not reloaded").isEqualTo(true);
    wait.until(d -> row("/warden/flaky").findElement(By.className("failure")).getText().contains("corrupt input [poison-1]"));
    assertThat(wait.<String>until(d -> restarts("/warden/ledger"))).isEqualTo("0");
  }

  @Test
  void aReapedJobsPageShowsReapedTheNextAttemptAndTheLateResultAndItsIdAsText() throws Exception {
    JobLedger ledger = JobLedger.of(warden);
    CompletableFuture<String> late = new CompletableFuture<>();
    JobHandler hangsOnce = (payload, ctx) ->
        ctx.attempt() == 1 ? late : CompletableFuture.completedFuture("<b>second try</b>");
    RetryPolicy quick = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO, 0);
    ledger.register(new JobType("hangs", hangsOnce,
        JobPolicy.defaults().withStartToClose(Duration.ofMillis(300)).withRetry(quick)));
    ledger.submit("hangs", HOSTILE_ID, "<script>window.pwned=2</script>").toCompletableFuture().get(10, TimeUnit.SECONDS);
    ledger.result(HOSTILE_ID).toCompletableFuture().get(20, TimeUnit.SECONDS);
    late.complete("the first attempt, after it was reaped");

    browser.get(warden.httpUrl().orElseThrow() + "/#/jobs");
    // the table is redrawn when the ledger's counters change: a stale link is found again and clicked again
    String linkText = wait.until(d -> {
      WebElement link = d.findElement(By.cssSelector("#jobs a"));
      String text = link.getText();
      link.click();
      return text;
    });
    assertThat(linkText).isEqualTo(HOSTILE_ID);

    wait.until(ExpectedConditions.textToBe(By.id("job-status"), "SUCCEEDED"));
    List<String> events = wait.until(d -> events().contains("StaleReport#1") ? events() : null);
    assertThat(events).containsSubsequence(
        "Submitted", "Started#1", "Reaped#1", "RetryScheduled", "Started#2", "Succeeded#2", "StaleReport#1");
    assertThat(browser.findElement(By.id("job-id")).getText()).isEqualTo(HOSTILE_ID);
    assertThat(browser.findElements(By.cssSelector("main img"))).as("no markup from a job id").isEmpty();
    assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }

  private static WebElement row(String path) {
    return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tree tr[data-path='" + path + "']")));
  }

  private static String restarts(String path) {
    return row(path).findElement(By.className("restarts")).getText();
  }

  private static List<String> events() {
    return browser.findElements(By.cssSelector("#timeline li")).stream().map(e -> e.getAttribute("data-event")).toList();
  }
}
