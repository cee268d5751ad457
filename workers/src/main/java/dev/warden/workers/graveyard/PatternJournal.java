package dev.warden.workers.graveyard;

import dev.warden.core.WardenSerializable;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The one writer of every pattern. Host records, retirements and import batches are all
 * {@link Append} commands, journaled as one {@link PatternsRecorded} event each (one journal row
 * however many patterns), so concurrent recorders can never interleave. The state is the
 * {@link PatternIndex}, updated as each event is applied; snapshots hold the index in compact
 * form ({@link IndexSnapshot}), made on the actor's thread by the snapshot adapter, so
 * recovery replays only the patterns since the last one. Events are never deleted.
 */
public final class PatternJournal extends EventSourcedBehavior<PatternJournal.Command, PatternJournal.Event, PatternIndex> {

  public sealed interface Command permits Append, GetProgress {}

  /**
   * Store {@code patterns} (printed records) from {@code source}; with import {@code progress}
   * when they come from a file, journaled in the same event. {@code parsed}, when given, holds
   * the same records already parsed (same order), so applying the event does not parse them
   * again; {@code snapshotAfter} asks for a snapshot once the event is stored (end of an import).
   */
  public record Append(Source source, List<String> patterns, List<LegacyRecord> parsed, FileProgress progress,
      boolean snapshotAfter, ActorRef<StatusReply<Done>> replyTo) implements Command {
    public Append {
      if (parsed != null && parsed.size() != patterns.size()) {
        throw new IllegalArgumentException("parsed holds " + parsed.size() + " records for " + patterns.size() + " patterns");
      }
    }
  }

  /** Asks how far a file was imported ({@link FileProgress#key()}). */
  public record GetProgress(String key, ActorRef<Optional<FileProgress>> replyTo) implements Command {}

  public sealed interface Event extends WardenSerializable permits PatternsRecorded {}

  /** Patterns stored, in order; {@code progress} is null for host records. */
  public record PatternsRecorded(Source source, List<String> patterns, FileProgress progress) implements Event {}

  private final ActorContext<Command> ctx;
  private final GraveyardSettings settings;
  private final Consumer<PatternIndex> onRecovered;
  /** The event being persisted by this incarnation with its records already parsed, if any. */
  private PatternsRecorded pendingEvent;
  private List<LegacyRecord> pendingParsed;
  private boolean snapshotRequested;

  static Behavior<Command> create(GraveyardSettings settings, Consumer<PatternIndex> onRecovered) {
    return Behaviors.setup(ctx -> new PatternJournal(ctx, settings, onRecovered));
  }

  private PatternJournal(ActorContext<Command> ctx, GraveyardSettings settings, Consumer<PatternIndex> onRecovered) {
    super(PersistenceId.ofUniqueId(settings.persistenceId()));
    ctx.setLoggerName(PatternJournal.class);
    this.ctx = ctx;
    this.settings = settings;
    this.onRecovered = onRecovered;
  }

  @Override
  public PatternIndex emptyState() {
    return new PatternIndex();
  }

  @Override
  public CommandHandler<Command, Event, PatternIndex> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(GetProgress.class, (s, c) -> Effect().reply(c.replyTo(), s.progress(c.key())))
        .build();
  }

  private Effect<Event, PatternIndex> onAppend(PatternIndex state, Append c) {
    if (c.patterns().isEmpty() && c.progress() == null) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    PatternsRecorded event = new PatternsRecorded(c.source(), List.copyOf(c.patterns()), c.progress());
    pendingEvent = c.parsed() == null ? null : event;
    pendingParsed = c.parsed();
    snapshotRequested = c.snapshotAfter();
    return Effect().persist(event).thenReply(c.replyTo(), s -> StatusReply.ack());
  }

  @Override
  public EventHandler<PatternIndex, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(PatternsRecorded.class, (PatternIndex s, PatternsRecorded e) -> apply(s, e))
        .build();
  }

  /** Applies an event; the one just persisted here reuses its parsed records, a replayed one parses. */
  private PatternIndex apply(PatternIndex index, PatternsRecorded e) {
    if (e == pendingEvent) {
      for (LegacyRecord r : pendingParsed) {
        index.add(e.source(), r);
      }
      pendingEvent = null;
      pendingParsed = null;
      if (e.progress() != null) {
        index.progress(e.progress());
      }
      return index;
    }
    return index.replay(e);
  }

  @Override
  public SignalHandler<PatternIndex> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (state, signal) -> onRecoveryCompleted(state))
        .build();
  }

  private void onRecoveryCompleted(PatternIndex state) {
    ctx.getLog().info(
        "graveyard journal [{}] recovered: [{}] patterns stored (high-water [{}]), [{}] clusters, [{}] bounded, [{}] distinct match points, [{}] files",
        settings.persistenceId(), state.stored(), state.highWater(), state.clusterCount(), state.boundedClusters(),
        state.matchPoints(), state.fileCount());
    onRecovered.accept(state);
  }

  /**
   * Snapshot when the stored count crosses a multiple of {@code snapshot-every-patterns}, and
   * after the last batch of an import.
   */
  @Override
  public boolean shouldSnapshot(PatternIndex state, Event event, long sequenceNr) {
    if (snapshotRequested) {
      snapshotRequested = false;
      return true;
    }
    long every = settings.snapshotEveryPatterns();
    long n = ((PatternsRecorded) event).patterns().size();
    return n > 0 && (state.stored() - n) / every != state.stored() / every;
  }

  /** The index's snapshot as stored ({@link IndexSnapshot}), for the writer and every member's replica alike. */
  static final SnapshotAdapter<PatternIndex> SNAPSHOTS = new SnapshotAdapter<>() {
    @Override
    public Object toJournal(PatternIndex state) {
      return state.snapshot();
    }

    @Override
    public PatternIndex fromJournal(Object from) {
      return PatternIndex.restore((IndexSnapshot) from);
    }
  };

  @Override
  public SnapshotAdapter<PatternIndex> snapshotAdapter() {
    return SNAPSHOTS;
  }
}
