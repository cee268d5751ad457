package dev.warden.workers.graveyard;

import dev.warden.core.WardenSerializable;
import java.time.Duration;
import java.util.List;
import dev.warden.core.supervision.BoundChild;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

/**
 * Cluster mode: the graveyard's cluster singleton ({@value #SINGLETON}), so the pattern journal keeps one
 * writer in the cluster. It runs the {@link PatternJournal} (the writer, recovered from the shared journal
 * wherever the singleton lands) and the {@link Importer} beside it, and takes the members' writes as plain data:
 * host records and retirements ({@link Append}) and imports ({@link Import}, run on this member: the files must be
 * readable here). Queries never come here: each member reads its own {@link PatternReplica}.
 */
final class GraveyardWriter {
  static final String SINGLETON = "warden-graveyard-journal";

  sealed interface Command extends WardenSerializable permits Append, Import {}

  /** Store printed patterns from {@code source} (one event). */
  record Append(Source source, List<String> patterns, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Import legacy files (paths as this member sees them); answered with the report. */
  record Import(ImportRequest request, ActorRef<StatusReply<ImportReport>> replyTo) implements Command {}

  private GraveyardWriter() {}

  /** {@code graveyard} and {@code metrics} are this member's: an import's outcome is also noted on it. */
  static Behavior<Command> create(GraveyardSettings settings, Graveyard graveyard, ImportMetrics metrics) {
    return Behaviors.setup(ctx -> {
      // bound: a journal failure stops the journal for good (Pekko's own stop), so this writer fails with it and
      // the singleton's supervision restarts both
      ActorRef<PatternJournal.Command> journal = BoundChild.spawn(ctx, Behaviors.supervise(PatternJournal.create(settings, index -> { }))
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)), "journal");
      ActorRef<Importer.Command> importer = ctx.spawn(Behaviors.supervise(Importer.create(settings, journal, graveyard, metrics))
          .onFailure(Importer.ImportFailed.class, SupervisorStrategy.restart()), "importer"); // a failed import, already answered
      return Behaviors.receive(Command.class)
          .onMessage(Append.class, a -> {
            journal.tell(new PatternJournal.Append(a.source(), a.patterns(), null, null, false, a.replyTo()));
            return Behaviors.same();
          })
          .onMessage(Import.class, i -> {
            importer.tell(new Importer.Run(i.request(), i.replyTo()));
            return Behaviors.same();
          })
          .build();
    });
  }
}
