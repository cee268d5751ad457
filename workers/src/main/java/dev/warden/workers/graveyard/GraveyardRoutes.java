package dev.warden.workers.graveyard;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.core.http.Readiness;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The graveyard's part of the HTTP API ({@code /api/v1/graveyard}), over {@link Graveyard}: import
 * status and quarantine counts, the avoid regions, and the should-avoid question. Ready once the
 * pattern journal has recovered.
 */
final class GraveyardRoutes {
  private final HttpContext http;
  private final Graveyard graveyard;

  private GraveyardRoutes(HttpContext http, Graveyard graveyard) {
    this.http = http;
    this.graveyard = graveyard;
  }

  static KindRoutes create(HttpContext http, Graveyard graveyard) {
    GraveyardRoutes r = new GraveyardRoutes(http, graveyard);
    return KindRoutes.of(r.route())
        .withOpenApi(http.openApiResource(GraveyardRoutes.class, "openapi.json"))
        .withReadiness(() -> graveyard.ready()
            ? Readiness.ready("pattern journal recovered" + graveyard.degraded().map(d -> "; answers degraded: " + d).orElse(""))
            : Readiness.notReady("the pattern journal is recovering"));
  }

  private Route route() {
    return pathPrefix("graveyard", () -> concat(
        pathEnd(() -> get(this::status)),
        path("regions", () -> get(() -> parameterOptional("at", at -> regions(instant(at))))),
        path("should-avoid", () -> get(this::shouldAvoid))));
  }

  private Route status() {
    ObjectNode o = http.object().put("ready", graveyard.ready());
    o.put("degraded", graveyard.degraded().orElse(null));
    o.put("storedPatterns", graveyard.storedPatterns()).put("storedHighWater", graveyard.storedHighWater());
    o.put("importRunning", graveyard.importRunning());
    counts(o.putObject("exclusions"), graveyard.exclusions());
    ArrayNode files = o.putArray("files");
    long quarantined = 0;
    for (FileProgress p : graveyard.importedFiles()) {
      files.addObject().put("source", p.source().name()).put("path", p.path()).put("offset", p.offset())
          .put("recordsImported", p.recordsImported()).put("rangesQuarantined", p.rangesQuarantined());
      quarantined += p.rangesQuarantined();
    }
    o.put("rangesQuarantined", quarantined);
    Optional<ImportReport> last = graveyard.lastImport();
    if (last.isPresent()) {
      ImportReport r = last.get();
      ObjectNode l = o.putObject("lastImport")
          .put("finishedAt", r.finishedAt().toString())
          .put("durationMillis", r.duration().toMillis())
          .put("ok", r.ok())
          .put("recordsRead", r.recordsRead())
          .put("imported", r.imported())
          .put("quarantined", r.quarantined())
          .put("recordsPerSecond", Math.round(r.recordsPerSecond()))
          .put("parseErrorRate", r.parseErrorRate())
          .put("storedPatterns", r.storedPatterns());
      ArrayNode perFile = l.putArray("files");
      for (FileReport f : r.files()) {
        ObjectNode fo = perFile.addObject().put("source", f.source().name()).put("path", f.path().toString())
            .put("status", f.status().name()).put("recordsRead", f.recordsRead()).put("imported", f.imported())
            .put("alreadyPresent", f.alreadyPresent()).put("bytesRead", f.bytesRead()).put("note", f.note());
        fo.put("quarantineFile", f.quarantineFile() == null ? null : f.quarantineFile().toString());
        counts(fo.putObject("quarantined"), f.quarantined());
        counts(fo.putObject("excluded"), f.excluded());
      }
    } else {
      o.putNull("lastImport");
    }
    return http.ok(o);
  }

  private static void counts(ObjectNode into, Map<? extends Enum<?>, Long> counts) {
    counts.forEach((k, v) -> into.put(k.name(), v));
  }

  private Route regions(Instant at) {
    ObjectNode o = http.object().put("at", at.toString());
    o.put("degraded", graveyard.degraded().orElse(null));
    ArrayNode list = o.putArray("regions");
    for (Region r : graveyard.regions(at)) {
      try {
        list.add(http.json().readTree(r.toJson()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("region JSON", e);
      }
    }
    return http.ok(o);
  }

  private Route shouldAvoid() {
    return parameterOptional("sl", sl -> parameterOptional("tp", tp -> parameterOptional("timeframe", tf ->
        parameterOptional("direction", dir -> parameterOptional("symbol", sym -> parameterOptional("at", at -> {
          double s = HttpContext.doubleParam(sl, "sl");
          double t = HttpContext.doubleParam(tp, "tp");
          Instant when = instant(at);
          boolean cluster = tf.isPresent() || dir.isPresent() || sym.isPresent();
          boolean avoid = cluster
              ? graveyard.shouldAvoid(tf.orElse(null), dir.orElse(null), sym.orElse(null), s, t, when)
              : graveyard.shouldAvoid(s, t, when);
          ObjectNode o = http.object().put("sl", s).put("tp", t).put("at", when.toString()).put("avoid", avoid);
          o.put("degraded", graveyard.degraded().orElse(null));
          return http.ok(o);
        }))))));
  }

  private Instant instant(Optional<String> at) {
    if (at.isEmpty() || at.get().isEmpty()) {
      return graveyard.clock().instant();
    }
    try {
      return Instant.parse(at.get());
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("at", "query parameter [at] must be an ISO-8601 instant (2026-11-01T00:00:00Z), but was ["
          + at.get() + "]");
    }
  }
}
