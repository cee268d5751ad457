package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.Escalated;
import dev.warden.workers.build.BuildEvent.HealingCleared;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Probe results in, escalation ladder out. Escalates only when one probe failed
 * warden.build.healing.failures times in a row over at least warden.build.healing.window; while the
 * drone's heartbeat is fresh only failures the drone itself reported (ERROR) count, not a probe that
 * timed out or could not connect (the probe's path is broken, not the drone). A level fires only
 * after the previous level's cooldown, and the ladder climbs only when the previous action ran and
 * the failures came back after it; reboot is refused for bare-metal and unknown machines (alert
 * instead); paused drones are skipped; a pass of every failing probe clears the ladder.
 */
final class SelfHealing {
  private final BuildState state;
  private final BuildSettings settings;
  /** Per drone, per probe name (sorted, so the probe named in a reason is always the same). */
  private final Map<String, TreeMap<String, ProbeStreak>> streaks = new HashMap<>();

  SelfHealing(BuildState state, BuildSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  Decision<HealingVerdict> probe(ProbeResult r, Instant now) {
    DroneState d = state.drones.get(r.droneId());
    if (d == null) {
      return Decision.of(HealingVerdict.of(HealingVerdict.Kind.UNKNOWN_DRONE, "drone [" + r.droneId() + "] is not registered"));
    }
    if (d.paused) {
      return Decision.of(HealingVerdict.of(HealingVerdict.Kind.PAUSED, "drone [" + d.id + "] is paused"));
    }
    TreeMap<String, ProbeStreak> mine = streaks.computeIfAbsent(d.id, k -> new TreeMap<>());
    mine.computeIfAbsent(r.probe(), k -> new ProbeStreak()).record(r.outcome(), now);
    if (r.outcome() == ProbeOutcome.PASS) {
      if (d.level != null && mine.values().stream().noneMatch(s -> s.failing)) {
        return new Decision<>(
            HealingVerdict.of(HealingVerdict.Kind.CLEARED, "probe [" + r.probe() + "] passed"), List.of(new HealingCleared(d.id, now)));
      }
      return Decision.of(HealingVerdict.of(HealingVerdict.Kind.NONE, "pass"));
    }
    if (!r.outcome().failure()) {
      return Decision.of(HealingVerdict.of(HealingVerdict.Kind.NONE, "warning: counts unchanged"));
    }
    return escalate(d, mine, now);
  }

  /** Forgets the counts of a paused drone: probes of a drone under maintenance say nothing. */
  void forget(String droneId) {
    streaks.remove(droneId);
  }

  private Decision<HealingVerdict> escalate(DroneState d, TreeMap<String, ProbeStreak> mine, Instant now) {
    int n = settings.probeFailures();
    Duration window = settings.probeWindow();
    boolean fresh = d.fresh(now, settings);
    String trigger = null;
    ProbeStreak suppressed = null;
    for (Map.Entry<String, ProbeStreak> e : mine.entrySet()) {
      ProbeStreak s = e.getValue();
      if (fresh ? s.reportedSustained(n, window, now) : s.sustained(n, window, now)) {
        trigger = e.getKey();
        break;
      }
      if (fresh && s.sustained(n, window, now) && suppressed == null) {
        suppressed = s;
      }
    }
    if (trigger == null) {
      if (suppressed != null) {
        if (!suppressed.suppressionCounted) {
          suppressed.suppressionCounted = true;
          state.counters.suppressedEscalations++;
        }
        return Decision.of(HealingVerdict.of(HealingVerdict.Kind.SUPPRESSED,
            "probe failures " + suppressed.last + " while the heartbeat is fresh (" + d.silence(now).toSeconds() + " s old)"));
      }
      return Decision.of(HealingVerdict.of(HealingVerdict.Kind.NONE, "failures not sustained yet"));
    }
    if (d.level != null && now.isBefore(d.levelAt.plus(settings.rung(d.level).cooldown()))) {
      return Decision.of(HealingVerdict.of(
          d.awaitingAction ? HealingVerdict.Kind.AWAITING_ACTION : HealingVerdict.Kind.COOLING_DOWN, "after " + d.level + " at " + d.levelAt));
    }
    // An action still unanswered after its cooldown did not run as far as the ladder knows: repeat it.
    EscalationLevel level = d.level == null ? EscalationLevel.RESTART_SERVICE : !d.awaitingAction && d.lastRan ? d.level.next() : d.level;
    EscalationLevel refused = null;
    if (level == EscalationLevel.REBOOT && !d.machine.mayReboot()) {
      refused = level;
      level = EscalationLevel.ALERT;
    }
    ProbeStreak s = mine.get(trigger);
    String reason = "probe [" + trigger + "] failed " + s.failures + " times since " + s.since + " (last " + s.last + "), heartbeat "
        + (fresh ? "fresh" : d.silence(now).toSeconds() + " s old")
        + (refused == null ? "" : "; reboot refused for a " + d.machine.wire() + " machine");
    mine.values().forEach(ProbeStreak::restartCount);
    Escalated e = new Escalated(d.id, now, level, refused, reason);
    return new Decision<>(new HealingVerdict(HealingVerdict.Kind.ESCALATED, level, reason), List.of(e));
  }
}
