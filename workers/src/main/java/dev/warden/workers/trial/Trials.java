package dev.warden.workers.trial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.PerNode;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobContext;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobStatus;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Host API of the trial kind. Each trial is a ledger job of type {@code trial} (id
 * {@code trial/<study>/<index>}): the ledger journals it, reaps it on its timeout or heartbeat
 * timeout, retries failures, resumes it after a restart; its result JSON (with the objective) is
 * journaled as the job's result. A braked or recycled run is re-dispatched within the same
 * attempt, so it burns no normal retry; braking has its own per-trial limit.
 */
public final class Trials {
  public static final String JOB_TYPE = "trial";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PerNode<Trials> instances = new PerNode<>();

  private final JobLedger ledger;
  private final ActorRef<TrialPool.Command> pool;
  private final TrialSettings settings;

  /** A trial's result: its objective value (if numeric) and the whole WARDEN:RESULT json. */
  public record Best(String trialId, int index, Map<String, String> params, double objective, String result) {}

  public record TrialState(String trialId, int index, JobStatus status, int attempt, Optional<String> result,
      Optional<String> cause) {}

  private Trials(Warden warden) {
    this.ledger = JobLedger.of(warden);
    this.pool = warden.kind(TrialKind.NAME);
    this.settings = TrialSettings.create(warden.config());
    ledger.register(new JobType(JOB_TYPE, this::run, JobPolicy.defaults()
        .withStartToClose(settings.timeout())
        .withHeartbeatTimeout(settings.heartbeatTimeout())
        .withMaxConcurrency(settings.workers())
        .withRetry(RetryPolicy.defaults().withMaxAttempts(settings.maxAttempts()))));
  }

  /** The trial API of a node running {@code LedgerKind.create()} and {@link TrialKind}; registers the job type. */
  public static Trials of(Warden warden) {
    return instances.get(warden, Trials::new);
  }

  /** Submits every trial of the study (idempotent: submitting the study again adds nothing). */
  public CompletionStage<List<JobView>> submit(Study study) {
    List<CompletableFuture<JobView>> all = new ArrayList<>();
    for (int i = 0; i < study.trials().size(); i++) {
      all.add(ledger.submit(JOB_TYPE, study.trialId(i), payload(study, i)).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  /** Where every trial of the study stands now. */
  public CompletionStage<List<TrialState>> follow(Study study) {
    List<CompletableFuture<TrialState>> all = new ArrayList<>();
    for (int i = 0; i < study.trials().size(); i++) {
      int index = i;
      all.add(ledger.status(study.trialId(i)).toCompletableFuture().thenApply(v -> v
          .map(j -> new TrialState(j.id(), index, j.status(), j.attempt(), j.result(), j.cause()))
          .orElse(new TrialState(study.trialId(index), index, JobStatus.PENDING, 0, Optional.empty(),
              Optional.of("not submitted")))));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  /** Once every trial has ended (succeeded or given up): the best succeeded one, if any. */
  public CompletionStage<Optional<Best>> best(Study study) {
    List<CompletableFuture<Optional<Best>>> all = new ArrayList<>();
    for (int i = 0; i < study.trials().size(); i++) {
      int index = i;
      all.add(ledger.result(study.trialId(i)).toCompletableFuture()
          .handle((json, err) -> err != null ? Optional.<Best>empty() : objective(study, index, json)));
    }
    Comparator<Best> order = Comparator.comparingDouble(Best::objective);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> all.stream().map(CompletableFuture::join).flatMap(Optional::stream)
            .max(study.maximize() ? order : order.reversed()));
  }

  private static Optional<Best> objective(Study study, int index, String json) {
    try {
      JsonNode n = JSON.readTree(json).get(study.objective());
      if (n == null || !n.isNumber()) {
        return Optional.empty();
      }
      return Optional.of(new Best(study.trialId(index), index, study.trials().get(index), n.asDouble(), json));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String payload(Study study, int index) {
    ObjectNode p = JSON.createObjectNode();
    p.put("study", study.name());
    p.put("index", index);
    study.argv(index).forEach(p.putArray("argv")::add);
    ObjectNode env = p.putObject("env");
    study.env(index).forEach(env::put);
    return p.toString();
  }

  /** The job handler: runs the trial on the pool, re-dispatching braked or recycled runs in the same attempt. */
  private CompletionStage<String> run(String payload, JobContext ctx) {
    TrialSpec spec = spec(payload, ctx);
    CompletableFuture<String> result = new CompletableFuture<>();
    AtomicInteger brakes = new AtomicInteger();
    ctx.cancelled().thenAccept(reason -> pool.tell(new TrialPool.Cancel(spec.trialId(), spec.attempt(), reason)));
    dispatch(spec, ctx, result, brakes);
    return result;
  }

  private void dispatch(TrialSpec spec, JobContext ctx, CompletableFuture<String> result, AtomicInteger brakes) {
    if (ctx.isCancelled()) {
      result.completeExceptionally(new TrialFailedException("cancelled before it ran"));
      return;
    }
    pool.tell(new TrialPool.Dispatch(spec, event -> {
      if (!(event instanceof TrialReport r)) {
        ctx.heartbeat(); // a TrialHeartbeat: the only other event
        return;
      }
      switch (r.outcome()) {
        case SUCCEEDED:
          result.complete(r.detail().isEmpty() ? "{}" : r.detail());
          break;
        case BRAKED:
          if (brakes.incrementAndGet() > settings.maxBrakesPerTrial()) {
            result.completeExceptionally(new TrialFailedException(
                "braked " + brakes.get() + " times (warden.trial.max-brakes-per-trial): " + r.detail()));
          } else {
            ctx.heartbeat();
            CompletableFuture.delayedExecutor(settings.brakeRetryDelay().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> dispatch(spec, ctx, result, brakes));
          }
          break;
        case REQUEUED:
          // recycled under it (RSS cap, exit 42): free, but bounded like brakes, so a trial that
          // leaks on every run cannot loop forever
          if (brakes.incrementAndGet() > settings.maxBrakesPerTrial()) {
            result.completeExceptionally(new TrialFailedException(
                "recycled or braked " + brakes.get() + " times (warden.trial.max-brakes-per-trial): " + r.detail()));
          } else {
            ctx.heartbeat();
            dispatch(spec, ctx, result, brakes);
          }
          break;
        default:
          result.completeExceptionally(new TrialFailedException(r.outcome() + ": " + r.detail()));
          break;
      }
    }));
  }

  private static TrialSpec spec(String payload, JobContext ctx) {
    try {
      JsonNode p = JSON.readTree(payload);
      List<String> argv = new ArrayList<>();
      p.get("argv").forEach(a -> argv.add(a.asText()));
      Map<String, String> env = new java.util.LinkedHashMap<>();
      p.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      return new TrialSpec(ctx.jobId(), ctx.attempt(), argv, env);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("malformed trial payload for " + ctx.jobId() + ": " + e.getMessage(), e));
    }
  }
}
