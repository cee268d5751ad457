package dev.warden.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What a worker kind adds to the node's HTTP face ({@code WorkerKind.routes}): a route mounted
 * under {@code /api/v1} (paths relative to it, e.g. {@code jobs/...}), the part of the OpenAPI
 * document that describes it, and optionally a readiness check for {@code /ready}. The server
 * knows no kind: it mounts what each returns.
 */
public final class KindRoutes {
  private final Route route;
  private final JsonNode openApi;
  private final Supplier<Readiness> readiness;
  private final Route selfAuthenticated;

  private KindRoutes(Route route, JsonNode openApi, Supplier<Readiness> readiness, Route selfAuthenticated) {
    this.route = route;
    this.openApi = openApi;
    this.readiness = readiness;
    this.selfAuthenticated = selfAuthenticated;
  }

  /** Routes without an OpenAPI part (the document then does not list them: prefer {@link #withOpenApi}). */
  public static KindRoutes of(Route route) {
    return new KindRoutes(route, JsonNodeFactory.instance.objectNode(), null, null);
  }

  /**
   * The OpenAPI 3 part describing these routes: an object with {@code paths} (full paths, e.g.
   * {@code /api/v1/jobs}) and optionally {@code components} (schemas, parameters, responses); see
   * {@link HttpContext#openApiResource}.
   */
  public KindRoutes withOpenApi(JsonNode fragment) {
    return new KindRoutes(route, fragment, readiness, selfAuthenticated);
  }

  /** A check {@code /ready} asks at every request; it must answer at once, without blocking. */
  public KindRoutes withReadiness(Supplier<Readiness> check) {
    return new KindRoutes(route, openApi, check, selfAuthenticated);
  }

  /**
   * Routes that authenticate every request themselves (e.g. the build kind's per-drone tokens), mounted under
   * {@code /api/v1} ahead of the node's bearer token check: a remote client of them needs no operator token.
   * They must refuse whatever they cannot authenticate; a request they do not match falls through to the
   * token-checked routes.
   */
  public KindRoutes withSelfAuthenticated(Route own) {
    return new KindRoutes(route, openApi, readiness, own);
  }

  public Optional<Route> selfAuthenticated() {
    return Optional.ofNullable(selfAuthenticated);
  }

  public Route route() {
    return route;
  }

  public JsonNode openApi() {
    return openApi;
  }

  public Optional<Supplier<Readiness>> readiness() {
    return Optional.ofNullable(readiness);
  }
}
