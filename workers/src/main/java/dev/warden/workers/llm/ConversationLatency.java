package dev.warden.workers.llm;

import dev.warden.core.metrics.LatencyWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolling latency per conversation (completed and failed attempts only: reaped and cancelled ones
 * would drag p99 up, as they did in the incident's metrics). Bounded twice: {@code window} samples
 * per conversation, {@code maxConversations} conversations (least recently used dropped).
 * Not thread-safe: one owner (the llm coordinator).
 */
public final class ConversationLatency {
  private final int window;
  private final int minSamples;
  private final LinkedHashMap<String, LatencyWindow> byConversation;

  public ConversationLatency(int window, int minSamples, int maxConversations) {
    this.window = window;
    this.minSamples = minSamples;
    this.byConversation = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, LatencyWindow> eldest) {
        return size() > maxConversations;
      }
    };
  }

  public void record(String conversation, long millis) {
    byConversation.computeIfAbsent(conversation, c -> new LatencyWindow(window)).record(millis);
  }

  /** Advice for one conversation given its configured timeout. */
  public TimeoutAdvice advice(String conversation, long configuredSeconds) {
    LatencyWindow w = byConversation.get(conversation);
    if (w == null) {
      return TimeoutAdvice.of(conversation, 0, 0, 0, 0, configuredSeconds, minSamples);
    }
    return TimeoutAdvice.of(conversation, w.size(), w.percentile(0.50), w.percentile(0.95), w.percentile(0.99),
        configuredSeconds, minSamples);
  }

  /** The conversations currently tracked, most recently used last. */
  public List<String> conversations() {
    return new ArrayList<>(byConversation.keySet());
  }
}
