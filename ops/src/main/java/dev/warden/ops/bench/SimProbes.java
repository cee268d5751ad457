package dev.warden.ops.bench;

import dev.warden.workers.build.BuildControl;
import dev.warden.workers.build.Decision;
import dev.warden.workers.build.HealingVerdict;
import dev.warden.workers.build.ProbeOutcome;
import dev.warden.workers.build.ProbeResult;
import java.util.Map;
import java.util.Random;

/**
 * The simulated farm's self-healing: every drone's ssh and health probes as the core hears them (ssh times
 * out on the asymmetric drones though they are fine; health warns on disk-filling drones and fails on sick
 * ones), escalations counted by what the drone really was, the ladder's action "run" at once; and, for the
 * baseline, the incident's rule (3 failed ssh probes escalate, heartbeat or not).
 */
final class SimProbes {
  private final BuildControl core;
  private final Random rnd;
  private final SimTally tally;
  private final Map<String, SimDrone> byId;
  long escalationsHealthy, escalationsSick, escalationsUnreachable, naiveEscalationsHealthy;

  SimProbes(BuildControl core, Random rnd, SimTally tally, Map<String, SimDrone> byId) {
    this.core = core;
    this.rnd = rnd;
    this.tally = tally;
    this.byId = byId;
  }

  void probe(SimDrone d, long now) {
    ProbeOutcome ssh = !d.reachable() ? ProbeOutcome.UNREACHABLE : d.asymmetric ? ProbeOutcome.TIMEOUT : ProbeOutcome.PASS;
    ProbeOutcome health = !d.reachable() ? ProbeOutcome.TIMEOUT
        : ProbeOutcome.worst(d.diskWarnings && rnd.nextBoolean() ? ProbeOutcome.WARNING : ProbeOutcome.PASS, d.sick(now) ? ProbeOutcome.ERROR : ProbeOutcome.PASS);
    probe(d, "ssh", ssh, now);
    probe(d, "health", health, now);
    // the incident's rule, for the baseline's figure: 3 failed ssh probes in a row, whatever the heartbeat says
    if (ssh.failure() && ++d.naiveFailures >= 3) {
      d.naiveFailures = 0;
      naiveEscalationsHealthy += d.reachable() && !d.sick(now) ? 1 : 0;
    } else if (!ssh.failure()) {
      d.naiveFailures = 0;
    }
  }

  private void probe(SimDrone d, String name, ProbeOutcome o, long now) {
    HealingVerdict v = record(core.probe(new ProbeResult(d.id, name, o, null), BuildSimulation.at(now)), now);
    if (v.kind() == HealingVerdict.Kind.ESCALATED) {
      if (!d.reachable()) {
        escalationsUnreachable++;
      } else if (d.sick(now)) {
        escalationsSick++;
        d.sickUntil = now; // the restart freed the memory
      } else {
        escalationsHealthy++;
      }
      record(core.actionFinished(d.id, v.level(), d.reachable(), BuildSimulation.at(now)), now);
    }
  }

  private <A> A record(Decision<A> d, long now) {
    tally.events(d.events(), now, byId);
    return d.answer();
  }
}
