package dev.warden.persistence.checkpoint;

import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.WardenSettings;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.journal.JournalSettings;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Checkpointer} plugged into Warden as kind {@code checkpointer}. Its
 * {@link #prepare} validates the settings and creates the journal schema before any kind
 * starts; it stops last ({@link #SHUTDOWN_ORDER}), after every writer, with the final checkpoint.
 * On PostgreSQL, which checkpoints itself, it idles ({@link IdleCheckpointer}).
 */
public final class CheckpointerKind implements WorkerKind<Checkpointer.Command> {
  /** Above every writing kind (0): the final checkpoint sees their last writes. */
  static final int SHUTDOWN_ORDER = 100;

  private static final Logger log = LoggerFactory.getLogger(CheckpointerKind.class);

  private final Function<PersistenceSettings, CheckpointRunner> runners;

  private CheckpointerKind(Function<PersistenceSettings, CheckpointRunner> runners) {
    this.runners = runners;
  }

  /** The checkpointer as a worker kind, running checkpoints over JDBC. */
  public static CheckpointerKind create() {
    return new CheckpointerKind(JdbcCheckpointRunner::of);
  }

  /** The checkpointer with its own runner per incarnation (for tests and other stores). */
  public static CheckpointerKind create(Function<PersistenceSettings, CheckpointRunner> runners) {
    return new CheckpointerKind(runners);
  }

  @Override
  public String name() {
    return "checkpointer";
  }

  @Override
  public void validate(Config config) {
    PersistenceSettings.create(config);
    JournalSettings.create(config);
  }

  @Override
  public void prepare(ActorSystem<?> system) {
    PersistenceSettings settings = PersistenceSettings.create(system);
    WardenSettings warden = WardenSettings.create(system.settings().config());
    if (settings.finalTimeout().compareTo(warden.kindStopTimeout()) >= 0) {
      log.warn(
          "warden.persistence.checkpoint.final-timeout [{}] is not below warden.shutdown.kind-timeout [{}]:"
              + " a hanging final checkpoint will be cut by the supervisor before its own bound",
          settings.finalTimeout(),
          warden.kindStopTimeout());
    }
    SchemaBootstrap.ensure(system); // also validates warden.journal.*: a host's own persistent actors use it
  }

  @Override
  public Behavior<Checkpointer.Command> rootBehavior(KindContext context) {
    PersistenceSettings settings = PersistenceSettings.create(context.config());
    if (settings.dialect() != Dialect.H2) {
      return IdleCheckpointer.create(context, settings);
    }
    return Checkpointer.create(context, settings, runners.apply(settings));
  }

  @Override
  public Optional<Function<ActorRef<Done>, Checkpointer.Command>> stopMessage() {
    return Optional.of(Checkpointer.FinalCheckpoint::new);
  }

  @Override
  public int shutdownOrder() {
    return SHUTDOWN_ORDER;
  }

  @Override
  public Map<String, Checkpointer.Command> operations() {
    return Map.of("checkpointNow", Checkpointer.CheckpointNow.UNANSWERED);
  }
}
