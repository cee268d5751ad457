package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationLatencyTest {

  @Test
  void recommendationFollowsTheIncidentsRules() {
    ConversationLatency l = new ConversationLatency(100, 10, 1000);
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
    ConversationLatency l = new ConversationLatency(100, 10, 1000);
    for (int i = 0; i < 9; i++) {
      l.record("chat", 200);
    }
    assertThat(l.advice("chat", 120).verdict()).isEqualTo(TimeoutAdvice.Verdict.NO_DATA);
    assertThat(l.advice("unknown", 120).verdict()).isEqualTo(TimeoutAdvice.Verdict.NO_DATA);
  }

  @Test
  void conversationsAreBoundedLeastRecentlyUsedFirstOut() {
    ConversationLatency l = new ConversationLatency(10, 1, 2);
    l.record("a", 1);
    l.record("b", 1);
    l.record("a", 1);
    l.record("c", 1);
    assertThat(l.conversations()).containsExactly("a", "c");
  }
}
