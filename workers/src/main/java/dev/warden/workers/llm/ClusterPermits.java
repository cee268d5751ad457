package dev.warden.workers.llm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Cluster mode, one member's side of the cluster-wide permits ({@link PermitAccounting}): the
 * attempts of this member that wait for a permit or hold one. Owned by the {@link LlmCoordinator}
 * (not thread-safe).
 *
 * <p><b>Fail closed.</b> No attempt calls a model without a permit granted by the singleton. While
 * it is unreachable (its member died and it has not started elsewhere yet: about
 * {@code warden.cluster.stable-after} plus 5–10 s), waiting attempts keep waiting, asking again every
 * {@code warden.llm.idle.check-interval}; an attempt's wait is bounded by its own start-to-close
 * timeout (the ledger reaps it). Calls already granted run on. Granting locally instead would let
 * every member use the whole limit at once, which is what a provider's concurrency quota forbids.
 */
final class ClusterPermits {
  private record Waiting(String model, CompletableFuture<Void> grant) {}

  private final ActorRef<PermitAccounting.Command> accounting;
  private final ActorRef<LlmCoordinator.Command> self;
  private final LlmSettings settings;
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();
  /** Ticket to model. */
  private final Map<String, String> held = new HashMap<>();
  private final Set<String> models = new TreeSet<>();

  ClusterPermits(ActorRef<PermitAccounting.Command> accounting, ActorRef<LlmCoordinator.Command> self, LlmSettings settings) {
    this.accounting = accounting;
    this.self = self;
    this.settings = settings;
    tellHeld(); // nothing yet: a singleton that is settling need not wait for the first check to hear so
  }

  void acquire(String ticket, String model, CompletableFuture<Void> grant) {
    models.add(model);
    waiting.put(ticket, new Waiting(model, grant));
    accounting.tell(new PermitAccounting.Acquire(ticket, model, self));
  }

  void granted(PermitAccounting.Granted g) {
    Waiting w = waiting.remove(g.ticket());
    if (w != null && w.grant().complete(null)) {
      held.put(g.ticket(), g.model());
    } else if (!held.containsKey(g.ticket())) {
      accounting.tell(new PermitAccounting.Release(g.ticket(), g.model())); // withdrawn meanwhile: give it back
    }
  }

  void release(String ticket, String model) {
    held.remove(ticket);
    waiting.remove(ticket);
    accounting.tell(new PermitAccounting.Release(ticket, model));
  }

  /** Every check interval: what this member holds, and its waiters again (both idempotent), for a singleton that started anew. */
  void resend() {
    tellHeld();
    waiting.entrySet().removeIf(e -> e.getValue().grant().isDone()); // cancelled by its attempt
    waiting.forEach((t, w) -> accounting.tell(new PermitAccounting.Acquire(t, w.model(), self)));
  }

  /** Even when empty: a settling singleton waits for every Up member's word before it grants anything. */
  private void tellHeld() {
    Map<String, List<String>> byModel = new HashMap<>();
    held.forEach((t, m) -> byModel.computeIfAbsent(m, k -> new ArrayList<>()).add(t));
    accounting.tell(new PermitAccounting.Held(byModel, self));
  }

  int inFlight() {
    return waiting.size() + held.size();
  }

  /** This member's share, by model: permits (the cluster-wide limit), running here, waiting here. */
  void figures(Map<String, Integer> permits, Map<String, Integer> running, Map<String, Integer> queued) {
    for (String m : models) {
      permits.put(m, settings.concurrencyOf(m));
      running.put(m, 0);
      queued.put(m, 0);
    }
    held.values().forEach(m -> running.merge(m, 1, Integer::sum));
    waiting.values().forEach(w -> queued.merge(w.model(), 1, Integer::sum));
  }

  void failWaiters(Throwable t) {
    waiting.values().forEach(w -> w.grant().completeExceptionally(t));
    waiting.clear();
  }
}
