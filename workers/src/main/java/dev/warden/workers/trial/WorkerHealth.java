package dev.warden.workers.trial;

import dev.warden.core.KindMetrics;
import dev.warden.core.process.MemoryGuard;
import dev.warden.core.process.MemoryProbe;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One trial worker's memory and age as its {@link MemoryGuard} judges them: the readings (host
 * headroom, the trial tree's RSS), the worker's live figures (its gauges and the tree node's
 * {@link TrialWorker.Info}), the verdict on a stopped trial's grace, and recycling, which starts its age
 * and RSS afresh. Owned by the worker's actor; the gauges read the atomics from other threads.
 */
final class WorkerHealth {
  private static final long MIB = 1L << 20;

  private final String name;
  private final TrialWorker.Settings settings;
  private final MemoryProbe probe;
  private final KindMetrics metrics;
  private final MemoryGuard guard;
  private final AtomicLong rss = new AtomicLong();
  private final AtomicLong startedNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong consecutive = new AtomicLong();

  WorkerHealth(String name, TrialWorker.Settings settings, MemoryProbe probe, KindMetrics metrics) {
    this.name = name;
    this.settings = settings;
    this.probe = probe;
    this.metrics = metrics;
    this.guard = new MemoryGuard(settings.guard());
    metrics.instanceGauge("worker", name, "rss-bytes", rss::get);
    metrics.instanceGauge("worker", name, "age-ms", () -> (System.nanoTime() - startedNanos.get()) / 1_000_000);
    metrics.instanceGauge("worker", name, "consecutive-brakes", consecutive::get);
  }

  MemoryGuard guard() {
    return guard;
  }

  long availableBytes() {
    return probe.availableBytes();
  }

  /** The RSS of the tree under {@code pid}; 0 when it cannot be read. */
  long rssOf(long pid) {
    try {
      return probe.rssBytes(pid);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Due for recycling by age at {@code nowNanos} (checked between trials only). */
  boolean tooOld(long nowNanos) {
    return guard.tooOld(startedNanos.get(), nowNanos);
  }

  /** One reading, judged: {@code treeRss} is 0 before a trial starts. */
  MemoryGuard.Verdict check(long available, long treeRss, long nowNanos) {
    MemoryGuard.Verdict v = guard.check(available, treeRss, nowNanos);
    consecutive.set(guard.consecutiveBrakes());
    return v;
  }

  /**
   * A sample during a stopped trial's SIGTERM grace, judged against the readings at the stop: why its tree
   * under {@code pid} must be SIGKILLed now (it grows past its cap, or host headroom keeps falling), counted
   * as a grace kill; {@code null} while it may keep its grace ({@link MemoryGuard#killDuringGrace}).
   */
  String graceKill(long pid, long rssAtStop, long availableAtStop) {
    long available = availableBytes();
    long now = rssOf(pid);
    rss(now);
    if (!guard.killDuringGrace(rssAtStop, availableAtStop, now, available)) {
      return null;
    }
    metrics.counter("grace-kills").increment();
    return "still growing in its stop grace: RSS " + now / MIB + " MiB (" + rssAtStop / MIB + " at the stop, cap "
        + settings.guard().rssCapBytes() / MIB + "), headroom " + available / MIB + " MiB (" + availableAtStop / MIB
        + " at the stop, safe " + settings.guard().safeHeadroomBytes() / MIB + ")";
  }

  /** The trial tree's latest RSS (0 once it ended). */
  void rss(long treeRss) {
    rss.set(treeRss);
  }

  /** Ten (configurable) brakes in a row: the worker itself is recycled and its brake count starts again. */
  void brakeLimitReached(long available, long workerRss, Logger log, String trial) {
    log.error(
        "trial worker [{}] hit the brake limit: {} consecutive brakes (limit {}), headroom {} MiB < safe {} MiB,"
            + " worker RSS {} MiB, age {} ms: restarting the worker (fresh process, fresh memory)",
        name, guard.consecutiveBrakes(), settings.guard().brakeLimit(), available / MIB,
        settings.guard().safeHeadroomBytes() / MIB, workerRss / MIB, ageMillis());
    recycle(RecycleCause.BRAKE_LIMIT, "brake limit", log, trial);
    guard.workerRestarted();
    consecutive.set(0);
  }

  /** Fresh worker: its processes are stopped (by the caller) and age and brake count start again. */
  void recycle(RecycleCause cause, String detail, Logger log, String trial) {
    metrics.counter(cause.counter()).increment();
    metrics.counter("recycles").increment();
    log.warn("trial worker [{}] recycled: cause={} ({}), after {} ms", name, cause.counter(), detail, ageMillis());
    startedNanos.set(System.nanoTime());
    rss.set(0);
    publish(trial);
  }

  /** The worker's live figures on its tree node: RSS, age, brakes, and the trial in hand ({@code null} when idle). */
  void publish(String trial) {
    settings.info().accept(new TrialWorker.Info(rss.get(), ageMillis(), guard.brakes(), guard.consecutiveBrakes(), trial));
  }

  long ageMillis() {
    return (System.nanoTime() - startedNanos.get()) / 1_000_000;
  }
}
