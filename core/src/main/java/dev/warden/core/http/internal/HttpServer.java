package dev.warden.core.http.internal;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.HttpSettings;
import dev.warden.core.http.KindRoutes;
import dev.warden.core.http.Readiness;
import dev.warden.core.metrics.NodeMeters;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one HTTP server ({@code warden.http}): the node's own routes, and under
 * {@code /api/v1} whatever each kind's {@link WorkerKind#routes} returns; errors as JSON, bodies
 * bounded, a bearer token on {@code /api} (configured, or generated in the data directory). Started by {@link Warden} after
 * the kinds, stopped before them.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private final ServerBinding binding;
  private final boolean tokenRequired;
  private final Optional<Path> tokenFile;
  private final AtomicBoolean stopping;

  private HttpServer(ServerBinding binding, boolean tokenRequired, Optional<Path> tokenFile, AtomicBoolean stopping) {
    this.binding = binding;
    this.tokenRequired = tokenRequired;
    this.tokenFile = tokenFile;
    this.stopping = stopping;
  }

  /** Binds the server; a refused bind or a bad token fails the start with a {@link WardenConfigException}. */
  public static HttpServer start(HttpSettings settings, Warden warden, List<KindHandle> kinds, List<WorkerKind<?>> workerKinds) {
    Optional<BearerToken> token = BearerToken.load(settings, warden.settings().dataDir());
    HttpContext http = new HttpContext(warden, new ObjectMapper(), settings.maxBody());
    List<Route> kindRoutes = new ArrayList<>();
    List<Route> selfAuthenticated = new ArrayList<>();
    Map<String, JsonNode> openApi = new LinkedHashMap<>();
    Map<String, Supplier<Readiness>> checks = new LinkedHashMap<>();
    for (WorkerKind<?> k : workerKinds) {
      Optional<KindRoutes> r = k.routes(http);
      if (r.isPresent()) {
        kindRoutes.add(r.get().route());
        r.get().selfAuthenticated().ifPresent(selfAuthenticated::add);
        openApi.put(k.name(), r.get().openApi());
        r.get().readiness().ifPresent(c -> checks.put(k.name(), c));
      }
    }
    ObjectNode doc = OpenApiDocument.assemble((ObjectNode) http.openApiResource(HttpServer.class, "openapi.json"), openApi);
    AtomicBoolean stopping = new AtomicBoolean();
    NodeRoutes node = new NodeRoutes(http, kinds, checks, doc, stopping::get);
    ConsoleRoutes console = new ConsoleRoutes(http, kinds, settings.maxEventStreams(), settings.eventsHeartbeat());
    Route v1 = concat(concat(node.api(), console.events()), kindRoutes.toArray(Route[]::new));
    Route checked = authorized(http, token, () -> pathPrefix("v1", () -> v1));
    Route api = selfAuthenticated.isEmpty() ? checked
        : concat(pathPrefix("v1", () -> concat(selfAuthenticated.get(0), selfAuthenticated.stream().skip(1).toArray(Route[]::new))), checked);
    Route routes = concat(node.health(h -> token.isEmpty() || token.get().admits(h)), console.page(), pathPrefix("api", () -> api),
        path("metrics", () -> authorized(http, token, () -> MetricsRoute.route(NodeMeters.get(warden.system())))));
    // without a token the browser is the only lock: keep other sites' pages out (BrowserGuard says how)
    Route guarded = token.isPresent() ? routes : new BrowserGuard(http, settings.host()).guard(() -> routes);
    long maxBody = settings.maxBody();
    Route root = handleExceptions(errors(http, maxBody),
        () -> handleRejections(rejections(http, maxBody), () -> withSizeLimit(maxBody, () -> guarded)));
    ServerSettings server = ServerSettings.create(warden.system().classicSystem()).withServerHeader(Optional.empty());
    try {
      ServerBinding b = Http.get(warden.system())
          .newServerAt(settings.host(), settings.port())
          .withSettings(server)
          .bind(root)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return new HttpServer(b, token.isPresent(), BearerToken.file(settings, warden.settings().dataDir()), stopping);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding the HTTP server", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new WardenConfigException("warden.http.port", "cannot start the HTTP server on " + settings.host() + ":"
          + settings.port() + " (warden.http.port): " + cause.getMessage(), cause);
    }
  }

  /** The address the server is bound to (the free port when {@code warden.http.port = 0}). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** {@code http://host:port}, without a trailing slash. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress() instanceof Inet6Address ? "[" + a.getAddress().getHostAddress() + "]" : a.getAddress().getHostAddress();
    return "http://" + host + ":" + a.getPort();
  }

  public boolean tokenRequired() {
    return tokenRequired;
  }

  /** The file the bearer token is read from (configured or generated), to show; never its content. */
  public Optional<Path> tokenFile() {
    return tokenFile;
  }

  /**
   * Stops taking connections, lets requests in flight finish (at most 2 s), then closes; {@code /ready}
   * answers 503 meanwhile. Idempotent.
   */
  public CompletionStage<Done> stop() {
    stopping.set(true);
    return binding.terminate(Duration.ofSeconds(2)).handle((t, e) -> Done.getInstance());
  }

  private static Route authorized(HttpContext http, Optional<BearerToken> token, Supplier<Route> inner) {
    if (token.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", h -> {
      if (token.get().admits(h)) {
        return inner.get();
      }
      HttpResponse refused = http.errorResponse(401,
          h.isPresent() ? "the bearer token is wrong" : "a bearer token is required (Authorization: Bearer <token>)",
          "Authorization")
          .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "warden")));
      return complete(refused);
    });
  }

  private static RejectionHandler rejections(HttpContext http, long maxBody) {
    RejectionHandler own = RejectionHandler.newBuilder()
        .handle(MissingQueryParamRejection.class,
            r -> http.error(400, "query parameter [" + r.parameterName() + "] is required", r.parameterName()))
        .handle(MalformedQueryParamRejection.class,
            r -> http.error(400, "query parameter [" + r.parameterName() + "]: " + r.errorMsg(), r.parameterName()))
        .handle(MalformedRequestContentRejection.class, r -> r.getCause() instanceof EntityStreamSizeException
            ? http.error(413, "request body larger than warden.http.max-body (" + maxBody + " bytes)", "body")
            : http.error(400, "request body: " + r.message(), "body"))
        .handleNotFound(http.error(404, "no such route", null))
        .build();
    // Pekko's default answers (405 with the allowed methods, 415, ...) with their text as the JSON error.
    RejectionHandler fallback = RejectionHandler.defaultHandler().mapRejectionResponse(r -> asJson(http, r));
    return own.withFallback(fallback);
  }

  private static HttpResponse asJson(HttpContext http, HttpResponse r) {
    HttpEntity e = r.entity();
    if (e.getContentType().mediaType().isApplication() || !(e instanceof HttpEntity.Strict)) {
      return r;
    }
    String text = ((HttpEntity.Strict) e).getData().decodeString(StandardCharsets.UTF_8);
    return http.errorResponse(r.status().intValue(), text, null).withHeaders(r.getHeaders());
  }

  private static ExceptionHandler errors(HttpContext http, long maxBody) {
    return ExceptionHandler.newBuilder().matchAny(t -> complete(render(http, maxBody, t))).build();
  }

  private static HttpResponse render(HttpContext http, long maxBody, Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ApiException) {
      return http.errorResponse((ApiException) t);
    }
    int status = t instanceof IllegalRequestException ? ((IllegalRequestException) t).status().intValue() : 0;
    if (t instanceof EntityStreamSizeException || status == 413) {
      return http.errorResponse(413, "request body larger than warden.http.max-body (" + maxBody + " bytes)", "body");
    }
    if (status >= 400 && status < 500) {
      return http.errorResponse(status, ((IllegalRequestException) t).info().summary(), null);
    }
    if (t instanceof TimeoutException || t instanceof AskTimeoutException) {
      return http.errorResponse(503, "timed out: " + t.getMessage(), null);
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    log.error("warden http: request failed [{}]", id, t);
    return http.errorResponse(500, "internal error [" + id + "]; the node's log has the details", null);
  }
}
