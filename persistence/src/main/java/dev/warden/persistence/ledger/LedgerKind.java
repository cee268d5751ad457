package dev.warden.persistence.ledger;

import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.internal.ClusterPlacement;
import dev.warden.persistence.ledger.internal.LedgerRoot;
import dev.warden.persistence.ledger.internal.PartitionCount;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The job ledger as Warden kind {@code ledger}: pass {@link #create()} to {@code Warden.start}
 * (with {@code CheckpointerKind.create()}), then reach it through {@link JobLedger#of}. Its
 * {@code prepare} validates {@code warden.ledger} and creates the journal schema; it stops with
 * the writers (shutdown order 0), draining the partitions so nothing is marked interrupted.
 */
public final class LedgerKind implements WorkerKind<LedgerRoot.Command> {
  public static final String NAME = "ledger";

  private LedgerKind() {}

  public static LedgerKind create() {
    return new LedgerKind();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(Config config) {
    LedgerSettings.create(config);
    PersistenceSettings.create(config);
  }

  @Override
  public void prepare(ActorSystem<?> system) {
    LedgerSettings settings = LedgerSettings.create(system.settings().config());
    SchemaBootstrap.ensure(system);
    PartitionCount.check(PersistenceSettings.create(system), settings.partitions());
    if (ClusterPlacement.enabled(system.settings().config())) {
      ClusterPlacement.startManagement(system);
    }
  }

  @Override
  public Behavior<LedgerRoot.Command> rootBehavior(KindContext context) {
    return LedgerRoot.create(context, LedgerControl::new);
  }

  @Override
  public Optional<Function<ActorRef<Done>, LedgerRoot.Command>> stopMessage() {
    return Optional.of(LedgerRoot.Stop::new);
  }

  @Override
  public int shutdownOrder() {
    return 0;
  }

  @Override
  public Map<String, LedgerRoot.Command> operations() {
    return Map.of("reapNow", LedgerRoot.ReapNow.INSTANCE);
  }

  /** {@code /api/v1/jobs} and {@code /api/v1/ledger}; the node is ready once every partition has recovered. */
  @Override
  public Optional<KindRoutes> routes(HttpContext http) {
    return Optional.of(LedgerRoutes.create(http));
  }
}
