package dev.warden.core.http.internal;

import dev.warden.core.KindMetrics;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One kind as the node's own routes see it (the same view its JMX MBean has): where it is in the
 * tree, its counters, and its supervisor for restart, pause, resume and its named operations.
 */
public record KindHandle(
    String name, String path, KindMetrics metrics, ActorRef<Object> supervisor, Map<String, ?> operations, boolean pausable) {

  public KindHandle {
    operations = Map.copyOf(operations);
  }
}
