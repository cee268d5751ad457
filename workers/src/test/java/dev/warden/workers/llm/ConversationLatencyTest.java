package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationLatencyTest {

  @Test
  void recommendationFollowsTheIncidentsRules() {
    ConversationLatency l = new ConversationLatency(100, 10, 0.05, 1000);
    for (int i = 1; i <= 100; i++) {
      l.record("extract", i * 100L); // 0.1 s .. 10 s: p99 = 9.9 s, suggested ceil(14.85) = 15 s
    }
    assertThat(l.advice("extract", 10).suggestedSeconds()).isEqualTo(15);
    assertThat(l.advice("extract", 10).verdict()).isEqualTo(TimeoutAdvice.Verdict.TOO_LOW);
    assertThat(l.advice("extract", 15).verdict()).isEqualTo(TimeoutAdvice.Verdict.OK);
    assertThat(l.advice("extract", 30).verdict()).isEqualTo(TimeoutAdvice.Verdict.OK);
    assertThat(l.advice("extract", 31).verdict()).isEqualTo(TimeoutAdvice.Verdict.TOO_HIGH);
    assertThat(l.advice("extract", 15).p50Millis()).isEqualTo(5000);
  }

  @Test
  void fewSamplesGiveNoData() {
    ConversationLatency l = new ConversationLatency(100, 10, 0.05, 1000);
    for (int i = 0; i < 9; i++) {
      l.record("chat", 200);
    }
    assertThat(l.advice("chat", 120).verdict()).isEqualTo(TimeoutAdvice.Verdict.NO_DATA);
    assertThat(l.advice("unknown", 120).verdict()).isEqualTo(TimeoutAdvice.Verdict.NO_DATA);
  }

  @Test
  void conversationsAreBoundedLeastRecentlyUsedFirstOut() {
    ConversationLatency l = new ConversationLatency(10, 1, 0.05, 2);
    l.record("a", 1);
    l.record("b", 1);
    l.record("a", 1);
    l.record("c", 1);
    assertThat(l.conversations()).containsExactly("a", "c");
  }

  @Test
  void aConversationWhoseEveryCallIsReapedIsAdvisedTooLowWithItsReapRate() {
    ConversationLatency l = new ConversationLatency(100, 10, 0.05, 1000);
    for (int i = 0; i < 9; i++) {
      l.recordReaped("pdf-extract");
    }
    assertThat(l.advice("pdf-extract", 120).verdict()).as("9 outcomes, fewer than min-samples").isEqualTo(TimeoutAdvice.Verdict.NO_DATA);
    l.recordReaped("pdf-extract");
    TimeoutAdvice a = l.advice("pdf-extract", 120);
    assertThat(a.samples()).isZero();
    assertThat(a.verdict()).isEqualTo(TimeoutAdvice.Verdict.TOO_LOW);
    assertThat(a.reaped()).isEqualTo(10);
    assertThat(a.reapRate()).isEqualTo(1.0);
    assertThat(a.suggestedSeconds()).as("at least 1.5 x the timeout that cut every call").isEqualTo(180);
  }

  @Test
  void reapsAboveTheThresholdShareOutweighFastCompletedCallsAndAgeOutOfTheWindow() {
    ConversationLatency l = new ConversationLatency(20, 10, 0.05, 1000);
    for (int i = 0; i < 18; i++) {
      l.record("chat", 1000);
    }
    l.recordReaped("chat");
    assertThat(l.advice("chat", 30).verdict()).as("1 of 19 reaped (5.3 %%) is above 5 %%").isEqualTo(TimeoutAdvice.Verdict.TOO_LOW);
    assertThat(l.advice("chat", 30).suggestedSeconds()).isEqualTo(45);
    for (int i = 0; i < 20; i++) {
      l.record("chat", 1000);
    }
    TimeoutAdvice later = l.advice("chat", 30);
    assertThat(later.reaped()).as("the reap fell out of the 20-outcome window").isZero();
    assertThat(later.verdict()).isEqualTo(TimeoutAdvice.Verdict.TOO_HIGH);
  }
}
