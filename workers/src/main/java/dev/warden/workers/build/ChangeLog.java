package dev.warden.workers.build;

import dev.warden.core.KindMetrics;
import dev.warden.workers.build.BuildEvent.Escalated;
import dev.warden.workers.build.BuildEvent.Forgotten;
import dev.warden.workers.build.BuildEvent.HealingCleared;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import dev.warden.workers.build.BuildEvent.LeaseStolen;
import dev.warden.workers.build.BuildEvent.ReportAccepted;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The control plane's log lines and counters: one line per change an operator would want to see (grants and
 * accepted successes are counted, not logged), a stale or duplicate report once, a suppressed escalation once
 * per run; nothing per tick. Runs on the actor's thread.
 */
final class ChangeLog {
  private final Logger log;
  private final KindMetrics metrics;
  private final Map<String, HealingVerdict.Kind> lastVerdict = new HashMap<>();

  ChangeLog(Logger log, KindMetrics metrics) {
    this.log = log;
    this.metrics = metrics;
  }

  void recovered(String persistenceId, boolean fromSnapshot, long rows, BuildControl control, BuildMetrics m) {
    log.info("build control plane [{}] recovered from {}[{}] journal rows: [{}] drones, [{}] queued, [{}] leased, [{}] succeeded,"
            + " [{}] blocked, [{}] revoked attempts kept for fencing", persistenceId, fromSnapshot ? "a snapshot and " : "", rows,
        control.droneIds().size(), m.queued(), m.leased(), m.succeeded(), m.blocked(), m.reclaimsTotal() + m.steals());
  }

  void snapshotFailed(long row, Throwable failure) {
    log.warn("build control plane: snapshot at journal row [{}] failed (the previous one still bounds the next recovery)", row, failure);
  }

  void registered(Registration r) {
    log.info("drone [{}] registered: [{}] cores, [{}], capabilities {}, holding [{}] lease(s)", r.droneId(), r.cores(), r.machine(),
        r.capabilities(), r.holding().size());
  }

  void refused(Report r, ReportAnswer a) {
    if (a.stale()) {
      metrics.counter("reports.stale").increment();
    }
    if (a.firstNotice()) {
      log.info("report of package [{}] attempt [{}] from drone [{}] {}", r.packageId(), r.epoch(), r.droneId(),
          a.stale() ? "is stale: stop_work, reassigned to [" + a.reassignedTo() + "]" : "is a duplicate: changed nothing");
    }
  }

  void validatorFailed(Report r, Throwable err) {
    log.warn("artifact validator failed on package [{}] attempt [{}]: counted as MISSING", r.packageId(), r.epoch(), err);
  }

  void promoted(String release, GateOverride override, PromotionAnswer a) {
    if (a.overridden()) {
      log.warn("release [{}] promoted by override of [{}] with [{}] package(s) not validated-succeeded {}: {}", release, override.by(),
          a.notReady().size(), a.notReady(), override.why());
    } else {
      log.info("release [{}] promoted: every package validated-succeeded", release);
    }
  }

  void alarm(TickAnswer a, Duration threshold) {
    switch (a.alarm()) {
      case RAISED -> log.warn("builds: median assigned-not-started age [{}] passed warden.build.not-started-alarm [{}]"
          + " while heartbeats are healthy", a.notStartedMedian(), threshold);
      case CLEARED -> log.info("builds: median assigned-not-started age back to [{}], alarm cleared", a.notStartedMedian());
      default -> { }
    }
  }

  /** Counts and logs a suppressed escalation once per run of failures of the probe. */
  void probed(ProbeResult r, HealingVerdict v) {
    HealingVerdict.Kind before = lastVerdict.put(r.droneId() + "\n" + r.probe(), v.kind());
    if (v.kind() == HealingVerdict.Kind.SUPPRESSED && before != HealingVerdict.Kind.SUPPRESSED) {
      metrics.counter("escalations.suppressed").increment();
      log.info("drone [{}] probe [{}] fails ({}), but its heartbeat is fresh: not escalated", r.droneId(), r.probe(), r.outcome());
    }
  }

  void actionDone(String drone, EscalationLevel level, boolean ran) {
    log.info("drone [{}] action [{}] {}", drone, level, ran ? "ran" : "did not run (it will be repeated)");
  }

  /** One line per change that an operator would want to see; grants and accepted successes are counted, not logged. */
  void changed(BuildEvent e) {
    if (e instanceof LeaseReclaimed r) {
      metrics.counter("reclaims." + r.cause().name().toLowerCase()).increment();
      log.info("package [{}] attempt [{}] reclaimed from drone [{}]: {}", r.packageId(), r.epoch(), r.droneId(), r.cause());
    } else if (e instanceof LeaseStolen st) {
      log.info("package [{}] attempt [{}] stolen from drone [{}] by drone [{}] as attempt [{}]", st.packageId(), st.fromEpoch(),
          st.fromDrone(), st.droneId(), st.epoch());
    } else if (e instanceof ReportAccepted a) {
      metrics.counter("reports." + a.recorded().name().toLowerCase()).increment();
      if (a.recorded() != Recorded.SUCCEEDED || a.status() == PackageStatus.BLOCKED) {
        log.info("package [{}] attempt [{}] by drone [{}]: {}, now {}{}", a.packageId(), a.epoch(), a.droneId(), a.recorded(),
            a.status(), a.detail() == null ? "" : " (" + a.detail() + ")");
      }
    } else if (e instanceof Escalated x) {
      metrics.counter("escalations." + x.level().name().toLowerCase()).increment();
      log.warn("drone [{}] escalated to [{}]{}: {}", x.droneId(), x.level(),
          x.refused() == null ? "" : " (" + x.refused() + " refused for this machine)", x.reason());
    } else if (e instanceof HealingCleared h) {
      log.info("drone [{}] probes pass again: escalation ladder cleared", h.droneId());
    } else if (e instanceof Forgotten f) {
      int attempts = f.attemptsFrom().size();
      log.info("build retention forgot [{}] finished package(s), old attempts of [{}] package(s), [{}] gone drone(s) {},"
          + " [{}] promoted release(s) {}", f.packages().size(), attempts, f.drones().size(), f.drones(), f.releases().size(), f.releases());
      lastVerdict.keySet().removeIf(k -> f.drones().contains(k.substring(0, k.indexOf('\n'))));
    }
  }
}
