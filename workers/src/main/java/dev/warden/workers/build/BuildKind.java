package dev.warden.workers.build;

import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.cluster.Singletons;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.journal.JournalDb;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The build kind ({@code build}): package builds leased to remote drones over the node's HTTP API
 * (docs/kinds/build.md). Start it with {@code Warden.start(conf, BuildKind.create())} (plus the host's
 * {@link ArtifactValidator} and {@link DroneProbe}s), then use {@link Builds#of}.
 */
public final class BuildKind implements WorkerKind<ControlPlane.Command> {
  public static final String NAME = "build";
  private final Clock clock;
  private final ArtifactValidator validator;
  private final List<DroneProbe> probes;
  private final Builds builds;

  private BuildKind(Clock clock, ArtifactValidator validator, List<DroneProbe> probes) {
    this.clock = clock;
    this.validator = validator;
    this.probes = List.copyOf(probes);
    this.builds = new Builds();
  }

  /** With the default validator (any non-empty digest is VALID) and the probes of {@code warden.build.healing.probes}. */
  public static BuildKind create() {
    return new BuildKind(Clock.systemUTC(), ArtifactValidator.digestPresent(), List.of());
  }

  /** The host's artifact validator, called off the actor's thread for every success reported. */
  public BuildKind withValidator(ArtifactValidator v) {
    return new BuildKind(clock, v, probes);
  }

  /** A probe of the host's, run beside the configured ones. */
  public BuildKind withProbe(DroneProbe p) {
    List<DroneProbe> all = new ArrayList<>(probes);
    all.add(p);
    return new BuildKind(clock, validator, all);
  }

  /** Another clock (tests). */
  public BuildKind withClock(Clock c) {
    return new BuildKind(c, validator, probes);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(Config config) {
    BuildSettings.create(config);
    DroneTokens.load(ServiceSettings.create(config).droneTokensFile());
    PersistenceSettings.create(config);
  }

  /**
   * In local mode the root is the control plane, an event-sourced behavior: a write or recovery that fails because
   * the journal's database is away restarts it with backoff until the database is back, not counted towards
   * max-restarts (in cluster mode the singleton's own backoff does that).
   */
  @Override
  public Predicate<Throwable> outage() {
    return JournalDb::isOutage;
  }

  /** Creates the journal schema once per process, before the control plane recovers. */
  @Override
  public void prepare(ActorSystem<?> system) {
    SchemaBootstrap.ensure(system);
  }

  Builds builds() {
    return builds;
  }

  /** {@code /api/v1/builds/...}: the drone protocol (per-drone tokens) and the operators' routes. */
  @Override
  public Optional<KindRoutes> routes(HttpContext http) {
    ServiceSettings service = ServiceSettings.create(http.warden().config());
    return Optional.of(BuildRoutes.create(http, builds, DroneTokens.load(service.droneTokensFile())));
  }

  @Override
  public Behavior<ControlPlane.Command> rootBehavior(KindContext kc) {
    return Behaviors.setup(ctx -> {
      BuildSettings settings = BuildSettings.create(kc.config());
      ServiceSettings service = ServiceSettings.create(kc.config());
      BuildStats stats = builds.view();
      kc.jmx().registerIfAbsent(kc.jmx().name(NAME, null), stats);
      kc.metrics().gauge("queued", () -> gauge(stats, BuildMetrics::queued));
      kc.metrics().gauge("leased", () -> gauge(stats, BuildMetrics::leased));
      kc.metrics().gauge("blocked", () -> gauge(stats, BuildMetrics::blocked));
      List<DroneProbe> all = new ArrayList<>(service.probes());
      all.addAll(probes);
      Behavior<ControlPlane.Command> plane = ControlPlane.create(kc, settings, service, clock, validator, all, stats);
      if (Singletons.clustered(kc.config())) {
        // one writer of the build journal in the cluster: the oldest member runs its own `plane` as the singleton
        builds.attachSingleton(ctx.getSystem(), Singletons.clusterWide(ctx.getSystem(), kc.kind(), PlaneHost.SINGLETON, PlaneHost.create(plane)), service);
        return Behaviors.empty();
      }
      builds.attach(ctx.getSystem(), ctx.getSelf(), service);
      return plane;
    });
  }

  private static long gauge(BuildStats stats, java.util.function.ToIntFunction<BuildMetrics> f) {
    BuildMetrics m = stats.metrics();
    return m == null ? 0 : f.applyAsInt(m);
  }
}
