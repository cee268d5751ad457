package dev.warden.persistence.ledger.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Pekko Management readiness check (cluster mode; bound in warden-defaults.conf): ready once every
 * ledger partition answers through this node, the same condition as the node's own {@code /ready}.
 */
public final class LedgerReadiness implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  public LedgerReadiness(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(ClusterPlacement.of(system).map(ClusterPlacement::serving).orElse(false));
  }
}
