package dev.warden.workers.build;

import java.util.List;

/**
 * What the core decided: the answer for whoever asked, and the events it applied to its state (in
 * order), which the actor journals before it sends the answer. No events: nothing durable changed.
 */
public record Decision<A>(A answer, List<BuildEvent> events) {
  public Decision {
    events = List.copyOf(events);
  }

  static <A> Decision<A> of(A answer) {
    return new Decision<>(answer, List.of());
  }
}
