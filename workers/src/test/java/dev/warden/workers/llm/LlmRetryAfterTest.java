package dev.warden.workers.llm;

import static dev.warden.workers.llm.FakeModelServer.answer;
import static dev.warden.workers.llm.FakeModelServer.retryAfter;
import static dev.warden.workers.llm.LlmNode.await;
import static dev.warden.workers.llm.LlmNode.events;
import static dev.warden.workers.llm.LlmNode.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 429 or 503 with Retry-After delays the retry by what the server asked (seconds or an HTTP
 * date), bounded by {@code warden.llm.retry.max-retry-after}; the node's retry backoff is zero,
 * so any wait seen here is the server's.
 */
class LlmRetryAfterTest {
  @TempDir Path dir;
  private final FakeModelServer server = FakeModelServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  /** In the slow class (20 s): a first call in a cold JVM on a busy machine must fail with its 429, not be reaped. */
  private Interaction ask(String model) {
    return Interaction.of("busy", ModelCall.chat(ModelApi.OLLAMA_CHAT, server.uri(), model, List.of(new ChatMessage("user", "hi"))))
        .withTimeoutClass("slow");
  }

  /** Milliseconds between the model's first and second request. */
  private long gap(String model) {
    List<Long> t = server.requestTimes(model);
    assertThat(t).as("requests of %s", model).hasSize(2);
    return t.get(1) - t.get(0);
  }

  @Test
  void retryAfterInSecondsOrAsAnHttpDateIsHonouredUpToTheConfiguredMaximumAndCountsAsARetry() {
    server.script("seconds", retryAfter(429, "2"), answer("after two seconds"));
    server.script("date", (ex, s) -> retryAfter(503, DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(Instant.now().plusSeconds(3), ZoneOffset.UTC))).serve(ex, s), answer("after the date"));
    server.script("greedy", retryAfter(429, "30"), answer("after the maximum"));
    try (Warden warden = LlmNode.start(dir, "warden.llm.retry.max-retry-after = 2500ms\n")) {
      Llm llm = Llm.of(warden);
      for (String model : List.of("seconds", "date", "greedy")) {
        await(llm.submit(model, ask(model), null));
      }
      assertThat(await(llm.result("seconds"))).isEqualTo("after two seconds");
      assertThat(await(llm.result("date"))).isEqualTo("after the date");
      assertThat(await(llm.result("greedy"))).isEqualTo("after the maximum");

      assertThat(gap("seconds")).as("Retry-After: 2").isGreaterThanOrEqualTo(2000);
      assertThat(gap("date")).as("Retry-After: an HTTP date 3 s ahead (whole seconds, so at least 2 s)").isGreaterThanOrEqualTo(2000);
      assertThat(gap("greedy")).as("Retry-After: 30, bounded by max-retry-after 2.5 s").isBetween(2500L, 10_000L);
      for (String model : List.of("seconds", "date", "greedy")) {
        assertThat(names(llm, model)).as("a retry like any other")
            .containsExactly("Submitted", "Started#1", "Failed#1", "RetryScheduled", "Started#2", "Completed#2", "Succeeded");
      }
      JobEvent.Failed failed = events(llm, "seconds", JobEvent.Failed.class).get(0);
      JobEvent.RetryScheduled retry = events(llm, "seconds", JobEvent.RetryScheduled.class).get(0);
      assertThat(retry.notBefore() - failed.at()).isGreaterThanOrEqualTo(2000);
      assertThat(failed.cause()).contains("HTTP 429").contains("Retry-After: 2");
      assertThat(events(llm, "greedy", JobEvent.Failed.class).get(0).cause()).contains("warden.llm.retry.max-retry-after");
    }
  }

  @Test
  void retryAfterValuesAreReadAsSecondsOrHttpDatesAndAnythingElseIsIgnored() {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    assertThat(RetryAfterHeader.parse("2", now)).contains(Duration.ofSeconds(2));
    assertThat(RetryAfterHeader.parse(" 120 ", now)).contains(Duration.ofMinutes(2));
    assertThat(RetryAfterHeader.parse("Sun, 06 Dec 2026 12:00:05 GMT", now)).contains(Duration.ofSeconds(5));
    assertThat(RetryAfterHeader.parse("Sun, 06 Dec 2026 11:00:00 GMT", now)).as("a date in the past: no wait").contains(Duration.ZERO);
    assertThat(RetryAfterHeader.parse("99999999999999999999", now)).as("absurd: cut, no overflow").contains(Duration.ofDays(366));
    assertThat(RetryAfterHeader.parse("soon", now)).isEmpty();
    assertThat(RetryAfterHeader.parse("-5", now)).isEmpty();
    assertThat(RetryAfterHeader.parse(null, now)).isEmpty();
  }
}
