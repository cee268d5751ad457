package dev.warden.workers.build;

import dev.warden.core.KindContext;
import dev.warden.core.WardenSerializable;
import dev.warden.workers.build.BuildEvent.ActionFinished;
import dev.warden.workers.build.BuildEvent.Escalated;
import dev.warden.workers.build.BuildEvent.HealingCleared;
import dev.warden.workers.build.BuildEvent.LeaseReclaimed;
import dev.warden.workers.build.BuildEvent.LeaseStolen;
import dev.warden.workers.build.BuildEvent.ReportAccepted;
import java.io.File;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The build kind's one writer: the {@link BuildControl} decision core inside an event-sourced actor. Every
 * decision's events are journaled as one {@link Decided} row before the answer goes out; recovery collects
 * the rows and rebuilds the core with {@link BuildControl#replay} (the revoked attempts included). Timers drive
 * the core's time: a tick ({@code warden.build.service.tick-interval}) reclaims and judges the not-started
 * alarm and publishes the figures; a probe round ({@code warden.build.healing.probe-interval}) runs every probe
 * of every unpaused drone off the actor's thread. Artifact validation and ladder commands run off it too.
 */
public final class ControlPlane extends EventSourcedBehavior<ControlPlane.Command, ControlPlane.Decided, ControlPlane.Core> {

  /** The kind's protocol; {@link Builds} is the way in. */
  public sealed interface Command
      permits Register, Beat, Lease, Report, Validated, Submit, Operate, Promote, Read, ProbeDone, ActionDone, Tick, ProbeRound {}

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

  /** One decision's events: one journal row. */
  public record Decided(List<BuildEvent> events) implements WardenSerializable {
    public Decided {
      events = List.copyOf(events);
    }
  }

  /** The core once recovered; until then the events replayed so far. */
  static final class Core {
    BuildControl control;
    final List<BuildEvent> replayed = new ArrayList<>();
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final KindContext kind;
  private final BuildSettings settings;
  private final ServiceSettings service;
  private final Clock clock;
  private final ArtifactValidator validator;
  private final List<DroneProbe> probes;
  private final BuildStats stats;
  private final Executor blocking;
  private final Set<String> probing = new HashSet<>();
  private final Map<String, HealingVerdict.Kind> lastVerdict = new HashMap<>();

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
    this.kind = kind;
    this.settings = settings;
    this.service = service;
    this.clock = clock;
    this.validator = validator;
    this.probes = List.copyOf(probes);
    this.stats = stats;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Core emptyState() {
    return new Core();
  }

  @Override
  public CommandHandler<Command, Decided, Core> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Beat.class, this::onBeat)
        .onCommand(Lease.class, this::onLease)
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
        .build();
  }

  /** Events are applied by the core as it decides; only a recovery collects them, for {@link BuildControl#replay}. */
  @Override
  public EventHandler<Core, Decided> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((core, e) -> {
      if (core.control == null) {
        core.replayed.addAll(e.events());
      }
      return core;
    });
  }

  @Override
  public SignalHandler<Core> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.class, (core, s) -> onRecovered(core)).build();
  }

  private void onRecovered(Core core) {
    core.control = BuildControl.replay(settings, core.replayed, now());
    Instant now = now();
    BuildMetrics m = core.control.metrics(now);
    ctx.getLog().info("build control plane [{}] recovered from [{}] events: [{}] drones, [{}] queued, [{}] leased, [{}] succeeded,"
            + " [{}] blocked, [{}] revoked attempts kept for fencing", service.persistenceId(), core.replayed.size(),
        core.control.droneIds().size(), m.queued(), m.leased(), m.succeeded(), m.blocked(), m.reclaimsTotal() + m.steals());
    core.replayed.clear();
    timers.startTimerWithFixedDelay(Tick.INSTANCE, service.tickInterval());
    timers.startTimerWithFixedDelay(ProbeRound.INSTANCE, settings.probeInterval());
    stats.publish(core.control, now);
  }

  // ---- drones

  private Effect<Decided, Core> onRegister(Core s, Register c) {
    Decision<HeartbeatAnswer> d = s.control.register(c.registration(), now());
    Registration r = c.registration();
    ctx.getLog().info("drone [{}] registered: [{}] cores, [{}], capabilities {}, holding [{}] lease(s)", r.droneId(), r.cores(),
        r.machine(), r.capabilities(), r.holding().size());
    return record(d, c.replyTo());
  }

  private Effect<Decided, Core> onBeat(Core s, Beat c) {
    c.replyTo().tell(s.control.heartbeat(c.heartbeat(), now()));
    return Effect().none();
  }

  private Effect<Decided, Core> onLease(Core s, Lease c) {
    return record(s.control.lease(c.droneId(), c.wanted(), now()), c.replyTo());
  }

  private Effect<Decided, Core> onReport(Core s, Report c) {
    dev.warden.workers.build.Report r = c.report();
    var fenced = s.control.fence(r);
    if (fenced.isPresent()) {
      noticeRefused(r, fenced.get());
      c.replyTo().tell(fenced.get());
      return Effect().none();
    }
    if (r.outcome() == dev.warden.workers.build.Report.Outcome.FAILURE) {
      return record(s.control.report(r, null, now()), c.replyTo());
    }
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> validator.check(r.packageId(), r.digest()), blocking),
        (check, err) -> {
          if (err != null) {
            ctx.getLog().warn("artifact validator failed on package [{}] attempt [{}]: counted as MISSING", r.packageId(), r.epoch(), err);
          }
          return new Validated(r, err == null ? check : ArtifactCheck.MISSING, c.replyTo());
        });
    return Effect().none();
  }

  private Effect<Decided, Core> onValidated(Core s, Validated c) {
    Decision<ReportAnswer> d = s.control.report(c.report(), c.check(), now());
    if (!d.answer().accepted()) {
      noticeRefused(c.report(), d.answer());
    }
    return record(d, c.replyTo());
  }

  private void noticeRefused(dev.warden.workers.build.Report r, ReportAnswer a) {
    if (a.stale()) {
      kind.metrics().counter("reports.stale").increment();
    }
    if (a.firstNotice()) {
      ctx.getLog().info("report of package [{}] attempt [{}] from drone [{}] {}", r.packageId(), r.epoch(), r.droneId(),
          a.stale() ? "is stale: stop_work, reassigned to [" + a.reassignedTo() + "]" : "is a duplicate: changed nothing");
    }
  }

  // ---- operators

  private Effect<Decided, Core> onPromote(Core s, Promote c) {
    Decision<PromotionAnswer> d = s.control.promote(c.release(), c.override(), now());
    if (!d.events().isEmpty()) {
      PromotionAnswer a = d.answer();
      if (a.overridden()) {
        ctx.getLog().warn("release [{}] promoted by override of [{}] with [{}] package(s) not validated-succeeded {}: {}", c.release(),
            c.override().by(), a.notReady().size(), a.notReady(), c.override().why());
      } else {
        ctx.getLog().info("release [{}] promoted: every package validated-succeeded", c.release());
      }
    }
    return record(d, c.replyTo());
  }

  @SuppressWarnings("unchecked")
  private Effect<Decided, Core> onRead(Core s, Read<?> c) {
    Read<Object> r = (Read<Object>) c;
    r.replyTo().tell(r.read().apply(now()).apply(s.control));
    return Effect().none();
  }

  // ---- time

  private Effect<Decided, Core> onTick(Core s) {
    Instant now = now();
    Decision<TickAnswer> d = s.control.tick(now);
    switch (d.answer().alarm()) {
      case RAISED -> ctx.getLog().warn("builds: median assigned-not-started age [{}] passed warden.build.not-started-alarm [{}]"
          + " while heartbeats are healthy", d.answer().notStartedMedian(), settings.notStartedAlarm());
      case CLEARED -> ctx.getLog().info("builds: median assigned-not-started age back to [{}], alarm cleared", d.answer().notStartedMedian());
      default -> { }
    }
    stats.publish(s.control, now);
    return d.events().isEmpty() ? Effect().none() : persist(d.events());
  }

  private Effect<Decided, Core> onProbeRound(Core s) {
    Instant now = now();
    for (String drone : s.control.droneIds()) {
      boolean paused = s.control.droneView(drone, now).map(DroneView::paused).orElse(true);
      for (DroneProbe p : paused ? List.<DroneProbe>of() : probes) {
        String key = drone + "\n" + p.name();
        if (probing.add(key)) {
          runProbe(drone, p, key);
        }
      }
    }
    return Effect().none();
  }

  private void runProbe(String drone, DroneProbe p, String key) {
    long timeout = settings.probeTimeout().toMillis();
    CompletableFuture<ProbeOutcome> run = CompletableFuture.supplyAsync(() -> {
      try {
        return p.probe(drone, settings.probeTimeout());
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking).orTimeout(timeout + 1000, TimeUnit.MILLISECONDS);
    ctx.pipeToSelf(run, (outcome, err) -> {
      probing.remove(key);
      if (err == null) {
        return new ProbeDone(new ProbeResult(drone, p.name(), outcome == null ? ProbeOutcome.UNREACHABLE : outcome, null));
      }
      Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
      return new ProbeDone(new ProbeResult(drone, p.name(), cause instanceof TimeoutException ? ProbeOutcome.TIMEOUT : ProbeOutcome.UNREACHABLE,
          String.valueOf(cause.getMessage())));
    });
  }

  private Effect<Decided, Core> onProbeDone(Core s, ProbeDone c) {
    ProbeResult r = c.result();
    Decision<HealingVerdict> d = s.control.probe(r, now());
    HealingVerdict v = d.answer();
    HealingVerdict.Kind before = lastVerdict.put(r.droneId() + "\n" + r.probe(), v.kind());
    if (v.kind() == HealingVerdict.Kind.SUPPRESSED && before != HealingVerdict.Kind.SUPPRESSED) {
      kind.metrics().counter("escalations.suppressed").increment();
      ctx.getLog().info("drone [{}] probe [{}] fails ({}), but its heartbeat is fresh: not escalated", r.droneId(), r.probe(), r.outcome());
    }
    for (BuildEvent e : d.events()) {
      if (e instanceof Escalated x) {
        kind.metrics().counter("escalations." + x.level().name().toLowerCase()).increment();
        ctx.getLog().warn("drone [{}] escalated to [{}]{}: {}", x.droneId(), x.level(),
            x.refused() == null ? "" : " (" + x.refused() + " refused for this machine)", x.reason());
        runAction(x.droneId(), x.level());
      } else if (e instanceof HealingCleared h) {
        ctx.getLog().info("drone [{}] probes pass again: escalation ladder cleared", h.droneId());
      }
    }
    return d.events().isEmpty() ? Effect().none() : persist(d.events());
  }

  private void runAction(String drone, EscalationLevel level) {
    List<String> argv = settings.rung(level).commandFor(drone);
    if (argv.isEmpty()) {
      ctx.getSelf().tell(new ActionDone(drone, level, true));
      return;
    }
    CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> {
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
        if (!p.waitFor(service.actionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          return false;
        }
        return p.exitValue() == 0;
      } catch (Exception e) {
        return false;
      }
    }, blocking);
    ctx.pipeToSelf(run, (ran, err) -> new ActionDone(drone, level, err == null && Boolean.TRUE.equals(ran)));
  }

  private Effect<Decided, Core> onActionDone(Core s, ActionDone c) {
    Decision<Ack> d = s.control.actionFinished(c.droneId(), c.level(), c.ran(), now());
    if (d.answer().done()) {
      ctx.getLog().info("drone [{}] action [{}] {}", c.droneId(), c.level(), c.ran() ? "ran" : "did not run (it will be repeated)");
    }
    return d.events().isEmpty() ? Effect().none() : persist(d.events());
  }

  /** An operator's command whose argument the core refuses (a bad id) is answered refused; the actor stays up. */
  private Effect<Decided, Core> checked(java.util.function.Supplier<Decision<Ack>> decide, ActorRef<Ack> replyTo) {
    Decision<Ack> d;
    try {
      d = decide.get();
    } catch (IllegalArgumentException e) {
      d = Decision.of(Ack.refused(e.getMessage()));
    }
    return record(d, replyTo);
  }

  // ---- journaling

  private <A> Effect<Decided, Core> record(Decision<A> d, ActorRef<A> replyTo) {
    if (d.events().isEmpty()) {
      replyTo.tell(d.answer());
      return Effect().none();
    }
    return persist(d.events()).thenRun(core -> replyTo.tell(d.answer()));
  }

  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Decided, Core> persist(List<BuildEvent> events) {
    for (BuildEvent e : events) {
      logChange(e);
    }
    return Effect().persist(new Decided(events));
  }

  /** One line per change that an operator would want to see; grants and accepted successes are counted, not logged. */
  private void logChange(BuildEvent e) {
    if (e instanceof LeaseReclaimed r) {
      kind.metrics().counter("reclaims." + r.cause().name().toLowerCase()).increment();
      ctx.getLog().info("package [{}] attempt [{}] reclaimed from drone [{}]: {}", r.packageId(), r.epoch(), r.droneId(), r.cause());
    } else if (e instanceof LeaseStolen st) {
      ctx.getLog().info("package [{}] attempt [{}] stolen from drone [{}] by drone [{}] as attempt [{}]", st.packageId(), st.fromEpoch(),
          st.fromDrone(), st.droneId(), st.epoch());
    } else if (e instanceof ReportAccepted a) {
      kind.metrics().counter("reports." + a.recorded().name().toLowerCase()).increment();
      if (a.recorded() != Recorded.SUCCEEDED || a.status() == PackageStatus.BLOCKED) {
        ctx.getLog().info("package [{}] attempt [{}] by drone [{}]: {}, now {}{}", a.packageId(), a.epoch(), a.droneId(), a.recorded(),
            a.status(), a.detail() == null ? "" : " (" + a.detail() + ")");
      }
    } else if (e instanceof ActionFinished) {
      // logged by onActionDone
    }
  }

  private Instant now() {
    return clock.instant();
  }
}
