package dev.warden.workers.llm;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The llm kind's part of the HTTP API ({@code /api/v1/llm}): per-conversation latency p50/p95/p99
 * and timeout advice, bulkheads and the idle signal, the figures its MBean shows. Reads the
 * published {@link LlmView} only, so asking registers nothing (unlike {@link Llm#of}).
 */
final class LlmRoutes {
  private final HttpContext http;
  private final LlmMXBean view;

  private LlmRoutes(HttpContext http, LlmMXBean view) {
    this.http = http;
    this.view = view;
  }

  static KindRoutes create(HttpContext http) {
    LlmRoutes r = new LlmRoutes(http, LlmView.of(http.warden().system()));
    return KindRoutes.of(r.route()).withOpenApi(http.openApiResource(LlmRoutes.class, "openapi.json"));
  }

  private Route route() {
    return pathPrefix("llm", () -> concat(
        pathEnd(() -> get(this::overview)),
        path("conversations", () -> get(() -> http.ok(conversations(http.object()))))));
  }

  private Route overview() {
    ObjectNode o = http.object();
    perModel(o.putObject("permitsPerModel"), view.getPermitsPerModel());
    perModel(o.putObject("runningPerModel"), view.getRunningPerModel());
    perModel(o.putObject("queuedPerModel"), view.getQueuedPerModel());
    o.put("pendingInLedger", view.getPendingInLedger())
        .put("idle", view.isIdle())
        .put("idleMillis", view.getIdleMillis())
        .put("idleWarnings", view.getIdleWarnings());
    return http.ok(conversations(o));
  }

  private ObjectNode conversations(ObjectNode into) {
    ArrayNode list = into.putArray("conversations");
    for (ConversationStats c : view.getConversations()) {
      list.addObject()
          .put("conversation", c.getConversation())
          .put("samples", c.getSamples())
          .put("p50Millis", c.getP50Millis())
          .put("p95Millis", c.getP95Millis())
          .put("p99Millis", c.getP99Millis())
          .put("configuredSeconds", c.getConfiguredSeconds())
          .put("suggestedSeconds", c.getSuggestedSeconds())
          .put("verdict", c.getVerdict())
          .put("reaped", c.getReaped())
          .put("reapRate", c.getReapRate());
    }
    return into;
  }

  private static void perModel(ObjectNode into, Map<String, Integer> m) {
    new java.util.TreeMap<>(m).forEach(into::put);
  }
}
