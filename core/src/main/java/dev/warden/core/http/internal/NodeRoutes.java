package dev.warden.core.http.internal;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.Readiness;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.TreeNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The server's own routes, which know no kind: health ({@code /alive}, {@code /ready}), the
 * supervisor tree, every kind's state, counters and JMX-like controls, and the OpenAPI document.
 */
final class NodeRoutes {
  private final HttpContext http;
  private final Map<String, KindHandle> kinds = new TreeMap<>();
  private final Map<String, Supplier<Readiness>> checks;
  private final ObjectNode openApi;
  private final BooleanSupplier stopping;

  NodeRoutes(HttpContext http, List<KindHandle> kinds, Map<String, Supplier<Readiness>> checks, ObjectNode openApi,
      BooleanSupplier stopping) {
    this.http = http;
    kinds.forEach(k -> this.kinds.put(k.name(), k));
    this.checks = new TreeMap<>(checks);
    this.openApi = openApi;
    this.stopping = stopping;
  }

  /**
   * {@code /alive} and {@code /ready}: open, for probes. A DEGRADED kind's last failure (an exception's message,
   * which may quote a job's data) is shown only to a request {@code admitted} lets in (the bearer token, when
   * the node has one); anyone else sees which kinds are degraded, not why.
   */
  Route health(Predicate<Optional<String>> admitted) {
    return concat(
        path("alive", () -> get(() -> http.ok(http.object().put("alive", true).put("node", http.warden().jmxNode())))),
        path("ready", () -> get(() -> optionalHeaderValueByName("Authorization", h -> ready(admitted.test(h))))));
  }

  /** What is mounted under {@code /api/v1}. */
  Route api() {
    return concat(
        path("tree", () -> get(this::tree)),
        pathPrefix("kinds", () -> concat(
            pathEnd(() -> get(this::kinds)),
            pathPrefix(PathMatchers.segment(), name -> concat(
                pathEnd(() -> get(() -> http.ok(kind(handle(name))))),
                path("restart", () -> post(() -> control(name, "restart", Supervisor.Control.RESTART))),
                path("pause", () -> post(() -> control(name, "pause", Supervisor.Control.PAUSE))),
                path("resume", () -> post(() -> control(name, "resume", Supervisor.Control.RESUME))),
                path(PathMatchers.segment("operations").slash(PathMatchers.segment()), op -> post(() -> invoke(name, op))))))),
        path("openapi.json", () -> get(() -> http.ok(openApi))));
  }

  private Route ready(boolean withFailures) {
    ObjectNode body = http.object().put("node", http.warden().jmxNode());
    boolean ready = !stopping.getAsBoolean();
    ArrayNode list = body.putArray("checks");
    for (Map.Entry<String, Supplier<Readiness>> c : checks.entrySet()) {
      Readiness r = c.getValue().get();
      ready &= r.ready();
      list.addObject().put("kind", c.getKey()).put("ready", r.ready()).put("detail", r.detail());
    }
    if (stopping.getAsBoolean()) {
      list.addObject().put("kind", "node").put("ready", false).put("detail", "the node is stopping");
    }
    ArrayNode degraded = body.putArray("degraded");
    for (TreeNode n : http.warden().tree().snapshot()) {
      if (n.state() == NodeState.DEGRADED) {
        ObjectNode d = degraded.addObject().put("path", n.getPath()).put("kind", n.getKind());
        if (withFailures) {
          d.put("lastFailure", n.getLastFailure());
        }
      }
    }
    body.put("ready", ready);
    return http.complete(ready ? 200 : 503, body);
  }

  private Route tree() {
    ObjectNode body = http.object().put("node", http.warden().jmxNode());
    ArrayNode nodes = body.putArray("nodes");
    for (TreeNode n : http.warden().tree().snapshot()) {
      nodes.add(node(n));
    }
    return http.ok(body);
  }

  private ObjectNode node(TreeNode n) {
    return treeNode(http.object(), n).put("uptimeMillis", n.getUptimeMillis());
  }

  /** A tree node's fields as the API and the console's stream show them (uptime left to the caller). */
  static ObjectNode treeNode(ObjectNode o, TreeNode n) {
    return o.put("path", n.getPath())
        .put("name", n.name())
        .put("depth", n.depth())
        .put("kind", n.getKind())
        .put("state", n.getState())
        .put("restartCount", n.getRestartCount())
        .put("lastFailure", n.getLastFailure())
        .put("lastFailureAtMillis", n.getLastFailureAtMillis())
        .put("startedAtMillis", n.getStartedAtMillis())
        .put("info", n.getInfo());
  }

  private Route kinds() {
    ObjectNode body = http.object();
    ArrayNode list = body.putArray("kinds");
    kinds.values().forEach(k -> list.add(kind(k)));
    return http.ok(body);
  }

  private ObjectNode kind(KindHandle k) {
    Optional<TreeNode> n = http.warden().tree().node(k.path());
    ObjectNode o = http.object().put("name", k.name()).put("path", k.path());
    o.put("state", n.map(TreeNode::getState).orElse(NodeState.STOPPED.name()));
    o.put("restartCount", n.map(TreeNode::getRestartCount).orElse(0L));
    o.put("lastFailure", n.map(TreeNode::getLastFailure).orElse(""));
    o.put("lastFailureAtMillis", n.map(TreeNode::getLastFailureAtMillis).orElse(0L));
    o.put("uptimeMillis", n.map(TreeNode::getUptimeMillis).orElse(0L));
    o.put("pausable", k.pausable());
    ArrayNode ops = o.putArray("operations");
    new TreeMap<>(k.operations()).keySet().forEach(ops::add);
    ObjectNode counters = o.putObject("counters");
    k.metrics().snapshot().forEach(counters::put);
    return o;
  }

  private KindHandle handle(String name) {
    KindHandle k = kinds.get(name);
    if (k == null) {
      throw ApiException.notFound("name", "no kind [" + name + "]; running: " + kinds.keySet());
    }
    return k;
  }

  private Route control(String name, String what, Supervisor.Control control) {
    KindHandle k = handle(name);
    if (control != Supervisor.Control.RESTART && !k.pausable()) {
      throw ApiException.conflict("kind [" + name + "] cannot be paused or resumed");
    }
    k.supervisor().tell(control);
    return http.complete(202, http.object().put("kind", name).put("sent", what));
  }

  private Route invoke(String name, String operation) {
    KindHandle k = handle(name);
    Object message = k.operations().get(operation);
    if (message == null) {
      throw ApiException.notFound("operation", "kind [" + name + "] has no operation [" + operation + "]; known: "
          + new TreeMap<>(k.operations()).keySet());
    }
    k.supervisor().tell(message);
    return http.complete(202, http.object().put("kind", name).put("sent", operation));
  }
}
