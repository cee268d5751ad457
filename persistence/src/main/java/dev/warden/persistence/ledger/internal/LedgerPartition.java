package dev.warden.persistence.ledger.internal;

import dev.warden.core.RateLimitedLog;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One ledger partition: the only writer of its jobs. Commands that arrive while a write is in
 * flight are buffered (Pekko stashes them, the partition collects them in {@link Flusher}) and
 * written together as one {@link LedgerBatch} row, reports (completions, failures, reaps,
 * cancels) ahead of starts and new submits. Snapshots every {@code snapshot-every} rows; events
 * are never deleted.
 */
public final class LedgerPartition extends EventSourcedBehavior<LedgerPartition.Command, LedgerBatch, PartitionState>
    implements PartitionProtocol {

  enum Flush implements Command {
    INSTANCE
  }

  enum DrainTimeout implements Command {
    INSTANCE
  }

  /** Node-wide permits were handed to this partition ({@link NodePermits}): start what they allow. */
  enum Wake implements Command {
    INSTANCE
  }

  /**
   * Everything the partition needs from its kind. It outlives the partition's incarnations: a
   * partition restarted by its supervisor (a journal write that failed) gets the same wiring, so
   * {@code types} still holds the job types registered before. In cluster mode {@code types} is the
   * node's registry, shared by the partitions running here ({@link PartitionForwarder} fills it);
   * in local mode it is this partition's own, filled by {@link RegisterType}.
   */
  record Wiring(
      int partition,
      LedgerSettings settings,
      LedgerStats stats,
      NodePermits permits,
      ActorRef<LedgerRoot.Command> root,
      ActorRef<Recovered> recovered,
      PartitionRoute route,
      Map<String, JobType> types,
      boolean clustered,
      LedgerClock clock) {

    /** Local mode: partition-to-partition traffic through the root, types by {@link RegisterType}, the wall clock. */
    Wiring(int partition, LedgerSettings settings, LedgerStats stats, NodePermits permits, ActorRef<LedgerRoot.Command> root,
        ActorRef<Recovered> recovered) {
      this(partition, settings, stats, permits, root, recovered, (p, c) -> root.tell(new LedgerRoot.ToPartition(p, c)),
          new ConcurrentHashMap<>(), false, LedgerClock.SYSTEM);
    }

    /** This wiring on another clock (a test's, moved with Pekko's manual time). */
    Wiring withClock(LedgerClock other) {
      return new Wiring(partition, settings, stats, permits, root, recovered, route, types, clustered, other);
    }
  }

  /** How a partition reaches a sibling: through its node's root (local mode) or Cluster Sharding. */
  @FunctionalInterface
  interface PartitionRoute {
    void tell(int partition, Command message);
  }

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> new LedgerPartition(ctx, timers, wiring)));
  }

  final ActorContext<Command> ctx;
  final TimerScheduler<Command> timers;
  final Wiring wiring;
  final LedgerSettings settings;
  final LedgerClock clock;
  final Executor handlers;
  final Map<String, JobType> types = new HashMap<>();
  final Map<String, JobExecution> executions = new HashMap<>();
  final Map<String, List<ActorRef<Found>>> waiters = new HashMap<>();
  final Map<String, Set<Integer>> watchers = new HashMap<>();
  final DeadlineIndex deadlines = new DeadlineIndex();
  final AdaptiveTimeouts timeouts;
  final StaleReports staleReports;
  /** Failed attempts and give-ups, at most warden.ledger.failures.log-per-second lines a second. */
  final RateLimitedLog failureLog;
  final Flusher flusher;
  boolean flushScheduled;
  /** This incarnation has ended ({@link #endIncarnation}): a failed recovery is signalled, and its stop may be too. */
  private boolean ended;
  private final ReapLookahead lookahead;
  private final PartitionQueries queries = new PartitionQueries(this);
  private final PartitionDrain drain = new PartitionDrain(this);
  private final ParentWatches parents = new ParentWatches(this);

  private LedgerPartition(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
    super(PersistenceId.ofUniqueId(persistenceId(wiring.partition())));
    this.ctx = ctx;
    this.timers = timers;
    this.wiring = wiring;
    this.settings = wiring.settings();
    this.clock = wiring.clock();
    this.handlers = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(settings.handlerDispatcher()));
    this.timeouts = new AdaptiveTimeouts(settings);
    this.staleReports = new StaleReports(new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), 10), wiring.stats());
    this.failureLog = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), settings.failureLogsPerSecond());
    this.flusher = new Flusher(this);
    this.lookahead = new ReapLookahead(timers, deadlines, settings.reaperTick(), clock);
    wiring.permits().reset(wiring.partition()); // whatever an earlier incarnation held is free again
    types.putAll(wiring.types());
  }

  @Override
  public PartitionState emptyState() {
    return new PartitionState(settings.retainedTerminal());
  }

  @Override
  public CommandHandler<Command, LedgerBatch, PartitionState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Submit.class, (s, c) -> buffer(flusher.submits, c))
        .onCommand(Complete.class, (s, c) -> buffer(flusher.reports, c))
        .onCommand(Fail.class, (s, c) -> buffer(flusher.reports, c))
        .onCommand(Cancel.class, (s, c) -> buffer(flusher.reports, c))
        .onCommand(Retry.class, (s, c) -> buffer(flusher.reports, c))
        .onCommand(ParentOutcomes.class, (s, c) -> buffer(flusher.reports, c))
        .onCommand(ReapOverdue.class, (s, c) -> {
          if (c.replyTo() == null) {
            lookahead.fired();
          }
          return buffer(flusher.reports, c);
        })
        .onCommand(Beat.class, this::onBeat)
        .onCommand(GetStatus.class, queries::onGetStatus)
        .onCommand(GetHistory.class, queries::onGetHistory)
        .onCommand(ListJobs.class, queries::onListJobs)
        .onCommand(AwaitResult.class, queries::onAwaitResult)
        .onCommand(RegisterType.class, this::onRegisterType)
        .onCommand(WatchParents.class, parents::onWatchParents)
        .onCommand(Rewatch.class, parents::onRewatch)
        .onCommand(Hold.class, this::onHold)
        .onCommand(Drain.class, drain::onDrain)
        .onCommand(DrainTimeout.class, (s, c) -> drain.finishDrain())
        .onCommand(Flush.class, flusher::flush)
        .onCommand(Wake.class, (s, c) -> {
          requestFlush();
          return Effect().none();
        })
        .onCommand(TypesChanged.class, (s, c) -> {
          types.putAll(wiring.types());
          requestFlush();
          return Effect().none();
        })
        .onCommand(HandOff.class, drain::onHandOff)
        .build();
  }

  private <C> Effect<LedgerBatch, PartitionState> buffer(ArrayDeque<C> queue, C command) {
    queue.add(command);
    requestFlush();
    return Effect().none();
  }

  /** See {@link ReapLookahead}. */
  void armReapLookahead(long now) {
    lookahead.arm(now);
  }

  /** The journal's persistence id of partition {@code partition}. */
  static String persistenceId(int partition) {
    return "ledger-" + partition;
  }

  void requestFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.getSelf().tell(Flush.INSTANCE);
    }
  }

  private Effect<LedgerBatch, PartitionState> onBeat(PartitionState s, Beat b) {
    JobExecution x = executions.get(b.id());
    JobRecord r = s.jobs.get(b.id());
    if (x == null || x.attempt() != b.attempt() || r == null || r.attempt != b.attempt()) {
      stale(b.id(), b.attempt(), r, "heartbeat");
      return Effect().none();
    }
    long now = clock.millis();
    x.lastBeat = now;
    if (now - x.lastJournaledBeat >= settings.heartbeatJournalInterval().toMillis()) {
      x.lastJournaledBeat = now;
      return buffer(flusher.reports, b);
    }
    return Effect().none();
  }

  void stale(String id, int attempt, JobRecord r, String what) {
    staleReports.report(id, attempt, r, what);
  }

  private Effect<LedgerBatch, PartitionState> onRegisterType(PartitionState s, RegisterType r) {
    types.put(r.type().name(), r.type());
    wiring.types().put(r.type().name(), r.type()); // for this partition's next incarnation
    requestFlush();
    return Effect().none();
  }

  void toPartition(int p, Command c) {
    wiring.route().tell(p, c);
  }

  private Effect<LedgerBatch, PartitionState> onHold(PartitionState s, Hold h) {
    if (s.paused.contains(h.type()) == h.paused()) {
      return Effect().reply(h.replyTo(), Done.getInstance());
    }
    TypeHold hold = new TypeHold(h.type(), clock.millis(), h.paused());
    return Effect().persist(new LedgerBatch(List.of(), List.of(hold))).thenRun(st -> {
      wiring.stats().publishPaused(wiring.partition(), st.paused);
      h.replyTo().tell(Done.getInstance());
      requestFlush(); // a resumed type dispatches at once
    });
  }

  EffectFactories<LedgerBatch, PartitionState> effects() {
    return Effect();
  }

  /** Answers a running drain once no attempt runs and nothing waits to be written. */
  void checkDrained() {
    drain.check();
  }

  boolean draining() {
    return drain.draining();
  }

  @Override
  public EventHandler<PartitionState, LedgerBatch> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(LedgerBatch.class, PartitionState::apply).build();
  }

  @Override
  public SignalHandler<PartitionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (s, sig) -> onRecovered(s))
        // the partition stops next, and Pekko does not signal that stop to a recovering partition
        .onSignal(RecoveryFailed.class, (s, sig) -> endIncarnation(s, "ledger partition [" + wiring.partition()
            + "] failed to recover (a journal read failed: see the node's log) and is started again"))
        .onSignal(PostStop.class, (s, sig) -> {
          endIncarnation(s, "ledger partition [" + wiring.partition() + "] stopped (a journal write or read failed, and it is"
              + " started again, or the ledger stops: see the node's log)");
          if (wiring.clustered()) {
            wiring.stats().forget(wiring.partition());
          }
        })
        .onSignal(PreRestart.class, (s, sig) -> endIncarnation(s, "ledger partition [" + wiring.partition()
            + "] failed (a journal write or read failed: see the node's log) and restarts"))
        .build();
  }

  /**
   * This incarnation ends (a stop, or a restart by its supervisor after a failure): what it held in
   * memory goes with it, so its permits are freed, buffered submits and the batch being journaled
   * are answered "submit again" ({@link Flusher#abandon}), result waiters get their job as it is,
   * so the facade asks again where the partition runs next, and the facade is told
   * ({@link PartitionIncarnations}): the commands Pekko stashed meanwhile end here unanswered, and the
   * facade answers their callers.
   */
  private void endIncarnation(PartitionState s, String why) {
    if (ended) {
      return;
    }
    ended = true;
    wiring.permits().reset(wiring.partition());
    flusher.abandon(why + " before this submit was recorded; it may not be recorded: submit it again (a submit is idempotent by id)");
    releaseWaiters(s);
    wiring.stats().incarnations().ended(wiring.partition(), why);
  }

  /** Answers every result waiter with its job as it is now (not terminal): the facade asks again. */
  void releaseWaiters(PartitionState s) {
    waiters.forEach((id, replies) -> {
      JobRecord r = s.jobs.get(id);
      if (r != null) {
        Found now = new Found(Optional.of(r.view()));
        replies.forEach(w -> w.tell(now));
      }
    });
    waiters.clear();
  }

  private void onRecovered(PartitionState s) {
    Recovered found = s.recover(wiring.partition());
    wiring.stats().publish(wiring.partition(), s.counts);
    wiring.stats().publishPaused(wiring.partition(), s.paused);
    wiring.recovered().tell(found);
    for (int p = 0; p < settings.partitions(); p++) {
      parents.onRewatch(s, new Rewatch(p));
      if (p != wiring.partition()) {
        toPartition(p, new Rewatch(wiring.partition()));
      }
    }
    requestFlush();
  }

  @Override
  public SnapshotAdapter<PartitionState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(PartitionState state) {
        return state.snapshot();
      }

      @Override
      public PartitionState fromJournal(Object from) {
        return PartitionState.of((PartitionSnapshot) from, settings.retainedTerminal());
      }
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }
}
