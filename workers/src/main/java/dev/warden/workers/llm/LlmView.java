package dev.warden.workers.llm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The published, immutable figures of the llm kind: one per actor system, so that it outlives
 * restarts of the coordinator. The coordinator writes, JMX and {@link Llm} read.
 */
final class LlmView implements LlmMXBean {
  private static final Map<ActorSystem<?>, LlmView> views = new ConcurrentHashMap<>();

  record Snapshot(List<ConversationStats> conversations, Map<String, Integer> permits, Map<String, Integer> running,
      Map<String, Integer> queued, long pendingInLedger, boolean idle, long idleMillis, long idleWarnings) {
    static final Snapshot EMPTY = new Snapshot(List.of(), Map.of(), Map.of(), Map.of(), 0, false, 0, 0);
  }

  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);

  static LlmView of(ActorSystem<?> system) {
    return views.computeIfAbsent(system, s -> {
      s.getWhenTerminated().thenRun(() -> views.remove(s));
      return new LlmView();
    });
  }

  void publish(Snapshot s) {
    current.set(s);
  }

  Snapshot snapshot() {
    return current.get();
  }

  @Override
  public List<ConversationStats> getConversations() {
    return current.get().conversations();
  }

  @Override
  public Map<String, Integer> getPermitsPerModel() {
    return current.get().permits();
  }

  @Override
  public Map<String, Integer> getRunningPerModel() {
    return current.get().running();
  }

  @Override
  public Map<String, Integer> getQueuedPerModel() {
    return current.get().queued();
  }

  @Override
  public long getPendingInLedger() {
    return current.get().pendingInLedger();
  }

  @Override
  public boolean isIdle() {
    return current.get().idle();
  }

  @Override
  public long getIdleMillis() {
    return current.get().idleMillis();
  }

  @Override
  public long getIdleWarnings() {
    return current.get().idleWarnings();
  }
}
