package dev.warden.core.http.internal;

import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.tree.TreeNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The web console: a static page with a little plain JavaScript, served from this package's
 * {@code console/} resources at {@code /} (no data in it: it reads the API with the bearer token
 * the person gives it), and the live feed it listens to, {@code GET /api/v1/events}: server-sent
 * events carrying a snapshot of the supervisor tree and every kind's counters, checked once a
 * second and pushed only when it changed (a heartbeat comment after {@code warden.http.events-heartbeat}
 * without one). One stream
 * per open page; each is a one-second tick, so a page costs the node one snapshot a second, and
 * at most {@code warden.http.max-event-streams} are open at once (one more is answered 503).
 */
final class ConsoleRoutes {
  private static final String DIR = "dev/warden/core/http/internal/console";
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  /** The page loads nothing but its own files and talks only to its own node. */
  private static final List<HttpHeader> PAGE_HEADERS = List.of(
      RawHeader.create("Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
              + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
      RawHeader.create("X-Frame-Options", "DENY"), // frame-ancestors for browsers without CSP level 2
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-cache"));

  private final HttpContext http;
  private final List<KindHandle> kinds;
  private final int maxStreams;
  private final Duration heartbeat;
  private final AtomicInteger open = new AtomicInteger();

  ConsoleRoutes(HttpContext http, List<KindHandle> kinds, int maxStreams, Duration heartbeat) {
    this.http = http;
    this.maxStreams = maxStreams;
    this.heartbeat = heartbeat;
    this.kinds = new ArrayList<>(kinds);
    this.kinds.sort(Comparator.comparing(KindHandle::name));
  }

  /** {@code /} and {@code /console/*}: the page and its files (open, like the page of any server). */
  Route page() {
    // get() inside the paths: a matched get() cancels every 405 of the routes after it (Pekko's method directive)
    return concat(
        pathSingleSlash(() -> get(() -> respondWithHeaders(PAGE_HEADERS,
            () -> getFromResource(DIR + "/index.html", ContentTypes.TEXT_HTML_UTF8)))),
        pathPrefix("console", () -> get(() -> respondWithHeaders(PAGE_HEADERS, () -> getFromResourceDirectory(DIR)))));
  }

  /** {@code events}, mounted under {@code /api/v1} (behind the bearer token when one is set). */
  Route events() {
    return path("events", () -> get(() -> {
      // counted while a stream runs (from its materialization to its end), so a stream that never
      // started is never counted; requests racing at the limit may pass it by their number
      if (open.get() >= maxStreams) {
        throw ApiException.unavailable("too many live-feed streams open (" + maxStreams
            + ", warden.http.max-event-streams); close a console page or raise the limit");
      }
      return completeOK(feed().watchTermination((m, done) -> {
        open.incrementAndGet();
        done.whenComplete((d, e) -> open.decrementAndGet());
        return m;
      }), EventStreamMarshalling.toEventStream());
    }));
  }

  /** Live-feed streams open now. */
  int openStreams() {
    return open.get();
  }

  private Source<ServerSentEvent, NotUsed> feed() {
    return Source.tick(Duration.ZERO, CHECK_EVERY, "tick")
        .map(t -> snapshot())
        .statefulMapConcat(() -> {
          String[] last = {null};
          return s -> {
            if (s.equals(last[0])) {
              return Collections.<String>emptyList();
            }
            last[0] = s;
            return List.of(s);
          };
        })
        .map(s -> ServerSentEvent.create(s, "snapshot"))
        .keepAlive(heartbeat, ServerSentEvent::heartbeat)
        .mapMaterializedValue(c -> NotUsed.getInstance());
  }

  /**
   * The tree (by path; the page puts DEGRADED kinds on top) and each kind's counters. Uptime is left out (it
   * changes every second; the page computes it from {@code startedAtMillis}), so an idle node sends
   * nothing but heartbeats.
   */
  String snapshot() throws JsonProcessingException {
    ObjectNode o = http.object().put("node", http.warden().jmxNode());
    ArrayNode nodes = o.putArray("nodes");
    List<TreeNode> tree = new ArrayList<>(http.warden().tree().snapshot());
    tree.sort(Comparator.comparing(TreeNode::getPath));
    for (TreeNode n : tree) {
      NodeRoutes.treeNode(nodes.addObject(), n);
    }
    ObjectNode counters = o.putObject("kinds");
    for (KindHandle k : kinds) {
      ObjectNode c = counters.putObject(k.name()).put("pausable", k.pausable());
      ObjectNode values = c.putObject("counters");
      Map<String, Long> snap = new TreeMap<>(k.metrics().snapshot());
      snap.forEach(values::put);
    }
    return http.json().writeValueAsString(o);
  }
}
