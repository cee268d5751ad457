package dev.warden.persistence.ledger;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
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
import dev.warden.core.http.Readiness;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The ledger's part of the HTTP API ({@code /api/v1/jobs}, {@code /api/v1/ledger}), over
 * {@link JobLedger}: submit (idempotent by id), status, history, result, cancel, retry, a paged
 * list, counts and type holds. Ready once every partition has recovered.
 */
final class LedgerRoutes {
  private static final Set<String> SUBMIT_FIELDS = Set.of("id", "type", "payload", "parent");
  private static final int DEFAULT_LIMIT = 100;

  private final HttpContext http;
  private final JobLedger ledger;

  private LedgerRoutes(HttpContext http, JobLedger ledger) {
    this.http = http;
    this.ledger = ledger;
  }

  static KindRoutes create(HttpContext http) {
    LedgerRoutes r = new LedgerRoutes(http, JobLedger.of(http.warden()));
    return KindRoutes.of(r.route())
        .withOpenApi(http.openApiResource(LedgerRoutes.class, "openapi.json"))
        .withReadiness(r::readiness);
  }

  private Readiness readiness() {
    return ledger.recovered()
        ? Readiness.ready("journal open, " + ledger.partitions() + " ledger partitions recovered")
        : Readiness.notReady("the ledger's " + ledger.partitions() + " partitions are recovering from the journal");
  }

  private Route route() {
    return concat(
        pathPrefix("jobs", () -> concat(
            pathEnd(() -> concat(get(this::list), post(this::submit))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEnd(() -> get(() -> status(id))),
                path("history", () -> get(() -> history(id))),
                path("result", () -> get(() -> result(id))),
                path("cancel", () -> post(() -> cancel(id))),
                path("retry", () -> post(() -> retry(id))))))),
        pathPrefix("ledger", () -> concat(
            pathEnd(() -> get(this::overview)),
            path(PathMatchers.segment("types").slash(PathMatchers.segment()).slash("pause"),
                type -> post(() -> hold(type, true))),
            path(PathMatchers.segment("types").slash(PathMatchers.segment()).slash("resume"),
                type -> post(() -> hold(type, false))))));
  }

  private Route submit() {
    return http.jsonBody(body -> {
      HttpContext.onlyFields(body, SUBMIT_FIELDS);
      String id = HttpContext.requiredString(body, "id");
      String type = HttpContext.requiredString(body, "type");
      Optional<String> parent = HttpContext.optionalString(body, "parent");
      JsonNode p = body.get("payload");
      String payload = p == null || p.isNull() ? "" : p.isTextual() ? p.asText() : p.toString();
      return http.respond(failures(ledger.submit(type, id, payload, parent.orElse(null)), "type")
          .thenApply(v -> JobJson.view(http, v)));
    });
  }

  private Route status(String id) {
    return http.respond(failures(ledger.status(id), "id").thenApply(v -> JobJson.view(http, known(id, v))));
  }

  private Route history(String id) {
    return http.respond(failures(ledger.history(id), "id").thenApply(events -> {
      if (events.isEmpty()) {
        throw unknown(id);
      }
      ObjectNode o = http.object().put("id", id);
      ArrayNode list = o.putArray("events");
      events.forEach(e -> list.add(JobJson.event(http, e)));
      return o;
    }));
  }

  private Route result(String id) {
    return http.respond(failures(ledger.status(id), "id").thenApply(v -> {
      JobView j = known(id, v);
      if (j.status() != JobStatus.SUCCEEDED) {
        throw ApiException.conflict("job [" + id + "] has no result: it is " + j.status()
            + j.cause().map(c -> " (" + c + ")").orElse(""));
      }
      ObjectNode o = http.object().put("id", id).put("status", j.status().name());
      o.put("result", j.result().orElse(""));
      return o;
    }));
  }

  private Route cancel(String id) {
    return http.respond(failures(ledger.cancel(id), "id").thenApply(v -> JobJson.view(http, known(id, v))));
  }

  private Route retry(String id) {
    CompletionStage<JsonNode> done = failures(ledger.status(id), "id").thenCompose(v -> {
      JobView j = known(id, v);
      if (j.status() != JobStatus.GAVE_UP && j.status() != JobStatus.CANCELLED) {
        throw ApiException.conflict("job [" + id + "] is " + j.status() + ": only a job that gave up or was cancelled can be retried");
      }
      return failures(ledger.retry(id), "id").thenApply(r -> JobJson.view(http, known(id, r)));
    });
    return http.respond(done);
  }

  private Route list() {
    return parameterOptional("type", type -> parameterOptional("status", status -> parameterOptional("cursor",
        cursor -> parameterOptional("limit", limit -> parameterOptional("order", order -> {
          JobQuery q = JobQuery.all(HttpContext.intParam(limit, "limit", 1, JobQuery.MAX_LIMIT, DEFAULT_LIMIT))
              .withStatuses(statuses(status))
              .newestFirst(newest(order));
          if (type.isPresent() && !type.get().isEmpty()) {
            q = q.withType(type.get());
          }
          if (cursor.isPresent() && !cursor.get().isEmpty()) {
            try {
              q = q.after(JobCursor.decode(cursor.get()));
            } catch (IllegalArgumentException e) {
              throw ApiException.badRequest("cursor", "query parameter [cursor] is not a cursor this node gave out"
                  + " (pass the previous page's `next` as it is)");
            }
          }
          return http.respond(failures(ledger.list(q), null).thenApply(this::page));
        })))));
  }

  private ObjectNode page(JobPage page) {
    ObjectNode o = http.object();
    ArrayNode jobs = o.putArray("jobs");
    page.jobs().forEach(e -> jobs.add(JobJson.entry(http, e)));
    o.put("next", page.next().map(JobCursor::encode).orElse(null));
    return o;
  }

  private static Set<JobStatus> statuses(Optional<String> raw) {
    if (raw.isEmpty() || raw.get().isBlank()) {
      return Set.of();
    }
    Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
    for (String s : raw.get().split(",")) {
      try {
        out.add(JobStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("status", "query parameter [status] has [" + s.trim() + "]; statuses are "
            + Arrays.stream(JobStatus.values()).map(Enum::name).collect(Collectors.joining(", ")) + " (comma-separated)");
      }
    }
    return out;
  }

  private static boolean newest(Optional<String> order) {
    String o = order.orElse("oldest").trim();
    if (o.equals("oldest") || o.isEmpty()) {
      return false;
    }
    if (o.equals("newest")) {
      return true;
    }
    throw ApiException.badRequest("order", "query parameter [order] must be oldest or newest, but was [" + o + "]");
  }

  private Route overview() {
    ObjectNode o = http.object().put("partitions", ledger.partitions()).put("recovered", ledger.recovered());
    o.put("reaperLastRunMillis", ledger.reaperLastRun());
    ObjectNode counts = o.putObject("counts");
    ledger.counts().forEach((type, buckets) -> {
      ObjectNode b = counts.putObject(type);
      buckets.forEach(b::put);
    });
    ArrayNode paused = o.putArray("paused");
    ledger.paused().forEach(paused::add);
    return http.ok(o);
  }

  private Route hold(String type, boolean pause) {
    CompletionStage<Void> done = pause ? ledger.pause(type) : ledger.resume(type);
    return http.respond(failures(done, "type").thenApply(v -> (JsonNode) http.object()
        .put("type", type).put("paused", pause)));
  }

  private JobView known(String id, Optional<JobView> v) {
    return v.orElseThrow(() -> unknown(id));
  }

  private static ApiException unknown(String id) {
    return ApiException.notFound("id", "no job [" + id + "] (unknown, or a terminal job no longer retained:"
        + " warden.ledger.retained-terminal-per-partition)");
  }

  /** The facade's refusals as the API's: busy is 503 (nothing recorded, retry), a bad argument 400 on {@code field}. */
  private static <T> CompletionStage<T> failures(CompletionStage<T> stage, String field) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete((v, e) -> {
      if (e == null) {
        out.complete(v);
        return;
      }
      Throwable t = e;
      while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
        t = t.getCause();
      }
      if (t instanceof LedgerBusyException) {
        out.completeExceptionally(ApiException.unavailable(t.getMessage()));
      } else if (t instanceof IllegalArgumentException && field != null) {
        out.completeExceptionally(ApiException.badRequest(field, t.getMessage()));
      } else {
        out.completeExceptionally(t);
      }
    });
    return out;
  }
}
