package dev.warden.workers.llm;

/**
 * A timeout recommendation for one conversation, computed live (the incident's daily
 * {@code v_timeout_recommendations} view): suggested = ceil(p99 × 1.5) seconds; TOO_LOW when the
 * configured timeout is below it, TOO_HIGH when above twice it, NO_DATA below the sample minimum,
 * else OK.
 */
public record TimeoutAdvice(String conversation, int samples, long p50Millis, long p95Millis, long p99Millis,
    long configuredSeconds, long suggestedSeconds, Verdict verdict) {

  public enum Verdict {
    NO_DATA,
    TOO_LOW,
    TOO_HIGH,
    OK
  }

  public static final double FACTOR = 1.5;

  public static TimeoutAdvice of(String conversation, int samples, long p50, long p95, long p99,
      long configuredSeconds, int minSamples) {
    long suggested = (long) Math.ceil(p99 * FACTOR / 1000.0);
    Verdict v;
    if (samples < minSamples) {
      v = Verdict.NO_DATA;
    } else if (configuredSeconds < suggested) {
      v = Verdict.TOO_LOW;
    } else if (configuredSeconds > 2 * suggested) {
      v = Verdict.TOO_HIGH;
    } else {
      v = Verdict.OK;
    }
    return new TimeoutAdvice(conversation, samples, p50, p95, p99, configuredSeconds, suggested, v);
  }
}
