package dev.warden.workers.llm;

import dev.warden.core.metrics.MeterScope;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The {@link LlmMXBean}'s figures as meters, read from the coordinator's published {@link LlmView}:
 * latency quantiles and timeout advice per conversation class ({@code warden_llm_latency_seconds{conversation,quantile}},
 * the same nearest-rank figures over the same window as JMX and the timeout advice), and the bulkheads per model.
 */
final class LlmMeters {
  private LlmMeters() {}

  static Consumer<MeterScope> of(LlmView view) {
    return scope -> {
      scope.gauges("warden.llm.latency", "Latency of the conversation class's recent calls (the window of"
          + " warden.llm.latency), nearest-rank quantile", "seconds", () -> latencies(view));
      perConversation(scope, view, "warden.llm.latency.samples", "Samples in the conversation class's latency window", null,
          c -> c.getSamples());
      perConversation(scope, view, "warden.llm.timeout.configured", "The conversation class's configured timeout", "seconds",
          c -> c.getConfiguredSeconds());
      perConversation(scope, view, "warden.llm.timeout.suggested", "The timeout the latency window suggests (0 without"
          + " enough samples)", "seconds", c -> c.getSuggestedSeconds());
      perConversation(scope, view, "warden.llm.reaped", "Calls of the conversation class reaped for overrunning their"
          + " timeout, in the window", null, c -> c.getReaped());
      perConversation(scope, view, "warden.llm.reap.rate", "Share of the window's calls reaped (0..1)", null,
          c -> c.getReapRate());
      scope.gauges("warden.llm.permits", "Permits of the model's bulkhead", null, () -> perModel(view.snapshot().permits()));
      scope.gauges("warden.llm.running", "Calls holding a permit, per model", null, () -> perModel(view.snapshot().running()));
      scope.gauges("warden.llm.queued", "Attempts waiting for a permit, per model", null, () -> perModel(view.snapshot().queued()));
      scope.gauge("warden.llm.pending", "Interactions pending in the ledger (not started, or waiting to retry)", null,
          Tags.empty(), () -> view.snapshot().pendingInLedger());
      scope.gauge("warden.llm.idle", "1 once nothing was submitted, queued or running for warden.llm.idle.threshold", null,
          Tags.empty(), () -> view.snapshot().idle() ? 1 : 0);
      scope.gauge("warden.llm.idle.duration", "How long nothing has been queued or running (0 while busy)", "seconds",
          Tags.empty(), () -> view.snapshot().idleMillis() / 1000.0);
    };
  }

  private static Map<Tags, Double> latencies(LlmView view) {
    Map<Tags, Double> out = new HashMap<>();
    for (ConversationStats c : view.snapshot().conversations()) {
      out.put(Tags.of("conversation", c.getConversation(), "quantile", "0.5"), c.getP50Millis() / 1000.0);
      out.put(Tags.of("conversation", c.getConversation(), "quantile", "0.95"), c.getP95Millis() / 1000.0);
      out.put(Tags.of("conversation", c.getConversation(), "quantile", "0.99"), c.getP99Millis() / 1000.0);
    }
    return out;
  }

  private static void perConversation(MeterScope scope, LlmView view, String name, String description, String unit,
      ToDoubleFunction<ConversationStats> figure) {
    scope.gauges(name, description, unit, () -> {
      Map<Tags, Double> out = new HashMap<>();
      view.snapshot().conversations().forEach(c -> out.put(Tags.of("conversation", c.getConversation()), figure.applyAsDouble(c)));
      return out;
    });
  }

  private static Map<Tags, Integer> perModel(Map<String, Integer> values) {
    Map<Tags, Integer> out = new HashMap<>();
    values.forEach((model, v) -> out.put(Tags.of("model", model), v));
    return out;
  }
}
