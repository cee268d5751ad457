package dev.warden.workers.graveyard;

import dev.warden.persistence.journal.WardenReadJournal;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Cluster mode: one member's read-only copy of the pattern index, which its graveyard queries read. It recovers
 * from the shared journal like the writer (the writer's snapshot, then the events after it), never writes, and
 * then follows the journal: every {@code warden.graveyard.cluster.follow-interval}, and at once after a write
 * made through this member, it reads the events after the last one it applied, through Pekko Persistence Query:
 * the read journal of the configured journal plugin ({@link WardenReadJournal#pluginIdFor}: Warden's, or Pekko
 * Persistence JDBC's), at most {@value #MAX_PER_READ} events per read and the next read at once while more follow.
 * No legacy file is read again. Answers on a member lag the writer by at most one interval.
 */
final class PatternReplica extends EventSourcedBehavior<PatternReplica.Command, PatternJournal.Event, PatternIndex> {

  /** Most events one read takes in: a replica far behind catches up in several reads, never holding all at once. */
  static final int MAX_PER_READ = 256;

  sealed interface Command permits CatchUp, Read {}

  /** Read the events written since the last one applied (a timer, or a write through this member). */
  enum CatchUp implements Command { INSTANCE }

  /** The events a read found after the last one applied, or why it failed. */
  private record Read(List<EventEnvelope> events, Throwable failure) implements Command {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final GraveyardSettings settings;
  private final Duration interval;
  private final Consumer<PatternIndex> onRecovered;
  private final CurrentEventsByPersistenceIdQuery queries;
  private long applied;
  private boolean reading;

  static Behavior<Command> create(GraveyardSettings settings, Duration interval, Consumer<PatternIndex> onRecovered) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PatternReplica(ctx, timers, settings, interval, onRecovered)));
  }

  private PatternReplica(ActorContext<Command> ctx, TimerScheduler<Command> timers, GraveyardSettings settings, Duration interval,
      Consumer<PatternIndex> onRecovered) {
    super(PersistenceId.ofUniqueId(settings.persistenceId()));
    ctx.setLoggerName(PatternReplica.class);
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.interval = interval;
    this.onRecovered = onRecovered;
    this.queries = PersistenceQuery.get(ctx.getSystem()).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class,
        WardenReadJournal.pluginIdFor(ctx.getSystem().settings().config()));
  }

  @Override
  public PatternIndex emptyState() {
    return new PatternIndex();
  }

  @Override
  public CommandHandler<Command, PatternJournal.Event, PatternIndex> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CatchUp.class, (s, c) -> onCatchUp())
        .onCommand(Read.class, this::onRead)
        .build();
  }

  private Effect<PatternJournal.Event, PatternIndex> onCatchUp() {
    if (!reading) {
      reading = true;
      ctx.pipeToSelf(queries.currentEventsByPersistenceId(settings.persistenceId(), applied + 1, Long.MAX_VALUE)
          .take(MAX_PER_READ).runWith(Sink.seq(), ctx.getSystem()), Read::new);
    }
    return Effect().none();
  }

  /** Events are applied to the index in place (it is read by queries on other threads, as the writer's is). */
  private Effect<PatternJournal.Event, PatternIndex> onRead(PatternIndex index, Read r) {
    reading = false;
    if (r.failure() != null) {
      ctx.getLog().warn("graveyard replica [{}] could not read the journal after [{}]; will try again in [{}]", settings.persistenceId(),
          applied, interval, r.failure());
      return Effect().none();
    }
    for (EventEnvelope e : r.events()) {
      if (e.sequenceNr() > applied && e.event() instanceof PatternJournal.PatternsRecorded recorded) {
        index.replay(recorded);
        applied = e.sequenceNr();
      }
    }
    if (r.events().size() == MAX_PER_READ) {
      ctx.getSelf().tell(CatchUp.INSTANCE); // more may follow: read on without waiting for the timer
    }
    return Effect().none();
  }

  @Override
  public EventHandler<PatternIndex, PatternJournal.Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(PatternJournal.PatternsRecorded.class, (PatternIndex s, PatternJournal.PatternsRecorded e) -> s.replay(e))
        .build();
  }

  @Override
  public SignalHandler<PatternIndex> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.class, (state, signal) -> onRecoveryCompleted(state)).build();
  }

  private void onRecoveryCompleted(PatternIndex state) {
    applied = lastSequenceNumber(ctx);
    ctx.getLog().info("graveyard replica [{}] recovered at event [{}]: [{}] patterns stored, [{}] files; following the journal every [{}]",
        settings.persistenceId(), applied, state.stored(), state.fileCount(), interval);
    timers.startTimerWithFixedDelay(CatchUp.INSTANCE, interval);
    onRecovered.accept(state);
  }

  /** Never writes: no snapshot of its own (the writer's are read). */
  @Override
  public boolean shouldSnapshot(PatternIndex state, PatternJournal.Event event, long sequenceNr) {
    return false;
  }

  @Override
  public SnapshotAdapter<PatternIndex> snapshotAdapter() {
    return PatternJournal.SNAPSHOTS;
  }
}
