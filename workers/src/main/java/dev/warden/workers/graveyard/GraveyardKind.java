package dev.warden.workers.graveyard;

import dev.warden.persistence.PersistenceSettings;
import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.KindContext;
import dev.warden.core.cluster.Singletons;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.journal.JournalDb;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The graveyard worker kind: failure patterns in an event-sourced journal, legacy file import,
 * and the avoid-region and pattern-match answers. The host keeps the kind and asks it for
 * {@link Graveyard#of}:
 *
 * <pre>{@code
 * GraveyardKind kind = GraveyardKind.create();
 * try (Warden w = Warden.start(config, kind)) {
 *   Graveyard graveyard = Graveyard.of(w);
 *   graveyard.importFiles(ImportRequest.of(Path.of("graveyard.sexp")));
 *   boolean avoid = graveyard.shouldAvoid(0.35, 1.2);
 * }
 * }</pre>
 *
 * <p>Tree: {@code /warden/graveyard/journal} (the one writer) and
 * {@code /warden/graveyard/importer}, each under its own supervisor. In cluster mode both run in the
 * cluster singleton {@link GraveyardWriter} instead, and each member has {@code /warden/graveyard/replica}
 * ({@link PatternReplica}), which its queries read.
 */
public final class GraveyardKind implements WorkerKind<Void> {
  public static final String NAME = "graveyard";

  private final Graveyard graveyard;

  private GraveyardKind(Clock clock) {
    this.graveyard = new Graveyard(clock);
  }

  public static GraveyardKind create() {
    return new GraveyardKind(Clock.systemUTC());
  }

  /** A kind whose queries without an explicit time use {@code clock}. */
  public static GraveyardKind create(Clock clock) {
    return new GraveyardKind(clock);
  }

  /** The facade this kind serves; hosts reach it through {@link Graveyard#of}. */
  Graveyard graveyard() {
    return graveyard;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(Config config) {
    GraveyardSettings.create(config);
    PersistenceSettings.create(config);
    ConfigReader.at(config, "warden.graveyard.cluster").positiveDuration("follow-interval");
  }

  /** Creates the journal schema once per process, before the journal starts. */
  @Override
  public void prepare(ActorSystem<?> system) {
    SchemaBootstrap.ensure(system);
    GraveyardSettings.create(system);
  }

  /** {@code /api/v1/graveyard}: import status, regions, should-avoid; ready once the pattern journal recovered. */
  @Override
  public Optional<KindRoutes> routes(HttpContext http) {
    return Optional.of(GraveyardRoutes.create(http, graveyard));
  }

  @Override
  public Behavior<Void> rootBehavior(KindContext kc) {
    return Behaviors.setup(
        ctx -> {
          ctx.setLoggerName(GraveyardKind.class);
          GraveyardSettings settings = GraveyardSettings.create(kc.config());
          ImportMetrics metrics = new ImportMetrics(kc.metrics(), graveyard::storedPatterns, graveyard::storedHighWater);
          if (Singletons.clustered(kc.config())) {
            // one writer in the cluster (a singleton with the importer beside it); every member answers from its replica
            Duration follow = ConfigReader.at(kc.config(), "warden.graveyard.cluster").positiveDuration("follow-interval");
            ActorRef<PatternReplica.Command> replica = kc.superviseThroughOutages(
                ctx, "replica", () -> PatternReplica.create(settings, follow, graveyard::recovered), JournalDb::isOutage);
            ActorRef<GraveyardWriter.Command> writer = Singletons.clusterWide(ctx.getSystem(), kc.kind(), GraveyardWriter.SINGLETON,
                GraveyardWriter.create(settings, graveyard, metrics));
            graveyard.attachCluster(ctx.getSystem(), writer, replica, settings);
            return Behaviors.empty();
          }
          // the journal's database away (a write or recovery failed, an import's batch timed out) is not a crash of
          // theirs: they restart with backoff until it is back instead of being parked as DEGRADED
          ActorRef<PatternJournal.Command> journal = kc.superviseThroughOutages(
              ctx, "journal", () -> PatternJournal.create(settings, graveyard::recovered), JournalDb::isOutage);
          ActorRef<Importer.Command> importer = kc.superviseThroughOutages(
              ctx, "importer", () -> Importer.create(settings, journal, graveyard, metrics), JournalDb::isOutage);
          graveyard.attach(ctx.getSystem(), journal, importer, settings);
          return Behaviors.empty();
        });
  }
}
