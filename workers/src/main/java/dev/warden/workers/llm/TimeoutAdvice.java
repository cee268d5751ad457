package dev.warden.workers.llm;

/**
 * A timeout recommendation for one conversation, computed live (the incident's daily
 * {@code v_timeout_recommendations} view): suggested = ceil(p99 × 1.5) seconds; TOO_LOW when the
 * configured timeout is below it, TOO_HIGH when above twice it, NO_DATA below the sample minimum,
 * else OK. Calls reaped at the timeout are right-censored samples: when, over at least the sample
 * minimum of recent outcomes, more than the threshold share of calls were reaped, the advice is
 * TOO_LOW with the reap rate and suggests at least 1.5 × the configured timeout, even with no
 * completed sample at all.
 */
public record TimeoutAdvice(String conversation, int samples, long p50Millis, long p95Millis, long p99Millis,
    long configuredSeconds, long suggestedSeconds, Verdict verdict, int reaped, double reapRate) {

  public enum Verdict {
    NO_DATA,
    TOO_LOW,
    TOO_HIGH,
    OK
  }

  public static final double FACTOR = 1.5;

  /** Advice from completed samples only (no call reaped). */
  public static TimeoutAdvice of(String conversation, int samples, long p50, long p95, long p99,
      long configuredSeconds, int minSamples) {
    return of(conversation, samples, p50, p95, p99, configuredSeconds, minSamples, samples, 0, 1);
  }

  /**
   * @param outcomes recent calls (completed, failed or reaped at the timeout)
   * @param reaped how many of them were reaped at the timeout
   * @param reapRateThreshold share of reaped outcomes above which the timeout is TOO_LOW
   */
  public static TimeoutAdvice of(String conversation, int samples, long p50, long p95, long p99,
      long configuredSeconds, int minSamples, int outcomes, int reaped, double reapRateThreshold) {
    long suggested = (long) Math.ceil(p99 * FACTOR / 1000.0);
    double reapRate = outcomes == 0 ? 0 : (double) reaped / outcomes;
    Verdict v;
    if (reaped > 0 && outcomes >= minSamples && reapRate > reapRateThreshold) {
      v = Verdict.TOO_LOW;
      suggested = Math.max(Math.max(suggested, (long) Math.ceil(configuredSeconds * FACTOR)), configuredSeconds + 1);
    } else if (samples < minSamples) {
      v = Verdict.NO_DATA;
    } else if (configuredSeconds < suggested) {
      v = Verdict.TOO_LOW;
    } else if (configuredSeconds > 2 * suggested) {
      v = Verdict.TOO_HIGH;
    } else {
      v = Verdict.OK;
    }
    return new TimeoutAdvice(conversation, samples, p50, p95, p99, configuredSeconds, suggested, v, reaped, reapRate);
  }
}
