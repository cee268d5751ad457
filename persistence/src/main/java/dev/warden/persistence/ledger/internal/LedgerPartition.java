package dev.warden.persistence.ledger.internal;

import dev.warden.core.RateLimitedLog;
import dev.warden.core.WardenSerializable;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobPage;
import dev.warden.persistence.ledger.JobQuery;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.ToLongFunction;
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
public final class LedgerPartition extends EventSourcedBehavior<LedgerPartition.Command, LedgerBatch, PartitionState> {

  /**
   * Serializable (jackson-json) since cluster mode sends them between nodes; {@link RegisterType},
   * {@link Drain} and the private ticks never leave their node.
   */
  public sealed interface Command extends WardenSerializable
      permits JobReport, Submit, GetStatus, GetHistory, ListJobs, AwaitResult, RegisterType, ReapOverdue, WatchParents, ParentOutcomes,
          Rewatch, Hold, Drain, Flush, DrainTimeout, Wake, TypesChanged, HandOff {}

  /** A report about one job, written in the next batch (at most one per job and batch). */
  public sealed interface JobReport extends Command permits Complete, Fail, Beat, Cancel, Retry {
    String id();
  }

  /** Reply to {@link Submit}. */
  public sealed interface SubmitReply extends WardenSerializable permits Accepted, Rejected {}

  /** {@code created} false: the id existed, {@code job} is the existing job. */
  public record Accepted(JobView job, boolean created) implements SubmitReply {}

  /** {@code stopping}: the partition is draining (a graceful stop or a hand-over to another node): the same submit may succeed elsewhere soon. */
  public record Rejected(String reason, boolean stopping) implements SubmitReply {
    public Rejected(String reason) {
      this(reason, false);
    }
  }

  /** Reply to {@link GetStatus}, {@link AwaitResult}, {@link Cancel} and {@link Retry}: the job, empty for an unknown id. */
  public record Found(Optional<JobView> job) implements WardenSerializable {}

  /** Reply to {@link ListJobs}. */
  public record Listed(List<JobPage.Entry> entries) implements WardenSerializable {}

  public record Submit(String id, String type, String payload, String parent, ActorRef<SubmitReply> replyTo) implements Command {}

  public record GetStatus(String id, ActorRef<Found> replyTo) implements Command {}

  /** Answered with the job's events as one batch (the ledger codec's form, which travels between nodes too). */
  public record GetHistory(String id, ActorRef<LedgerBatch> replyTo) implements Command {}

  /**
   * Added for the HTTP API (issue 21): up to {@code limit + 1} of this partition's jobs that match
   * the query, in no order ({@code JobLedger.list} merges the partitions' answers). From memory only.
   */
  public record ListJobs(JobQuery query, ActorRef<Listed> replyTo) implements Command {}

  /** Answered once the job is terminal (at once if it is); empty for an unknown id. */
  public record AwaitResult(String id, ActorRef<Found> replyTo) implements Command {}

  public record Cancel(String id, ActorRef<Found> replyTo) implements JobReport {}

  /** Operator retry of a job that gave up or was cancelled: a new round of attempts. */
  public record Retry(String id, ActorRef<Found> replyTo) implements JobReport {}

  /** Local only: carries the handler. */
  public record RegisterType(JobType type) implements Command {}

  public record Complete(String id, int attempt, String result) implements JobReport {}

  /**
   * {@code errorClass} and {@code stackTrace} (bounded, warden.ledger.failures) may be null;
   * {@code retryAfterMillis}: the least wait before a retry the failure asked for ({@code RetryAfter}), 0 for none.
   */
  public record Fail(String id, int attempt, String cause, boolean retryable, String errorClass, String stackTrace,
      long retryAfterMillis) implements JobReport {
    public Fail(String id, int attempt, String cause, boolean retryable) {
      this(id, attempt, cause, retryable, null, null, 0);
    }
  }

  public record Beat(String id, int attempt) implements JobReport {}

  /**
   * The reaper asks: reap every running attempt whose deadline has passed. The partition's own
   * look-ahead sends it with run 0 and no {@code replyTo}.
   */
  public record ReapOverdue(long run, ActorRef<ReapReport> replyTo) implements Command {}

  public record ReapReport(int partition, long run, int checked, int reaped) implements WardenSerializable {}

  /** A child partition watches these parents (in this partition). */
  public record WatchParents(int watcher, List<String> parents) implements Command {}

  /** Parents the sender owns reached a status that matters to children here. */
  public record ParentOutcomes(Map<String, JobStatus> outcomes) implements Command {}

  /** Partition {@code partition} recovered and forgot its watchers: watch again. */
  public record Rewatch(int partition) implements Command {}

  /** Pause (or resume) a job type in this partition, journaled; answered once written. */
  public record Hold(String type, boolean paused, ActorRef<Done> replyTo) implements Command {}

  /** Graceful stop: start nothing new, let running attempts finish (bounded), write, answer. */
  public record Drain(ActorRef<Done> replyTo) implements Command {}

  /** Recovery summary for the node's one startup line. */
  public record Recovered(int partition, int pending, int resumed, int retryWait, int waiting, int blocked, int terminal) {}

  enum Flush implements Command {
    INSTANCE
  }

  enum DrainTimeout implements Command {
    INSTANCE
  }

  /** Cluster mode: job types were registered on the node hosting this partition; take them from its registry. */
  public enum TypesChanged implements Command {
    INSTANCE
  }

  /**
   * Cluster mode: sharding moves this partition to another node (a graceful leave or a rebalance):
   * drain as at a graceful stop, then stop; the partition recovers from the journal where it lands.
   */
  public enum HandOff implements Command {
    INSTANCE
  }

  /** Node-wide permits were handed to this partition ({@link NodePermits}): start what they allow. */
  enum Wake implements Command {
    INSTANCE
  }

  /** Everything the partition needs from its kind. */
  record Wiring(
      int partition,
      LedgerSettings settings,
      LedgerStats stats,
      NodePermits permits,
      ActorRef<LedgerRoot.Command> root,
      ActorRef<Recovered> recovered,
      PartitionRoute route,
      Map<String, JobType> nodeTypes) {

    /** Local mode: partition-to-partition traffic through the root, types by {@link RegisterType}. */
    Wiring(int partition, LedgerSettings settings, LedgerStats stats, NodePermits permits, ActorRef<LedgerRoot.Command> root,
        ActorRef<Recovered> recovered) {
      this(partition, settings, stats, permits, root, recovered, (p, c) -> root.tell(new LedgerRoot.ToPartition(p, c)), null);
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
  ActorRef<Done> drainReply;
  private final ReapLookahead lookahead;
  /** Set by the first Drain and never cleared: a drained partition must not start work while its siblings drain. */
  private boolean stopping;
  /** Set by the first {@link HandOff}: the drain's answer (a second HandOff) stops the partition. */
  private boolean handingOff;
  /** Attempts (id#attempt) already marked Suspended by a drain that timed out. */
  private final Set<String> suspended = new HashSet<>();

  private LedgerPartition(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
    super(PersistenceId.ofUniqueId(persistenceId(wiring.partition())));
    this.ctx = ctx;
    this.timers = timers;
    this.wiring = wiring;
    this.settings = wiring.settings();
    this.handlers = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(settings.handlerDispatcher()));
    this.timeouts = new AdaptiveTimeouts(settings);
    this.staleReports = new StaleReports(new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), 10), wiring.stats());
    this.failureLog = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), settings.failureLogsPerSecond());
    this.flusher = new Flusher(this);
    this.lookahead = new ReapLookahead(timers, deadlines, settings.reaperTick());
    wiring.permits().reset(wiring.partition()); // whatever an earlier incarnation held is free again
    if (wiring.nodeTypes() != null) {
      types.putAll(wiring.nodeTypes());
    }
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
        .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), new Found(Optional.ofNullable(s.jobs.get(c.id())).map(JobRecord::view))))
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(ListJobs.class, this::onListJobs)
        .onCommand(AwaitResult.class, this::onAwaitResult)
        .onCommand(RegisterType.class, this::onRegisterType)
        .onCommand(WatchParents.class, this::onWatchParents)
        .onCommand(Rewatch.class, this::onRewatch)
        .onCommand(Hold.class, this::onHold)
        .onCommand(Drain.class, this::onDrain)
        .onCommand(DrainTimeout.class, (s, c) -> finishDrain())
        .onCommand(Flush.class, flusher::flush)
        .onCommand(Wake.class, (s, c) -> {
          requestFlush();
          return Effect().none();
        })
        .onCommand(TypesChanged.class, (s, c) -> {
          if (wiring.nodeTypes() != null) {
            types.putAll(wiring.nodeTypes());
          }
          requestFlush();
          return Effect().none();
        })
        .onCommand(HandOff.class, this::onHandOff)
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
    long now = System.currentTimeMillis();
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

  private Effect<LedgerBatch, PartitionState> onGetHistory(PartitionState s, GetHistory g) {
    JobRecord r = s.jobs.get(g.id());
    return Effect().reply(g.replyTo(), new LedgerBatch(r == null ? List.of() : List.copyOf(r.history)));
  }

  /**
   * Added for the HTTP API (issue 21), the ledger's one list query: one pass over the jobs in
   * memory keeping the first {@code limit + 1} in the query's order (a bounded heap whose head is the
   * last kept), so a page costs O(jobs · log limit) here and nothing in the journal.
   */
  private Effect<LedgerBatch, PartitionState> onListJobs(PartitionState s, ListJobs l) {
    JobQuery q = l.query();
    ToLongFunction<JobRecord> submittedAt = r -> r.history.isEmpty() ? 0 : r.history.get(0).at();
    int keep = q.limit() + 1;
    PriorityQueue<JobRecord> kept = new PriorityQueue<>(keep + 1,
        (a, b) -> q.compare(submittedAt.applyAsLong(b), b.id, submittedAt.applyAsLong(a), a.id));
    for (JobRecord r : s.jobs.values()) {
      if (q.matches(r.id, r.type, r.status) && q.beyondCursor(submittedAt.applyAsLong(r), r.id)) {
        kept.add(r);
        if (kept.size() > keep) {
          kept.poll();
        }
      }
    }
    List<JobPage.Entry> out = new ArrayList<>(kept.size());
    for (JobRecord r : kept) {
      JobView v = r.view();
      out.add(new JobPage.Entry(submittedAt.applyAsLong(r),
          new JobView(v.id(), v.type(), v.status(), v.attempt(), v.parent(), v.result(), v.cause())));
    }
    return Effect().reply(l.replyTo(), new Listed(out));
  }

  private Effect<LedgerBatch, PartitionState> onAwaitResult(PartitionState s, AwaitResult a) {
    JobRecord r = s.jobs.get(a.id());
    if (r == null || r.status.terminal()) {
      return Effect().reply(a.replyTo(), new Found(Optional.ofNullable(r).map(JobRecord::view)));
    }
    waiters.computeIfAbsent(a.id(), k -> new ArrayList<>(1)).add(a.replyTo());
    return Effect().none();
  }

  private Effect<LedgerBatch, PartitionState> onRegisterType(PartitionState s, RegisterType r) {
    types.put(r.type().name(), r.type());
    requestFlush();
    return Effect().none();
  }

  private Effect<LedgerBatch, PartitionState> onWatchParents(PartitionState s, WatchParents w) {
    Map<String, JobStatus> known = new HashMap<>();
    for (String parent : w.parents()) {
      watchers.computeIfAbsent(parent, p -> new HashSet<>()).add(w.watcher());
      JobRecord r = s.jobs.get(parent);
      if (r != null && r.status.terminal()) {
        known.put(parent, r.status);
      }
    }
    if (!known.isEmpty()) {
      toPartition(w.watcher(), new ParentOutcomes(known));
    }
    return Effect().none();
  }

  private Effect<LedgerBatch, PartitionState> onRewatch(PartitionState s, Rewatch r) {
    List<String> parents = new ArrayList<>();
    for (String parent : s.children.keySet()) {
      if (settings.partitionOf(parent) == r.partition()) {
        parents.add(parent);
      }
    }
    if (!parents.isEmpty()) {
      toPartition(r.partition(), new WatchParents(wiring.partition(), parents));
    }
    return Effect().none();
  }

  void toPartition(int p, Command c) {
    wiring.route().tell(p, c);
  }

  private Effect<LedgerBatch, PartitionState> onHold(PartitionState s, Hold h) {
    if (s.paused.contains(h.type()) == h.paused()) {
      return Effect().reply(h.replyTo(), Done.getInstance());
    }
    TypeHold hold = new TypeHold(h.type(), System.currentTimeMillis(), h.paused());
    return Effect().persist(new LedgerBatch(List.of(), List.of(hold))).thenRun(st -> {
      wiring.stats().publishPaused(wiring.partition(), st.paused);
      h.replyTo().tell(Done.getInstance());
      requestFlush(); // a resumed type dispatches at once
    });
  }

  private Effect<LedgerBatch, PartitionState> onDrain(PartitionState s, Drain d) {
    drainReply = d.replyTo();
    stopping = true;
    timers.startSingleTimer(DrainTimeout.INSTANCE, DrainTimeout.INSTANCE, settings.drainTimeout());
    checkDrained();
    return Effect().none();
  }

  /** Sharding's stop message: a drain with nobody to answer, then a stop (see {@link HandOff}). */
  private Effect<LedgerBatch, PartitionState> onHandOff(PartitionState s, HandOff h) {
    if (handingOff || (stopping && drainReply == null && executions.isEmpty() && flusher.idle())) {
      ctx.getLog().info("ledger partition [{}] drained; stopping for the hand-over", wiring.partition());
      // Result waiters would wait in vain: each gets its job as it is (not terminal), and the facade
      // asks again where the partition lands.
      waiters.forEach((id, replies) -> {
        JobRecord r = s.jobs.get(id);
        if (r != null) {
          Found now = new Found(Optional.of(r.view()));
          replies.forEach(w -> w.tell(now));
        }
      });
      waiters.clear();
      return Effect().stop();
    }
    ctx.getLog().info("ledger partition [{}] hands over: draining [{}] running attempts", wiring.partition(), executions.size());
    handingOff = true;
    return onDrain(s, new Drain(ctx.messageAdapter(Done.class, d -> HandOff.INSTANCE)));
  }

  /** Answers the drain once no attempt runs and nothing waits to be written. */
  void checkDrained() {
    if (drainReply != null && executions.isEmpty() && flusher.idle()) {
      finishDrain();
    }
  }

  /**
   * Answers the drain. Attempts still running (the drain timed out) get a Suspended mark first,
   * in one row: they resume as new attempts at the next start, and the mark tells that start they
   * were stopped by a deploy, not cut short by a crash (warden.ledger.max-cut-attempts).
   */
  private Effect<LedgerBatch, PartitionState> finishDrain() {
    if (drainReply == null) {
      return Effect().none();
    }
    timers.cancel(DrainTimeout.INSTANCE);
    ActorRef<Done> reply = drainReply;
    drainReply = null;
    if (executions.isEmpty()) {
      reply.tell(Done.getInstance());
      return Effect().none();
    }
    ctx.getLog().info(
        "ledger partition [{}] stops with [{}] attempts still running; marked suspended, they resume at the next start",
        wiring.partition(), executions.size());
    long now = System.currentTimeMillis();
    List<JobEvent> marks = new ArrayList<>(executions.size());
    executions.values().forEach(x -> {
      if (suspended.add(x.jobId() + "#" + x.attempt())) { // a hand-over after a node's leave drain: marked once
        marks.add(new JobEvent.Suspended(x.jobId(), now, x.attempt()));
      }
    });
    if (marks.isEmpty()) {
      reply.tell(Done.getInstance());
      return Effect().none();
    }
    return Effect().persist(new LedgerBatch(List.copyOf(marks))).thenRun(st -> reply.tell(Done.getInstance()));
  }

  EffectFactories<LedgerBatch, PartitionState> effects() {
    return Effect();
  }

  boolean draining() {
    return stopping;
  }

  @Override
  public EventHandler<PartitionState, LedgerBatch> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(LedgerBatch.class, PartitionState::apply).build();
  }

  @Override
  public SignalHandler<PartitionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (s, sig) -> onRecovered(s))
        .onSignal(PostStop.class, (s, sig) -> {
          wiring.permits().reset(wiring.partition());
          if (wiring.nodeTypes() != null) {
            wiring.stats().forget(wiring.partition());
          }
        })
        .onSignal(PreRestart.class, (s, sig) -> wiring.permits().reset(wiring.partition()))
        .build();
  }

  private void onRecovered(PartitionState s) {
    Recovered found = s.recover(wiring.partition());
    wiring.stats().publish(wiring.partition(), s.counts);
    wiring.stats().publishPaused(wiring.partition(), s.paused);
    wiring.recovered().tell(found);
    for (int p = 0; p < settings.partitions(); p++) {
      onRewatch(s, new Rewatch(p));
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
