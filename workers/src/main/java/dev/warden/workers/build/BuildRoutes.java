package dev.warden.workers.build;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The build kind's part of the HTTP API. The drone protocol ({@code /api/v1/builds/drones/{drone}/...}) is
 * self-authenticated: with {@code warden.build.service.drone-tokens-file} every request carries that drone's
 * own bearer token; the node's operator token is not needed. Everything else under {@code /api/v1/builds}
 * (packages, releases, retries, figures) is behind the node's token like the rest of the API. Field names of
 * the drone protocol are snake_case; docs/kinds/build.md has a curl example per endpoint.
 */
final class BuildRoutes {
  private final HttpContext http;
  private final Builds builds;
  private final DroneTokens tokens;

  private BuildRoutes(HttpContext http, Builds builds, DroneTokens tokens) {
    this.http = http;
    this.builds = builds;
    this.tokens = tokens;
  }

  static KindRoutes create(HttpContext http, Builds builds, DroneTokens tokens) {
    BuildRoutes r = new BuildRoutes(http, builds, tokens);
    return KindRoutes.of(r.operators())
        .withSelfAuthenticated(r.drones())
        .withOpenApi(http.openApiResource(BuildRoutes.class, "openapi.json"));
  }

  // ---- the drone protocol

  private Route drones() {
    return pathPrefix(PathMatchers.segment("builds").slash("drones").slash(PathMatchers.segment()), drone -> authenticated(drone, () -> concat(
        pathEnd(() -> get(() -> http.respond(builds.droneView(drone).thenApply(v -> droneJson(
            v.orElseThrow(() -> ApiException.notFound("drone", "drone [" + drone + "] is not registered"))))))),
        path("register", () -> post(() -> http.jsonBody(b -> register(drone, b)))),
        path("heartbeat", () -> post(() -> http.jsonBody(b -> heartbeat(drone, b)))),
        path("lease", () -> post(() -> http.jsonBody(b -> lease(drone, b)))),
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
    int cores = positiveInt(b, "cores");
    Set<String> capabilities = new LinkedHashSet<>(strings(b, "capabilities"));
    MachineKind machine;
    try {
      machine = MachineKind.parse(HttpContext.optionalString(b, "machine").orElse("unknown"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("machine", e.getMessage());
    }
    Registration r = valid("holding", () -> new Registration(drone, cores, capabilities, machine, leases(b, "holding")));
    return http.respond(builds.register(r).thenApply(this::heartbeatJson));
  }

  private Route heartbeat(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("current", "building_since", "queue", "unreported"));
    LeaseRef current = b.hasNonNull("current") ? lease(b.get("current"), "current") : null;
    Instant since = HttpContext.optionalString(b, "building_since").map(s -> {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("building_since", "building_since must be an ISO-8601 instant, but was [" + s + "]");
      }
    }).orElse(null);
    Heartbeat hb = valid("building_since", () -> new Heartbeat(drone, current, since, leases(b, "queue"), leases(b, "unreported")));
    return http.respond(builds.heartbeat(hb).thenApply(this::heartbeatJson));
  }

  private Route lease(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("wanted"));
    int wanted = b.has("wanted") ? positiveInt(b, "wanted") : 1;
    return http.respond(builds.lease(drone, wanted).thenApply(a -> {
      ObjectNode o = http.object().put("known", a.known()).put("paused", a.paused());
      ArrayNode leases = o.putArray("leases");
      for (Lease l : a.leases()) {
        leases.addObject().put("package", l.packageId()).put("epoch", l.epoch()).put("expiry", l.expiry().toString())
            .put("stolen_from", l.stolenFrom());
      }
      return o;
    }));
  }

  private Route report(String drone, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("package", "epoch", "outcome", "digest", "detail"));
    String pkg = HttpContext.requiredString(b, "package");
    int epoch = positiveInt(b, "epoch");
    String outcome = HttpContext.requiredString(b, "outcome");
    Report.Outcome o = switch (outcome) {
      case "success" -> Report.Outcome.SUCCESS;
      case "failure" -> Report.Outcome.FAILURE;
      default -> throw ApiException.badRequest("outcome", "outcome must be success or failure, but was [" + outcome + "]");
    };
    Report r = valid("package", () -> new Report(drone, pkg, epoch, o, HttpContext.optionalString(b, "digest").orElse(null),
        HttpContext.optionalString(b, "detail").orElse(null)));
    return http.respond(builds.report(r).thenApply(a -> http.object()
        .put("accepted", a.accepted()).put("stale", a.stale()).put("duplicate", a.duplicate()).put("action", a.action())
        .put("reassigned_to", a.reassignedTo())
        .put("recorded", a.recorded() == null ? null : a.recorded().name())
        .put("status", a.status() == null ? null : a.status().name())));
  }

  // ---- operators (behind the node's token)

  private Route operators() {
    return pathPrefix("builds", () -> concat(
        pathEnd(() -> get(() -> http.respond(builds.metrics().thenApply(this::metricsJson)))),
        path("drones", () -> get(this::allDrones)),
        pathPrefix("packages", this::packages),
        pathPrefix("releases", this::releases)));
  }

  private Route allDrones() {
    return http.respond(builds.drones().thenApply(all -> {
      ObjectNode o = http.object();
      ArrayNode a = o.putArray("drones");
      all.forEach(d -> a.add(droneJson(d)));
      return o;
    }));
  }

  private Route packages() {
    return concat(
        pathEnd(() -> post(() -> http.jsonBody(this::submit))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> get(() -> http.respond(builds.packageView(id).thenApply(v -> packageJson(
                v.orElseThrow(() -> ApiException.notFound("id", "package [" + id + "] is not known"))))))),
            path("retry", () -> post(() -> http.jsonBody(b -> retry(id, b)))))));
  }

  private Route retry(String id, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("by"));
    return http.respond(builds.retry(id, HttpContext.requiredString(b, "by")).thenApply(this::ackJson));
  }

  private Route releases() {
    return concat(
        pathEnd(() -> post(() -> http.jsonBody(this::defineRelease))),
        path(PathMatchers.segment().slash("promote"), release -> post(() -> http.jsonBody(b -> promote(release, b)))));
  }

  private Route submit(ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("id", "requires"));
    String id = HttpContext.requiredString(b, "id");
    Set<String> requires = new LinkedHashSet<>(strings(b, "requires"));
    return http.respond(valid("id", () -> builds.submit(id, requires)).thenApply(this::ackJson));
  }

  private Route defineRelease(ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("name", "packages"));
    String name = HttpContext.requiredString(b, "name");
    List<String> packages = strings(b, "packages");
    return http.respond(valid("name", () -> builds.defineRelease(name, packages)).thenApply(this::ackJson));
  }

  /** {@code {"by": ..., "why": ...}} both or neither: with them the gate is overridden. */
  private Route promote(String release, ObjectNode b) {
    HttpContext.onlyFields(b, Set.of("by", "why"));
    var by = HttpContext.optionalString(b, "by");
    var why = HttpContext.optionalString(b, "why");
    if (by.isPresent() != why.isPresent()) {
      throw ApiException.badRequest(by.isPresent() ? "why" : "by", "an override names both who (by) and why");
    }
    GateOverride override = by.isPresent() ? valid("by", () -> new GateOverride(by.get(), why.get())) : null;
    return http.respond(builds.promote(release, override).thenApply(a -> {
      ObjectNode o = http.object().put("promoted", a.promoted()).put("overridden", a.overridden()).put("reason", a.reason());
      a.notReady().forEach(o.putArray("not_ready")::add);
      return o;
    }));
  }

  // ---- JSON

  private ObjectNode heartbeatJson(HeartbeatAnswer a) {
    ObjectNode o = http.object().put("known", a.known());
    ArrayNode stops = o.putArray("stop_work");
    for (HeartbeatAnswer.StopWork s : a.stopWork()) {
      stops.addObject().put("package", s.packageId()).put("epoch", s.epoch()).put("reassigned_to", s.reassignedTo());
    }
    return o;
  }

  private ObjectNode droneJson(DroneView d) {
    ObjectNode o = http.object().put("id", d.id()).put("cores", d.cores()).put("machine", d.machine().wire()).put("paused", d.paused())
        .put("last_seen", d.lastSeen().toString()).put("fresh", d.fresh()).put("offline", d.offline())
        .put("building_since", d.buildingSince() == null ? null : d.buildingSince().toString())
        .put("queue_age_seconds", d.queueAge().toSeconds()).put("level", d.level() == null ? null : d.level().name());
    d.capabilities().forEach(o.putArray("capabilities")::add);
    o.set("current", d.current() == null ? null : ref(d.current()));
    ArrayNode leases = o.putArray("leases");
    d.leases().forEach(l -> leases.add(ref(l)));
    return o;
  }

  private ObjectNode packageJson(PackageView p) {
    ObjectNode o = http.object().put("id", p.id()).put("status", p.status().name()).put("holder", p.holder()).put("epoch", p.epoch())
        .put("expiry", p.expiry() == null ? null : p.expiry().toString()).put("failures", p.failures())
        .put("last_recorded", p.lastRecorded() == null ? null : p.lastRecorded().name()).put("digest", p.digest());
    ArrayNode attempts = o.putArray("attempts");
    for (PackageView.AttemptView a : p.attempts()) {
      attempts.addObject().put("epoch", a.epoch()).put("drone", a.droneId()).put("granted", a.granted().toString()).put("ended", a.ended());
    }
    return o;
  }

  private ObjectNode metricsJson(BuildMetrics m) {
    ObjectNode o = http.object().put("queued", m.queued()).put("leased", m.leased()).put("succeeded", m.succeeded())
        .put("blocked", m.blocked()).put("delegated", m.delegated()).put("steals", m.steals())
        .put("churn_last_hour", Double.isNaN(m.churnLastHour()) ? null : m.churnLastHour())
        .put("utilization", Double.isNaN(m.utilization()) ? null : m.utilization())
        .put("not_started", m.notStarted()).put("not_started_median_seconds", m.notStartedMedian().toSeconds())
        .put("not_started_alarm", m.notStartedAlarm()).put("stale_reports", m.staleReports())
        .put("duplicate_reports", m.duplicateReports()).put("suppressed_escalations", m.suppressedEscalations());
    ObjectNode reclaims = o.putObject("reclaims");
    m.reclaims().forEach((k, v) -> reclaims.put(k.name(), v));
    ObjectNode escalations = o.putObject("escalations");
    m.escalations().forEach((k, v) -> escalations.put(k.name(), v));
    return o;
  }

  private ObjectNode ackJson(Ack a) {
    return http.object().put("done", a.done()).put("reason", a.reason());
  }

  private ObjectNode ref(LeaseRef l) {
    return http.object().put("package", l.packageId()).put("epoch", l.epoch());
  }

  // ---- fields

  private static int positiveInt(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an integer >= 1");
    }
    return v.asInt();
  }

  private static List<String> strings(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an array of strings");
    }
    for (JsonNode s : v) {
      if (!s.isTextual() || s.asText().isBlank()) {
        throw ApiException.badRequest(field, "field [" + field + "] must be an array of non-empty strings");
      }
      out.add(s.asText());
    }
    return out;
  }

  private static List<LeaseRef> leases(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    List<LeaseRef> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an array of {package, epoch}");
    }
    for (JsonNode l : v) {
      out.add(lease(l, field));
    }
    return out;
  }

  private static LeaseRef lease(JsonNode l, String field) {
    if (!l.isObject() || !l.path("package").isTextual() || !l.path("epoch").isIntegralNumber()) {
      throw ApiException.badRequest(field, "field [" + field + "] must hold leases as {\"package\": \"...\", \"epoch\": n}");
    }
    return valid(field, () -> new LeaseRef(l.get("package").asText(), l.get("epoch").asInt()));
  }

  /** Runs a constructor of the core, turning its IllegalArgumentException into a 400 naming {@code field}. */
  private static <T> T valid(String field, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, e.getMessage());
    }
  }
}
