package dev.warden.workers.graveyard;

import dev.warden.core.DataFiles;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Runs imports one at a time, each on the blocking dispatcher, under its own supervisor. A
 * failed import (missing file, I/O error, journal timeout, a bug) degrades the graveyard's
 * answers to "no avoid regions", answers the caller with the error, and then crashes this
 * actor on purpose: the supervisor logs one report and the tree shows the failure. The
 * restarted incarnation is idle (it never re-runs the import by itself), so there is no crash
 * loop. A later successful import clears the degraded flag.
 */
final class Importer extends AbstractBehavior<Importer.Command> {

  sealed interface Command permits Run, Finished {}

  record Run(ImportRequest request, ActorRef<StatusReply<ImportReport>> replyTo) implements Command {}

  private record Finished(Run run, ImportReport report, Throwable failure) implements Command {}

  /** Crashes the importer so its supervisor reports the failed import. */
  static final class ImportFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ImportFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final GraveyardSettings settings;
  private final ActorRef<PatternJournal.Command> journal;
  private final Graveyard graveyard;
  private final ImportMetrics metrics;
  private final Executor blocking;
  private boolean busy;

  static Behavior<Command> create(GraveyardSettings settings, ActorRef<PatternJournal.Command> journal,
      Graveyard graveyard, ImportMetrics metrics) {
    return Behaviors.setup(ctx -> new Importer(ctx, settings, journal, graveyard, metrics));
  }

  private Importer(ActorContext<Command> ctx, GraveyardSettings settings, ActorRef<PatternJournal.Command> journal,
      Graveyard graveyard, ImportMetrics metrics) {
    super(ctx);
    ctx.setLoggerName(Importer.class);
    this.settings = settings;
    this.journal = journal;
    this.graveyard = graveyard;
    this.metrics = metrics;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    if (busy) {
      run.replyTo().tell(StatusReply.error("an import is already running; try again when it has finished"));
      return this;
    }
    busy = true;
    ImportRun job = new ImportRun(run.request(), settings, journal, getContext().getSystem().scheduler(),
        graveyard::storedPatterns, DataFiles.create(getContext().getSystem().settings().config()), graveyard.clock());
    CompletableFuture<ImportReport> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return job.run();
              } catch (java.io.IOException e) {
                throw new CompletionException(e);
              }
            },
            blocking);
    getContext().pipeToSelf(f, (report, err) -> new Finished(run, report, unwrap(err)));
    return this;
  }

  private Behavior<Command> onFinished(Finished f) {
    busy = false;
    if (f.failure() == null) {
      metrics.succeeded(f.report(), graveyard.storedPatterns());
      graveyard.imported(f.report());
      graveyard.clearDegraded();
      getContext().getLog().info(
          "graveyard import succeeded at [{}] in [{}] ms: [{}] records read, [{}] imported, [{}] quarantined, [{}] records/s, parse-error rate [{}], [{}] patterns stored{}",
          f.report().finishedAt(), f.report().duration().toMillis(), f.report().recordsRead(), f.report().imported(), f.report().quarantined(),
          Math.round(f.report().recordsPerSecond()), String.format("%.5f", f.report().parseErrorRate()),
          graveyard.storedPatterns(), f.report().ok() ? "" : "; " + f.report().problems());
      f.run().replyTo().tell(StatusReply.success(f.report()));
      return this;
    }
    metrics.failed();
    String reason = "import of " + f.run().request().jobs() + " failed: " + f.failure();
    graveyard.degrade(reason);
    f.run().replyTo().tell(StatusReply.error(reason));
    throw new ImportFailed(reason, f.failure());
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
