package dev.warden.workers.build;

import dev.warden.core.KindContext;
import dev.warden.core.WardenSerializable;
import dev.warden.workers.build.BuildEvent.Escalated;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The build kind's one writer: the {@link BuildControl} decision core inside an event-sourced actor. Every
 * decision's events are journaled as one {@link Decided} row before the answer goes out. Every
 * {@code warden.build.service.snapshot-every} rows the whole core is saved as a {@link BuildSnapshot}, so a
 * recovery reads the newest snapshot and replays only the rows after it into the core (the revoked attempts
 * included); events are never deleted. Timers drive the core's time: a tick
 * ({@code warden.build.service.tick-interval}) reclaims and judges the not-started alarm and publishes the
 * figures; a probe round ({@code warden.build.healing.probe-interval}) runs every probe of every unpaused drone
 * off the actor's thread ({@link BlockingWork}), as artifact validation and ladder commands do; a sweep
 * ({@code warden.build.retention.sweep-interval}) forgets finished state.
 */
public final class ControlPlane extends EventSourcedBehavior<ControlPlane.Command, ControlPlane.Decided, ControlCore> {

  /** The kind's protocol; {@link Builds} is the way in. */
  public sealed interface Command
      permits Register, Beat, Lease, Report, Validated, Submit, Operate, Promote, Read, ProbeDone, ActionDone, Tick, ProbeRound,
          Sweep {}

  record Register(Registration registration, ActorRef<HeartbeatAnswer> replyTo) implements Command {}

  record Beat(Heartbeat heartbeat, ActorRef<HeartbeatAnswer> replyTo) implements Command {}

  record Lease(String droneId, int wanted, ActorRef<LeaseAnswer> replyTo) implements Command {}

  record Report(dev.warden.workers.build.Report report, ActorRef<ReportAnswer> replyTo) implements Command {}

  record Submit(String packageId, Set<String> requires, ActorRef<Ack> replyTo) implements Command {}

  /** An operator's or host's command that answers an {@link Ack} (retry, revoke, pause, resume, define a release). */
  record Operate(Function<Instant, Function<BuildControl, Decision<Ack>>> op, ActorRef<Ack> replyTo) implements Command {}

  record Promote(String release, GateOverride override, ActorRef<PromotionAnswer> replyTo) implements Command {}

  /** Reads the core (views, figures); {@code read} must not change it. */
  record Read<T>(Function<Instant, Function<BuildControl, T>> read, ActorRef<T> replyTo) implements Command {}

  private record Validated(dev.warden.workers.build.Report report, ArtifactCheck check, ActorRef<ReportAnswer> replyTo) implements Command {}

  private record ProbeDone(ProbeResult result) implements Command {}

  private record ActionDone(String droneId, EscalationLevel level, boolean ran) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum ProbeRound implements Command { INSTANCE }

  private enum Sweep implements Command { INSTANCE }

  /** One decision's events: one journal row. */
  public record Decided(List<BuildEvent> events) implements WardenSerializable {
    public Decided {
      events = List.copyOf(events);
    }
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final BuildSettings settings;
  private final ServiceSettings service;
  private final Clock clock;
  private final ArtifactValidator validator;
  private final List<DroneProbe> probes;
  private final BuildStats stats;
  private final BlockingWork blocking;
  private final ChangeLog log;
  private final Set<String> probing = new HashSet<>();

  static Behavior<Command> create(KindContext kind, BuildSettings settings, ServiceSettings service, Clock clock,
      ArtifactValidator validator, List<DroneProbe> probes, BuildStats stats) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ControlPlane(ctx, timers, kind, settings, service, clock, validator, probes, stats)));
  }

  private ControlPlane(ActorContext<Command> ctx, TimerScheduler<Command> timers, KindContext kind, BuildSettings settings,
      ServiceSettings service, Clock clock, ArtifactValidator validator, List<DroneProbe> probes, BuildStats stats) {
    super(PersistenceId.ofUniqueId(service.persistenceId()));
    ctx.setLoggerName(ControlPlane.class);
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.service = service;
    this.clock = clock;
    this.validator = validator;
    this.probes = List.copyOf(probes);
    this.stats = stats;
    this.blocking = new BlockingWork(settings, service, ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
    this.log = new ChangeLog(ctx.getLog(), kind.metrics());
  }

  @Override
  public ControlCore emptyState() {
    return ControlCore.empty(settings);
  }

  @Override
  public CommandHandler<Command, Decided, ControlCore> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Beat.class, this::onBeat)
        .onCommand(Lease.class, (s, c) -> record(s.control.lease(c.droneId(), c.wanted(), now()), c.replyTo()))
        .onCommand(Report.class, this::onReport)
        .onCommand(Validated.class, this::onValidated)
        .onCommand(Submit.class, (s, c) -> checked(() -> s.control.submit(c.packageId(), c.requires(), now()), c.replyTo()))
        .onCommand(Operate.class, (s, c) -> checked(() -> c.op().apply(now()).apply(s.control), c.replyTo()))
        .onCommand(Promote.class, this::onPromote)
        .onCommand(Read.class, this::onRead)
        .onCommand(ProbeDone.class, this::onProbeDone)
        .onCommand(ActionDone.class, this::onActionDone)
        .onCommand(Tick.class, (s, c) -> onTick(s))
        .onCommand(ProbeRound.class, (s, c) -> onProbeRound(s))
        .onCommand(Sweep.class, (s, c) -> persist(s.control.sweep(now()).events()))
        .build();
  }

  /** Events are applied by the core as it decides; only a recovery applies journaled rows here. */
  @Override
  public EventHandler<ControlCore, Decided> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ControlCore::replayed);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(service.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<ControlCore> snapshotAdapter() {
    return ControlCore.snapshots(settings);
  }

  @Override
  public SignalHandler<ControlCore> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (core, s) -> onRecovered(core))
        .onSignal(SnapshotCompleted.class, (core, s) -> stats.snapshotSaved(s.metadata().sequenceNr()))
        .onSignal(SnapshotFailed.class, (core, s) -> log.snapshotFailed(s.metadata().sequenceNr(), s.failure()))
        .build();
  }

  private void onRecovered(ControlCore core) {
    Instant now = now();
    core.resume(now);
    log.recovered(service.persistenceId(), core.fromSnapshot(), core.replayedRows(), core.control, core.control.metrics(now));
    stats.recovered(core.fromSnapshot(), core.replayedRows());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, service.tickInterval());
    timers.startTimerWithFixedDelay(ProbeRound.INSTANCE, settings.probeInterval());
    timers.startTimerWithFixedDelay(Sweep.INSTANCE, settings.retention().sweepInterval());
    stats.publish(core.control, now);
  }

  // ---- drones

  private Effect<Decided, ControlCore> onRegister(ControlCore s, Register c) {
    Decision<HeartbeatAnswer> d = s.control.register(c.registration(), now());
    log.registered(c.registration());
    return record(d, c.replyTo());
  }

  private Effect<Decided, ControlCore> onBeat(ControlCore s, Beat c) {
    c.replyTo().tell(s.control.heartbeat(c.heartbeat(), now()));
    return Effect().none();
  }

  private Effect<Decided, ControlCore> onReport(ControlCore s, Report c) {
    dev.warden.workers.build.Report r = c.report();
    var fenced = s.control.fence(r);
    if (fenced.isPresent()) {
      log.refused(r, fenced.get());
      c.replyTo().tell(fenced.get());
      return Effect().none();
    }
    if (r.outcome() == dev.warden.workers.build.Report.Outcome.FAILURE) {
      return record(s.control.report(r, null, now()), c.replyTo());
    }
    ctx.pipeToSelf(blocking.validate(validator, r), (check, err) -> {
      if (err != null) {
        log.validatorFailed(r, err);
      }
      return new Validated(r, err == null ? check : ArtifactCheck.MISSING, c.replyTo());
    });
    return Effect().none();
  }

  private Effect<Decided, ControlCore> onValidated(ControlCore s, Validated c) {
    Decision<ReportAnswer> d = s.control.report(c.report(), c.check(), now());
    if (!d.answer().accepted()) {
      log.refused(c.report(), d.answer());
    }
    return record(d, c.replyTo());
  }

  // ---- operators

  private Effect<Decided, ControlCore> onPromote(ControlCore s, Promote c) {
    Decision<PromotionAnswer> d = s.control.promote(c.release(), c.override(), now());
    if (!d.events().isEmpty()) {
      log.promoted(c.release(), c.override(), d.answer());
    }
    return record(d, c.replyTo());
  }

  @SuppressWarnings("unchecked")
  private Effect<Decided, ControlCore> onRead(ControlCore s, Read<?> c) {
    Read<Object> r = (Read<Object>) c;
    r.replyTo().tell(r.read().apply(now()).apply(s.control));
    return Effect().none();
  }

  // ---- time

  private Effect<Decided, ControlCore> onTick(ControlCore s) {
    Instant now = now();
    Decision<TickAnswer> d = s.control.tick(now);
    log.alarm(d.answer(), settings.notStartedAlarm());
    stats.publish(s.control, now);
    return persist(d.events());
  }

  private Effect<Decided, ControlCore> onProbeRound(ControlCore s) {
    Instant now = now();
    for (String drone : s.control.droneIds()) {
      boolean paused = s.control.droneView(drone, now).map(DroneView::paused).orElse(true);
      for (DroneProbe p : paused ? List.<DroneProbe>of() : probes) {
        String key = drone + "\n" + p.name();
        if (probing.add(key)) {
          ctx.pipeToSelf(blocking.probe(drone, p), (result, err) -> {
            probing.remove(key);
            return new ProbeDone(result);
          });
        }
      }
    }
    return Effect().none();
  }

  private Effect<Decided, ControlCore> onProbeDone(ControlCore s, ProbeDone c) {
    Decision<HealingVerdict> d = s.control.probe(c.result(), now());
    log.probed(c.result(), d.answer());
    for (BuildEvent e : d.events()) {
      if (e instanceof Escalated x) {
        runAction(x.droneId(), x.level());
      }
    }
    return persist(d.events());
  }

  private void runAction(String drone, EscalationLevel level) {
    List<String> argv = settings.rung(level).commandFor(drone);
    if (argv.isEmpty()) {
      ctx.getSelf().tell(new ActionDone(drone, level, true));
      return;
    }
    ctx.pipeToSelf(blocking.action(argv), (ran, err) -> new ActionDone(drone, level, err == null && Boolean.TRUE.equals(ran)));
  }

  private Effect<Decided, ControlCore> onActionDone(ControlCore s, ActionDone c) {
    Decision<Ack> d = s.control.actionFinished(c.droneId(), c.level(), c.ran(), now());
    if (d.answer().done()) {
      log.actionDone(c.droneId(), c.level(), c.ran());
    }
    return persist(d.events());
  }

  /** An operator's command whose argument the core refuses (a bad id) is answered refused; the actor stays up. */
  private Effect<Decided, ControlCore> checked(Supplier<Decision<Ack>> decide, ActorRef<Ack> replyTo) {
    Decision<Ack> d;
    try {
      d = decide.get();
    } catch (IllegalArgumentException e) {
      d = Decision.of(Ack.refused(e.getMessage()));
    }
    return record(d, replyTo);
  }

  // ---- journaling

  private <A> Effect<Decided, ControlCore> record(Decision<A> d, ActorRef<A> replyTo) {
    if (d.events().isEmpty()) {
      replyTo.tell(d.answer());
      return Effect().none();
    }
    return persist(d.events()).thenRun(core -> replyTo.tell(d.answer()));
  }

  /** Journals one decision's events as one row (none: nothing), logging each change first. */
  private EffectBuilder<Decided, ControlCore> persist(List<BuildEvent> events) {
    if (events.isEmpty()) {
      return Effect().none();
    }
    events.forEach(log::changed);
    return Effect().persist(new Decided(events));
  }

  private Instant now() {
    return clock.instant();
  }
}
