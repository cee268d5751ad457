package dev.warden.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One facade per running node ({@code JobLedger.of(warden)} and the like): made on first use and
 * forgotten once the node has stopped. Keyed by the node itself, not by its ActorSystem, because a
 * host may attach Warden to the same system again after closing it, and the new node's facade must
 * reach the new node's actors.
 */
public final class PerNode<T> {
  private final Map<Warden, T> instances = new ConcurrentHashMap<>(); // Warden: identity equality

  /** The node's facade, made by {@code create} the first time. */
  public T get(Warden warden, Function<Warden, T> create) {
    T known = instances.get(warden);
    if (known != null) {
      return known;
    }
    return instances.computeIfAbsent(
        warden,
        w -> {
          // Async: the node may have stopped already, and a removal inside computeIfAbsent would throw.
          w.whenStopped().thenRunAsync(() -> instances.remove(w));
          return create.apply(w);
        });
  }
}
