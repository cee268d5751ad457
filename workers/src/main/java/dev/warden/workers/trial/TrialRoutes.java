package dev.warden.workers.trial;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobJson;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPage;
import dev.warden.persistence.ledger.JobQuery;
import dev.warden.persistence.ledger.JobStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The trial kind's part of the HTTP API ({@code /api/v1/trials}): studies, their trials and the
 * best one so far. A study is the set of ledger jobs of type {@value Trials#JOB_TYPE} with ids
 * {@code trial/<study>/<index>}, read through {@link JobLedger#list} (the ledger's memory: live
 * trials and the most recent terminal ones). Asking registers nothing (unlike {@link Trials#of}).
 */
final class TrialRoutes {
  /** A study listing reads at most this many pages of {@value JobQuery#MAX_LIMIT} trials. */
  private static final int MAX_PAGES = 200;

  private final HttpContext http;
  private final JobLedger ledger;
  private final RssHistory history;

  private TrialRoutes(HttpContext http, JobLedger ledger, RssHistory history) {
    this.http = http;
    this.ledger = ledger;
    this.history = history;
  }

  static KindRoutes create(HttpContext http, RssHistory history) {
    TrialRoutes r = new TrialRoutes(http, JobLedger.of(http.warden()), history);
    return KindRoutes.of(r.route()).withOpenApi(http.openApiResource(TrialRoutes.class, "openapi.json"));
  }

  private Route route() {
    return concat(path(PathMatchers.segment("trials").slash("workers"), () -> get(this::workers)), studiesRoute());
  }

  /** {@code {workers: [{path, samples: [{at, rssMiB, ageSeconds}]}]}}: the last minutes, oldest sample first. */
  private Route workers() {
    ObjectNode o = http.object().put("windowSeconds", RssHistory.WINDOW_MILLIS / 1000);
    ArrayNode list = o.putArray("workers");
    for (RssHistory.Worker w : history.snapshot(System.currentTimeMillis())) {
      ArrayNode samples = list.addObject().put("path", w.path()).putArray("samples");
      w.samples().forEach(s -> samples.addObject().put("at", s.at()).put("rssMiB", s.rssMiB()).put("ageSeconds", s.ageSeconds()));
    }
    return http.respond(CompletableFuture.completedFuture((JsonNode) o));
  }

  private Route studiesRoute() {
    return pathPrefix(PathMatchers.segment("trials").slash("studies"), () -> concat(
        pathEnd(() -> get(this::studies)),
        pathPrefix(PathMatchers.segment(), study -> concat(
            pathEnd(() -> get(() -> study(study))),
            path("best", () -> get(() -> parameterOptional("objective", objective -> parameterOptional("maximize",
                maximize -> best(study, HttpContext.required(objective, "objective"),
                    HttpContext.boolParam(maximize, "maximize", false))))))))));
  }

  /** Every trial job the ledger keeps whose id starts with {@code prefix}, page by page. */
  private CompletionStage<Trialset> trials(String prefix) {
    return collect(JobQuery.all(JobQuery.MAX_LIMIT).withType(Trials.JOB_TYPE).withIdPrefix(prefix), new ArrayList<>(), 0);
  }

  private record Trialset(List<JobPage.Entry> trials, boolean truncated) {}

  private CompletionStage<Trialset> collect(JobQuery q, List<JobPage.Entry> into, int pages) {
    return ledger.list(q).thenCompose(page -> {
      into.addAll(page.jobs());
      if (page.next().isEmpty()) {
        return CompletableFuture.completedFuture(new Trialset(into, false));
      }
      if (pages + 1 >= MAX_PAGES) {
        return CompletableFuture.completedFuture(new Trialset(into, true));
      }
      return collect(q.after(page.next().get()), into, pages + 1);
    });
  }

  private Route studies() {
    return http.respond(trials("trial/").thenApply(set -> {
      Map<String, Map<String, Long>> byStudy = new TreeMap<>();
      for (JobPage.Entry e : set.trials()) {
        byStudy.computeIfAbsent(studyOf(e.job().id()), s -> new TreeMap<>()).merge(e.job().status().name(), 1L, Long::sum);
      }
      ObjectNode o = http.object().put("truncated", set.truncated());
      ArrayNode list = o.putArray("studies");
      byStudy.forEach((study, counts) -> {
        ObjectNode s = list.addObject().put("study", study).put("trials", counts.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode c = s.putObject("byStatus");
        counts.forEach(c::put);
      });
      return o;
    }));
  }

  private Route study(String study) {
    return http.respond(known(study).thenApply(set -> {
      ObjectNode o = http.object().put("study", study).put("truncated", set.truncated());
      o.put("complete", set.trials().stream().allMatch(e -> e.job().status().terminal()));
      ArrayNode list = o.putArray("trials");
      sorted(set.trials()).forEach(e -> list.add(JobJson.entry(http, e).put("index", indexOf(e.job().id()))));
      return o;
    }));
  }

  private Route best(String study, String objective, boolean maximize) {
    return http.respond(known(study).thenCompose(set -> {
      Comparator<Scored> order = Comparator.comparingDouble(Scored::value);
      Optional<Scored> best = set.trials().stream()
          .filter(e -> e.job().status() == JobStatus.SUCCEEDED)
          .flatMap(e -> score(e, objective).stream())
          .max(maximize ? order : order.reversed());
      ObjectNode o = http.object().put("study", study).put("objective", objective).put("maximize", maximize);
      o.put("complete", set.trials().stream().allMatch(e -> e.job().status().terminal()));
      o.put("succeeded", set.trials().stream().filter(e -> e.job().status() == JobStatus.SUCCEEDED).count());
      o.put("trials", set.trials().size());
      if (best.isEmpty()) {
        o.putNull("best");
        return CompletableFuture.completedFuture((JsonNode) o);
      }
      Scored b = best.get();
      return ledger.history(b.entry().job().id()).thenApply(events -> {
        ObjectNode bo = o.putObject("best").put("id", b.entry().job().id()).put("index", indexOf(b.entry().job().id()))
            .put("objective", b.value());
        bo.set("result", b.result());
        events.stream().filter(ev -> ev instanceof JobEvent.Submitted).findFirst()
            .ifPresent(s -> bo.set("spec", parse(((JobEvent.Submitted) s).payload()).orElse(null)));
        return (JsonNode) o;
      });
    }));
  }

  private record Scored(JobPage.Entry entry, double value, JsonNode result) {}

  private Optional<Scored> score(JobPage.Entry e, String objective) {
    return parse(e.job().result().orElse("")).flatMap(r -> {
      JsonNode n = r.get(objective);
      return n != null && n.isNumber() ? Optional.of(new Scored(e, n.asDouble(), r)) : Optional.empty();
    });
  }

  private Optional<JsonNode> parse(String json) {
    try {
      return json.isEmpty() ? Optional.empty() : Optional.of(http.json().readTree(json));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private CompletionStage<Trialset> known(String study) {
    return trials("trial/" + study + "/").thenApply(set -> {
      if (set.trials().isEmpty()) {
        throw ApiException.notFound("study", "no trials of study [" + study + "] in the ledger (never submitted, or"
            + " ended longer ago than the ledger retains: warden.ledger.retained-terminal-per-partition)");
      }
      return set;
    });
  }

  private static List<JobPage.Entry> sorted(List<JobPage.Entry> trials) {
    List<JobPage.Entry> out = new ArrayList<>(trials);
    out.sort(Comparator.comparingLong(e -> indexOf(e.job().id())));
    return out;
  }

  private static String studyOf(String id) {
    String rest = id.substring("trial/".length());
    int slash = rest.lastIndexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static long indexOf(String id) {
    try {
      return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
