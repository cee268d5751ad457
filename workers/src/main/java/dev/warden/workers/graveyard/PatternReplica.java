package dev.warden.workers.graveyard;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Cluster mode: one member's read-only copy of the pattern index, which its graveyard queries read. It recovers
 * from the shared journal like the writer (the writer's snapshot, then the events after it), never writes, and
 * then follows the journal: every {@code warden.graveyard.cluster.follow-interval}, and at once after a write
 * made through this member, it reads the events after the last one it applied (the journal's replay, from that
 * sequence number on). No legacy file is read again. Answers on a member lag the writer by at most one interval.
 */
final class PatternReplica extends EventSourcedBehavior<PatternReplica.Command, PatternJournal.Event, PatternIndex> {

  sealed interface Command permits CatchUp, Replayed {}

  /** Read the events written since the last one applied (a timer, or a write through this member). */
  enum CatchUp implements Command { INSTANCE }

  /** One answer of the journal to a replay: an event, the end, or a failure. */
  private record Replayed(Object message) implements Command {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final GraveyardSettings settings;
  private final Duration interval;
  private final Consumer<PatternIndex> onRecovered;
  private final ActorRef<Object> replies;
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
    this.replies = ctx.messageAdapter(Object.class, Replayed::new);
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
        .onCommand(Replayed.class, this::onReplayed)
        .build();
  }

  private Effect<PatternJournal.Event, PatternIndex> onCatchUp() {
    if (!reading) {
      reading = true;
      Persistence.get(Adapter.toClassic(ctx.getSystem())).journalFor("", ConfigFactory.empty()).tell(
          new JournalProtocol.ReplayMessages(applied + 1, Long.MAX_VALUE, Long.MAX_VALUE, settings.persistenceId(),
              Adapter.toClassic(replies)), org.apache.pekko.actor.ActorRef.noSender());
    }
    return Effect().none();
  }

  /** Events are applied to the index in place (it is read by queries on other threads, as the writer's is). */
  private Effect<PatternJournal.Event, PatternIndex> onReplayed(PatternIndex index, Replayed r) {
    if (r.message() instanceof JournalProtocol.ReplayedMessage m) {
      long seq = m.persistent().sequenceNr();
      if (seq == applied + 1 && m.persistent().payload() instanceof PatternJournal.PatternsRecorded e) {
        index.replay(e);
        applied = seq;
      }
    } else if (r.message() instanceof JournalProtocol.RecoverySuccess) {
      reading = false;
    } else if (r.message() instanceof JournalProtocol.ReplayMessagesFailure f) {
      reading = false;
      ctx.getLog().warn("graveyard replica [{}] could not read the journal after [{}]; will try again in [{}]", settings.persistenceId(),
          applied, interval, f.cause());
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
