package dev.warden.workers.build;

import dev.warden.workers.build.BuildEvent.ActionFinished;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The build kind's decision core: scheduling (leases, prefetch, reclaim, stealing, fencing, blocked
 * packages, the release gate) and self-healing (probes in, ladder out), as plain code driven by
 * (input, time). No actor, no I/O, no clock, no threads: every method takes the instant it runs at,
 * and a {@code now} earlier than one already seen counts as the latest seen. Not thread-safe: one
 * owner (the build actor; a test; a simulation).
 *
 * <p>Methods that can change durable state return a {@link Decision}: the answer and the events
 * already applied here, for the owner to journal before it answers. {@link #replay} rebuilds the
 * same state from them. Heartbeats, probe results and report fencing change only soft state.
 */
public final class BuildControl {
  private final BuildSettings settings;
  private final BuildState state;
  private final Liveness liveness;
  private final Leasing leasing;
  private final Reclaimer reclaimer;
  private final Fencing fencing;
  private final SelfHealing healing;
  private final Operations operations;
  private final Retention retention;
  private final MetricsReader metrics;
  private Instant clock = Instant.EPOCH;
  private boolean alarm;

  private BuildControl(BuildSettings settings, BuildState state) {
    this.settings = settings;
    this.state = state;
    this.liveness = new Liveness(state);
    this.leasing = new Leasing(state, settings);
    this.reclaimer = new Reclaimer(state, settings);
    this.fencing = new Fencing(state, settings);
    this.healing = new SelfHealing(state, settings);
    this.operations = new Operations(state);
    this.retention = new Retention(state, settings);
    this.metrics = new MetricsReader(state, settings, leasing);
  }

  public static BuildControl create(BuildSettings settings) {
    return new BuildControl(settings, new BuildState());
  }

  /**
   * A core rebuilt from its journaled events, as after a control-plane restart at {@code now}: every
   * drone counts as just seen (nothing is reclaimed before a drone could have heartbeated again) and
   * as not yet heartbeating (none donates work before it says what it builds).
   */
  public static BuildControl replay(BuildSettings settings, Iterable<BuildEvent> history, Instant now) {
    return replay(settings, null, history, now);
  }

  /** As {@link #replay(BuildSettings, Iterable, Instant)}, from a {@link #snapshot()} (null: none) and the events after it. */
  public static BuildControl replay(BuildSettings settings, BuildSnapshot from, Iterable<BuildEvent> since, Instant now) {
    BuildControl c = recovering(settings, from);
    for (BuildEvent e : since) {
      c.replayed(e);
    }
    c.resume(now);
    return c;
  }

  /** A core being recovered: from {@code from} (null: empty), then {@link #replayed} events, then {@link #resume}. */
  static BuildControl recovering(BuildSettings settings, BuildSnapshot from) {
    return new BuildControl(settings, from == null ? new BuildState() : BuildSnapshots.restore(from));
  }

  /** Applies one journaled event during a recovery. */
  void replayed(BuildEvent e) {
    state.apply(e);
  }

  /** Ends a recovery at {@code now}: every drone just seen and not yet heartbeating, every lease just named. */
  void resume(Instant now) {
    clock = now;
    for (DroneState d : state.drones.values()) {
      d.lastSeen = now;
      d.heartbeatSeen = false;
      for (String id : d.leases) {
        state.packages.get(id).lastNamed = now;
      }
    }
  }

  /** The durable state as an immutable value, for the owner's snapshot store; {@link #replay} reads it back. */
  public BuildSnapshot snapshot() {
    return BuildSnapshots.of(state);
  }

  public BuildSettings settings() {
    return settings;
  }

  // ---- drones

  /**
   * Registers (or re-registers) a drone. Its leases missing from {@code holding} are reclaimed at once
   * (DRONE_RESTARTED); the answer's stop list names what it holds that is no longer its own.
   */
  public Decision<HeartbeatAnswer> register(Registration r, Instant now) {
    now = advance(now);
    List<BuildEvent> events = liveness.register(r, now);
    apply(events);
    return new Decision<>(new HeartbeatAnswer(true, liveness.stops(state.drones.get(r.droneId()), r.holding(), now)), events);
  }

  /** Liveness and what the drone does: refreshes what it names, and tells it to stop what it no longer holds. */
  public HeartbeatAnswer heartbeat(Heartbeat hb, Instant now) {
    return liveness.heartbeat(hb, advance(now));
  }

  /** Up to {@code wanted} leases within the prefetch cap; an idle drone with an empty queue may steal. */
  public Decision<LeaseAnswer> lease(String droneId, int wanted, Instant now) {
    now = advance(now);
    DroneState d = state.drones.get(droneId);
    if (d == null) {
      return Decision.of(LeaseAnswer.unknown());
    }
    d.lastSeen = now;
    if (d.paused) {
      return Decision.of(new LeaseAnswer(true, true, List.of()));
    }
    List<BuildEvent> events = leasing.lease(d, wanted, now);
    apply(events);
    return new Decision<>(new LeaseAnswer(true, false, Leasing.leases(events)), events);
  }

  /**
   * The answer to {@code r} without recording it, when it is stale or a duplicate; empty when it is
   * for its sender's current lease (validate the artifact, then {@link #report}).
   */
  public Optional<ReportAnswer> fence(Report r) {
    return Optional.ofNullable(fencing.fence(r));
  }

  /**
   * Records a report of the sender's current lease, fenced again here; {@code artifact} is the host
   * validator's verdict on a success (null counts as MISSING), ignored on a failure.
   */
  public Decision<ReportAnswer> report(Report r, ArtifactCheck artifact, Instant now) {
    now = advance(now);
    DroneState d = state.drones.get(r.droneId());
    if (d != null) {
      d.lastSeen = now;
    }
    return apply(fencing.report(r, artifact, now));
  }

  /** Reclaims by the rules of {@link Reclaimer}, and judges the not-started alarm. */
  public Decision<TickAnswer> tick(Instant now) {
    now = advance(now);
    List<BuildEvent> events = reclaimer.tick(now);
    apply(events);
    var median = MetricsReader.median(metrics.notStartedAges(now));
    boolean raise = median.compareTo(settings.notStartedAlarm()) >= 0;
    TickAnswer.Alarm change = raise == alarm ? TickAnswer.Alarm.UNCHANGED : raise ? TickAnswer.Alarm.RAISED : TickAnswer.Alarm.CLEARED;
    alarm = raise;
    return new Decision<>(new TickAnswer(change, median), events);
  }

  /** Forgets finished state by the rules of {@link Retention}; the answer is the event, null when nothing was due. */
  public Decision<BuildEvent.Forgotten> sweep(Instant now) {
    BuildEvent.Forgotten f = retention.sweep(advance(now));
    if (f == null) {
      return Decision.of(null);
    }
    f.drones().forEach(healing::forget);
    return apply(new Decision<>(f, List.of(f)));
  }

  // ---- self-healing

  public Decision<HealingVerdict> probe(ProbeResult r, Instant now) {
    return apply(healing.probe(r, advance(now)));
  }

  /** The action of {@code level} on the drone finished; {@code ran} false when it could not run or failed. */
  public Decision<Ack> actionFinished(String droneId, EscalationLevel level, boolean ran, Instant now) {
    now = advance(now);
    DroneState d = state.drones.get(droneId);
    if (d == null || d.level != level || !d.awaitingAction) {
      return Decision.of(Ack.refused("drone [" + droneId + "] awaits no " + level + " action"));
    }
    return apply(new Decision<>(Ack.ok(), List.of(new ActionFinished(droneId, now, level, ran))));
  }

  // ---- host and operators

  /** Queues a package; {@code requires} are capabilities its drone must have. */
  public Decision<Ack> submit(String packageId, Set<String> requires, Instant now) {
    return apply(operations.submit(packageId, requires, advance(now)));
  }

  /** Queues a BLOCKED package again with a fresh failure count. */
  public Decision<Ack> retry(String packageId, String by, Instant now) {
    return apply(operations.retry(packageId, by, advance(now)));
  }

  /** Takes a lease back (reclaim cause OPERATOR); the holder's report for it will be stale. */
  public Decision<Ack> revoke(String packageId, String by, Instant now) {
    return apply(operations.revoke(packageId, by, advance(now)));
  }

  /** A paused drone gets no leases and its probes are not counted; it keeps what it holds. */
  public Decision<Ack> pause(String droneId, String by, Instant now) {
    healing.forget(droneId);
    return apply(operations.pause(droneId, true, by, advance(now)));
  }

  public Decision<Ack> resume(String droneId, String by, Instant now) {
    return apply(operations.pause(droneId, false, by, advance(now)));
  }

  public Decision<Ack> defineRelease(String name, List<String> packages, Instant now) {
    return apply(operations.defineRelease(name, packages, advance(now)));
  }

  /** Refused while a package is not validated-succeeded, unless {@code override} (null: none) says who and why. */
  public Decision<PromotionAnswer> promote(String name, GateOverride override, Instant now) {
    return apply(operations.promote(name, override, advance(now)));
  }

  // ---- views

  public Optional<PackageView> packageView(String packageId) {
    return Optional.ofNullable(state.packages.get(packageId)).map(PackageView::of);
  }

  public Optional<DroneView> droneView(String droneId, Instant now) {
    return Optional.ofNullable(state.drones.get(droneId)).map(d -> metrics.drone(d, now));
  }

  /** True when {@code droneId} holds {@code lease} as the package's current lease (what a report of it would need). */
  public boolean holds(String droneId, LeaseRef lease) {
    PackageState p = state.packages.get(lease.packageId());
    return p != null && p.heldBy(droneId, lease.epoch());
  }

  public List<String> droneIds() {
    return List.copyOf(state.drones.keySet());
  }

  /** Packages waiting for a drone. */
  public int queued() {
    return state.queue.size();
  }

  /** The ages of leases not started held by drones with a fresh heartbeat, shortest first. */
  List<java.time.Duration> notStartedAges(Instant now) {
    return metrics.notStartedAges(now);
  }

  public BuildMetrics metrics(Instant now) {
    return metrics.metrics(now, alarm);
  }

  // ---- internals

  private Instant advance(Instant now) {
    if (now.isAfter(clock)) {
      clock = now;
    }
    return clock;
  }

  private void apply(List<BuildEvent> events) {
    for (BuildEvent e : events) {
      state.apply(e);
    }
  }

  private <A> Decision<A> apply(Decision<A> d) {
    apply(d.events());
    return d;
  }
}
