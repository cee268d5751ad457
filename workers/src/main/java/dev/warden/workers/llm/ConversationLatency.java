package dev.warden.workers.llm;

import dev.warden.core.metrics.LatencyWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolling latency per conversation (completed and failed attempts only: reaped and cancelled ones
 * would drag p99 up, as they did in the incident's metrics), and beside it the share of recent
 * calls reaped at their start-to-close timeout: right-censored samples, which took at least the
 * timeout, so that a conversation whose every call is reaped still gets advice. Bounded twice:
 * {@code window} samples and outcomes per conversation, {@code maxConversations} conversations
 * (least recently used dropped). Not thread-safe: one owner (the llm coordinator).
 */
public final class ConversationLatency {
  private final int window;
  private final int minSamples;
  private final double reapRateThreshold;
  private final LinkedHashMap<String, Track> byConversation;

  /** One conversation: its latency window and a ring of its last {@code window} outcomes (reaped or not). */
  private static final class Track {
    final LatencyWindow latency;
    final boolean[] reapedRing;
    int next;
    int outcomes;
    int reaped;

    Track(int window) {
      latency = new LatencyWindow(window);
      reapedRing = new boolean[window];
    }

    void outcome(boolean wasReaped) {
      if (outcomes == reapedRing.length) {
        reaped -= reapedRing[next] ? 1 : 0;
      } else {
        outcomes++;
      }
      reapedRing[next] = wasReaped;
      reaped += wasReaped ? 1 : 0;
      next = (next + 1) % reapedRing.length;
    }
  }

  /** @param reapRateThreshold share of recent calls reaped at the timeout above which the advice is TOO_LOW */
  public ConversationLatency(int window, int minSamples, double reapRateThreshold, int maxConversations) {
    this.window = window;
    this.minSamples = minSamples;
    this.reapRateThreshold = reapRateThreshold;
    this.byConversation = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Track> eldest) {
        return size() > maxConversations;
      }
    };
  }

  /** A completed or failed call and its latency. */
  public void record(String conversation, long millis) {
    Track t = track(conversation);
    t.latency.record(millis);
    t.outcome(false);
  }

  /** A call reaped at its start-to-close timeout: no latency sample, but it counts toward the reap rate. */
  public void recordReaped(String conversation) {
    track(conversation).outcome(true);
  }

  private Track track(String conversation) {
    return byConversation.computeIfAbsent(conversation, c -> new Track(window));
  }

  /** Advice for one conversation given its configured timeout. */
  public TimeoutAdvice advice(String conversation, long configuredSeconds) {
    Track t = byConversation.get(conversation);
    if (t == null) {
      return TimeoutAdvice.of(conversation, 0, 0, 0, 0, configuredSeconds, minSamples);
    }
    LatencyWindow w = t.latency;
    return TimeoutAdvice.of(conversation, w.size(), w.percentile(0.50), w.percentile(0.95), w.percentile(0.99),
        configuredSeconds, minSamples, t.outcomes, t.reaped, reapRateThreshold);
  }

  /** The conversations currently tracked, most recently used last. */
  public List<String> conversations() {
    return new ArrayList<>(byConversation.keySet());
  }
}
