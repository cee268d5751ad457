package dev.warden.workers.llm;

import javax.management.ConstructorParameters;

/**
 * One conversation's row on JMX ({@link LlmMXBean#getConversations()}): rolling latency of its
 * completed and failed attempts, its configured timeout and the advice. An open-type composite.
 */
public final class ConversationStats {
  private final String conversation;
  private final int samples;
  private final long p50Millis;
  private final long p95Millis;
  private final long p99Millis;
  private final long configuredSeconds;
  private final long suggestedSeconds;
  private final String verdict;
  private final int reaped;
  private final double reapRate;

  @ConstructorParameters({"conversation", "samples", "p50Millis", "p95Millis", "p99Millis", "configuredSeconds", "suggestedSeconds",
      "verdict", "reaped", "reapRate"})
  public ConversationStats(String conversation, int samples, long p50Millis, long p95Millis, long p99Millis,
      long configuredSeconds, long suggestedSeconds, String verdict, int reaped, double reapRate) {
    this.conversation = conversation;
    this.samples = samples;
    this.p50Millis = p50Millis;
    this.p95Millis = p95Millis;
    this.p99Millis = p99Millis;
    this.configuredSeconds = configuredSeconds;
    this.suggestedSeconds = suggestedSeconds;
    this.verdict = verdict;
    this.reaped = reaped;
    this.reapRate = reapRate;
  }

  static ConversationStats of(TimeoutAdvice a) {
    return new ConversationStats(a.conversation(), a.samples(), a.p50Millis(), a.p95Millis(), a.p99Millis(),
        a.configuredSeconds(), a.suggestedSeconds(), a.verdict().name(), a.reaped(), a.reapRate());
  }

  public String getConversation() {
    return conversation;
  }

  public int getSamples() {
    return samples;
  }

  public long getP50Millis() {
    return p50Millis;
  }

  public long getP95Millis() {
    return p95Millis;
  }

  public long getP99Millis() {
    return p99Millis;
  }

  public long getConfiguredSeconds() {
    return configuredSeconds;
  }

  public long getSuggestedSeconds() {
    return suggestedSeconds;
  }

  /** NO_DATA, TOO_LOW, TOO_HIGH or OK; see {@link TimeoutAdvice}. */
  public String getVerdict() {
    return verdict;
  }

  /** Recent calls reaped at the start-to-close timeout (right-censored: no latency sample). */
  public int getReaped() {
    return reaped;
  }

  /** Share of recent calls (completed, failed or reaped) reaped at the timeout, 0..1. */
  public double getReapRate() {
    return reapRate;
  }

  @Override
  public String toString() {
    return conversation + " n=" + samples + " p50=" + p50Millis + "ms p95=" + p95Millis + "ms p99=" + p99Millis
        + "ms timeout=" + configuredSeconds + "s suggested=" + suggestedSeconds + "s " + verdict
        + (reaped == 0 ? "" : " reaped=" + reaped + " (" + Math.round(reapRate * 100) + "%)");
  }
}
