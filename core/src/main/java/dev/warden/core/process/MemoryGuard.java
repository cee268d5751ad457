package dev.warden.core.process;

import dev.warden.core.ConfigReader;
import java.time.Duration;

/**
 * The memory guard of one worker (the trial incident's fix, first-class): checked before each
 * job starts and on a timer while it runs. Not thread-safe: owned by the worker's actor.
 *
 * <ul>
 *   <li><b>Brake</b>: host headroom below {@code safeHeadroom} stops the running job; a braked
 *       attempt is its own kind of outcome, not a normal failure.
 *   <li><b>Brake limit</b>: {@code brakeLimit} consecutive brakes restart the worker itself
 *       (fresh process, fresh memory), because braking jobs cannot free memory the worker holds.
 *   <li><b>Reset</b>: the consecutive count resets once headroom has stayed safe for {@code safeWindow}.
 *   <li><b>RSS cap</b>: a worker whose resident memory exceeds {@code rssCap} is recycled now.
 *   <li><b>Age</b>: a worker older than {@code maxAge} is recycled between jobs, never mid-job.
 *   <li><b>No grace to grow in</b>: while a stopped job has its SIGTERM grace, the worker keeps
 *       sampling (every {@link #graceCheckInterval}); a tree over its cap that grows more than
 *       {@code graceGrowthAllowance} since the stop, or host headroom under safe that falls more
 *       than that since the stop, is SIGKILLed at once ({@link #killDuringGrace}). A polite process
 *       that stops growing and exits still gets its whole grace.
 * </ul>
 */
public final class MemoryGuard {

  public record Settings(long safeHeadroomBytes, int brakeLimit, Duration safeWindow, long rssCapBytes,
      Duration maxAge, Duration checkInterval, long graceGrowthAllowanceBytes) {

    /** Reads {@code warden.memory-guard}-shaped settings under {@code r}. */
    public static Settings read(ConfigReader r) {
      return new Settings(
          positiveBytes(r, "safe-headroom"),
          r.intAtLeast("brake-limit", 1),
          r.positiveDuration("safe-window"),
          positiveBytes(r, "worker-rss-cap"),
          r.positiveDuration("worker-max-age"),
          r.positiveDuration("check-interval"),
          r.bytes("grace-growth-allowance"));  // a size: never negative
    }

    private static long positiveBytes(ConfigReader r, String key) {
      long v = r.bytes(key);
      if (v <= 0) {
        throw r.bad(key, "must be > 0", null);
      }
      return v;
    }
  }

  /** What the worker must do now. */
  public enum Verdict {
    OK,
    /** Stop the running job (or do not start one): the host is short of memory. */
    BRAKE,
    /** Brake limit reached: restart the worker itself. */
    RESTART_WORKER,
    /** The worker's RSS is over its cap: recycle it now, even mid-job. */
    RECYCLE_RSS
  }

  private final Settings settings;
  private int consecutiveBrakes;
  private long brakes;
  private long safeSinceNanos = -1;

  public MemoryGuard(Settings settings) {
    this.settings = settings;
  }

  /**
   * Decides on one reading. {@code availableBytes} is host headroom, {@code workerRss} the
   * worker's resident memory, {@code nowNanos} a monotonic clock (System.nanoTime in production).
   */
  public Verdict check(long availableBytes, long workerRss, long nowNanos) {
    if (workerRss > settings.rssCapBytes()) {
      return Verdict.RECYCLE_RSS;
    }
    if (availableBytes >= 0 && availableBytes < settings.safeHeadroomBytes()) {
      safeSinceNanos = -1;
      brakes++;
      consecutiveBrakes++;
      if (consecutiveBrakes >= settings.brakeLimit()) {
        return Verdict.RESTART_WORKER;
      }
      return Verdict.BRAKE;
    }
    if (safeSinceNanos < 0) {
      safeSinceNanos = nowNanos;
    } else if (consecutiveBrakes > 0 && nowNanos - safeSinceNanos >= settings.safeWindow().toNanos()) {
      consecutiveBrakes = 0;
    }
    return Verdict.OK;
  }

  /**
   * During the stop grace of a job: true when its tree must be SIGKILLed now rather than at the end
   * of the grace, because it makes things worse while being stopped. Readings at the stop and now:
   * tree RSS, and host headroom ({@code -1} when unknown).
   */
  public boolean killDuringGrace(long rssAtStop, long availableAtStop, long rssNow, long availableNow) {
    long allowance = settings.graceGrowthAllowanceBytes();
    if (rssNow > settings.rssCapBytes() && rssNow - rssAtStop > allowance) {
      return true;
    }
    return availableNow >= 0 && availableAtStop >= 0 && availableNow < settings.safeHeadroomBytes()
        && availableAtStop - availableNow > allowance;
  }

  /** How often a job's memory is sampled during its stop grace: a quarter of the check interval (at least 10 ms). */
  public java.time.Duration graceCheckInterval() {
    return java.time.Duration.ofMillis(Math.max(10, settings.checkInterval().toMillis() / 4));
  }

  /** Call after the worker was restarted for the brake limit: the count starts again. */
  public void workerRestarted() {
    consecutiveBrakes = 0;
  }

  /** True when a worker started at {@code startedNanos} is due for recycling by age (between jobs). */
  public boolean tooOld(long startedNanos, long nowNanos) {
    return nowNanos - startedNanos >= settings.maxAge().toNanos();
  }

  public int consecutiveBrakes() {
    return consecutiveBrakes;
  }

  public long brakes() {
    return brakes;
  }

  public Settings settings() {
    return settings;
  }
}
