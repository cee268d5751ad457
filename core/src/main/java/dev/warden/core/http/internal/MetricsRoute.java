package dev.warden.core.http.internal;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;

import dev.warden.core.metrics.NodeMeters;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: the node's meters in Prometheus text format 0.0.4 (see {@link NodeMeters}). */
final class MetricsRoute {
  private static final ContentType TEXT_004 = ContentTypes.parse(NodeMeters.CONTENT_TYPE);

  private MetricsRoute() {}

  static Route route(NodeMeters meters) {
    return get(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(TEXT_004, meters.scrape().getBytes(StandardCharsets.UTF_8)))));
  }
}
