package dev.warden.workers.build;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
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
import dev.warden.core.http.KindRoutes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The build kind's part of the HTTP API. The drone protocol ({@code /api/v1/builds/drones/{drone}/...}) is
 * self-authenticated: with {@code warden.build.service.drone-tokens-file} every request carries that drone's
 * own bearer token; the node's operator token is not needed. Without that file the drone protocol is behind
 * the node's token like everything else. Everything else under {@code /api/v1/builds}
 * (packages, releases, retries, figures) is behind the node's token like the rest of the API. Field names of
 * the drone protocol are snake_case; docs/kinds/build.md has a curl example per endpoint.
 */
final class BuildRoutes {
  private final HttpContext http;
  private final Builds builds;
  private final DroneTokens tokens;
  private final BuildJson json;

  private BuildRoutes(HttpContext http, Builds builds, DroneTokens tokens) {
    this.http = http;
    this.builds = builds;
    this.tokens = tokens;
    this.json = new BuildJson(http);
  }

  static KindRoutes create(HttpContext http, Builds builds, DroneTokens tokens) {
    BuildRoutes r = new BuildRoutes(http, builds, tokens);
    if (!tokens.required()) {
      // no drone tokens: the drone protocol sits behind the node's token like the rest (on loopback every
      // local user could otherwise pose as a drone, lease packages and report them built)
      return KindRoutes.of(concat(r.drones(), r.operators()))
          .withOpenApi(http.openApiResource(BuildRoutes.class, "openapi.json"));
    }
    return KindRoutes.of(r.operators())
        .withSelfAuthenticated(r.drones())
        .withOpenApi(http.openApiResource(BuildRoutes.class, "openapi.json"));
  }

  // ---- the drone protocol

  private Route drones() {
    return pathPrefix(PathMatchers.segment("builds").slash("drones").slash(PathMatchers.segment()), drone -> authenticated(drone, () -> concat(
        pathEnd(() -> get(() -> http.respond(builds.droneView(drone).thenApply(v -> json.drone(
            v.orElseThrow(() -> ApiException.notFound("drone", "drone [" + drone + "] is not registered"))))))),
        path("register", () -> post(() -> http.jsonBody(b -> register(drone, b)))),
        path("heartbeat", () -> post(() -> http.jsonBody(b -> heartbeat(drone, b)))),
        path("lease", () -> post(() -> http.jsonBody(b -> leaseRoute(drone, b)))),
        path("report", () -> post(() -> http.jsonBody(b -> report(drone, b)))))));
  }

  private Route authenticated(String drone, Supplier<Route> inner) {
    if (!tokens.required()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", h -> tokens.admits(drone, h) ? inner.get()
        : complete(http.errorResponse(401, h.isPresent() ? "the drone token is wrong for drone [" + drone + "]"
            : "a drone token is required (Authorization: Bearer <token>)", "Authorization")
            .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "warden-drones")))));
  }

  private Route register(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("cores", "capabilities", "machine", "holding"));
    int cores = BuildFields.positiveInt(b, "cores");
    Set<String> capabilities = new LinkedHashSet<>(BuildFields.strings(b, "capabilities"));
    MachineKind machine;
    try {
      machine = MachineKind.parse(HttpContext.optionalString(b, "machine").orElse("unknown"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("machine", e.getMessage());
    }
    Registration r = BuildFields.valid("holding", () -> new Registration(drone, cores, capabilities, machine, BuildFields.leases(b, "holding")));
    return http.respond(builds.register(r).thenApply(json::heartbeat));
  }

  private Route heartbeat(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("current", "building_since", "queue", "unreported"));
    LeaseRef current = b.hasNonNull("current") ? BuildFields.lease(b.get("current"), "current") : null;
    Instant since = HttpContext.optionalString(b, "building_since").map(s -> {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("building_since", "building_since must be an ISO-8601 instant, but was [" + s + "]");
      }
    }).orElse(null);
    Heartbeat hb = BuildFields.valid("building_since", () -> new Heartbeat(drone, current, since, BuildFields.leases(b, "queue"), BuildFields.leases(b, "unreported")));
    return http.respond(builds.heartbeat(hb).thenApply(json::heartbeat));
  }

  private Route leaseRoute(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("wanted"));
    int wanted = b.has("wanted") ? BuildFields.positiveInt(b, "wanted") : 1;
    return http.respond(builds.lease(drone, wanted).thenApply(json::lease));
  }

  private Route report(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("package", "epoch", "outcome", "digest", "detail"));
    String pkg = HttpContext.requiredString(b, "package");
    int epoch = BuildFields.positiveInt(b, "epoch");
    String outcome = HttpContext.requiredString(b, "outcome");
    Report.Outcome o = switch (outcome) {
      case "success" -> Report.Outcome.SUCCESS;
      case "failure" -> Report.Outcome.FAILURE;
      default -> throw ApiException.badRequest("outcome", "outcome must be success or failure, but was [" + outcome + "]");
    };
    Report r = BuildFields.valid("package", () -> new Report(drone, pkg, epoch, o, HttpContext.optionalString(b, "digest").orElse(null),
        HttpContext.optionalString(b, "detail").orElse(null)));
    return http.respond(builds.report(r).thenApply(json::report));
  }

  // ---- operators (behind the node's token)

  private Route operators() {
    return pathPrefix("builds", () -> concat(
        pathEnd(() -> get(() -> http.respond(builds.metrics().thenApply(json::metrics)))),
        path("drones", () -> get(this::allDrones)),
        pathPrefix("packages", this::packages),
        pathPrefix("releases", this::releases)));
  }

  private Route allDrones() {
    return http.respond(builds.drones().thenApply(all -> {
      ObjectNode o = http.object();
      ArrayNode a = o.putArray("drones");
      all.forEach(d -> a.add(json.drone(d)));
      return o;
    }));
  }

  private Route packages() {
    return concat(
        pathEnd(() -> post(() -> http.jsonBody(this::submit))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> get(() -> http.respond(builds.packageView(id).thenApply(v -> json.pkg(
                v.orElseThrow(() -> ApiException.notFound("id", "package [" + id + "] is not known"))))))),
            path("retry", () -> post(() -> http.jsonBody(b -> retry(id, b)))))));
  }

  private Route retry(String id, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("by"));
    return http.respond(builds.retry(id, HttpContext.requiredString(b, "by")).thenApply(json::ack));
  }

  private Route releases() {
    return concat(
        pathEnd(() -> post(() -> http.jsonBody(this::defineRelease))),
        path(PathMatchers.segment().slash("promote"), release -> post(() -> http.jsonBody(b -> promote(release, b)))));
  }

  private Route submit(ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("id", "requires"));
    String id = HttpContext.requiredString(b, "id");
    Set<String> requires = new LinkedHashSet<>(BuildFields.strings(b, "requires"));
    return http.respond(BuildFields.valid("id", () -> builds.submit(id, requires)).thenApply(json::ack));
  }

  private Route defineRelease(ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("name", "packages"));
    String name = HttpContext.requiredString(b, "name");
    List<String> packages = BuildFields.strings(b, "packages");
    return http.respond(BuildFields.valid("name", () -> builds.defineRelease(name, packages)).thenApply(json::ack));
  }

  /** {@code {"by": ..., "why": ...}} both or neither: with them the gate is overridden. */
  private Route promote(String release, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("by", "why"));
    var by = HttpContext.optionalString(b, "by");
    var why = HttpContext.optionalString(b, "why");
    if (by.isPresent() != why.isPresent()) {
      throw ApiException.badRequest(by.isPresent() ? "why" : "by", "an override names both who (by) and why");
    }
    GateOverride override = by.isPresent() ? BuildFields.valid("by", () -> new GateOverride(by.get(), why.get())) : null;
    return http.respond(builds.promote(release, override).thenApply(json::promotion));
  }
}
