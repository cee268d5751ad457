package dev.warden.workers.llm;

import dev.warden.persistence.ledger.JobContext;
import dev.warden.persistence.ledger.JobHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Runs one attempt of an interaction, without blocking any thread: waits (as a future) for a
 * permit of the model's bulkhead, heartbeating every {@code queue-heartbeat-interval} meanwhile
 * so that waiting is never mistaken for a hang; then streams the call, each chunk a heartbeat.
 * When the ledger reaps or cancels the attempt, a queued attempt leaves the queue and a running
 * call's HTTP exchange is aborted. Rejections (HTTP 3xx, 4xx but 408/429) and broken payloads fail
 * as non-retryable; everything else as the {@link ModelCallException} saying what broke.
 */
final class InteractionHandler implements JobHandler {
  private final ActorSystem<?> system;
  private final ActorRef<LlmCoordinator.Command> coordinator;
  private final ModelClient client;
  private final LlmSettings settings;

  InteractionHandler(ActorSystem<?> system, ActorRef<LlmCoordinator.Command> coordinator, ModelClient client, LlmSettings settings) {
    this.system = system;
    this.coordinator = coordinator;
    this.client = client;
    this.settings = settings;
  }

  @Override
  public CompletionStage<String> run(String payload, JobContext ctx) {
    long invoked = System.nanoTime();
    Interaction i = Interaction.fromJson(payload);
    LlmSettings.TimeoutClass cls = settings.classFor(i.conversation(), i.timeoutClass());
    ModelCall target = resolve(i.call()); // here, on the handler dispatcher: a key file is never read on the coordinator
    Attempt a = new Attempt(i, target, ctx, ctx.jobId() + "#" + ctx.attempt(), cls.startToClose(), invoked);
    Cancellable beats = system.scheduler().scheduleAtFixedRate(cls.queueHeartbeatInterval(),
        cls.queueHeartbeatInterval(), ctx::heartbeat, system.executionContext());
    CompletableFuture<Void> grant = new CompletableFuture<>();
    coordinator.tell(new LlmCoordinator.Acquire(a.ticket, i.model(), grant));
    ctx.cancelled().thenAccept(reason -> {
      if (grant.cancel(false)) {
        beats.cancel();
        a.release(0, LlmCoordinator.Outcome.WITHDRAWN);
        a.out.completeExceptionally(new ModelCallException(ModelCallException.Kind.CANCELLED,
            "cancelled while waiting for a permit of model [" + i.model() + "]: " + reason));
      }
    });
    grant.whenComplete((ok, err) -> {
      beats.cancel();
      if (err == null) {
        call(a);
      } else if (!grant.isCancelled()) {
        a.out.completeExceptionally(err);
      }
    });
    return a.out;
  }

  private void call(Attempt a) {
    long t0 = System.nanoTime();
    ModelCall target = a.target;
    ModelClient.InFlight call;
    try {
      call = client.start(target, a.ctx::heartbeat);
    } catch (RuntimeException e) {
      a.release(0, LlmCoordinator.Outcome.FAILED);
      a.out.completeExceptionally(new InvalidInteractionException("cannot call model [" + a.interaction.model() + "] at "
          + target.where() + ": " + e.getClass().getName(), null)); // not e's message: it may quote a header
      return;
    }
    a.ctx.cancelled().thenAccept(call::cancel);
    call.result().whenComplete((text, err) -> {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (err == null) {
        a.release(ms, LlmCoordinator.Outcome.COMPLETED);
        a.out.complete(text);
        return;
      }
      Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      boolean cancelled = a.ctx.isCancelled()
          || (t instanceof ModelCallException m && m.kind() == ModelCallException.Kind.CANCELLED);
      if (cancelled && a.ctx.isCancelled() && a.reachedTimeout()) {
        a.release(ms, LlmCoordinator.Outcome.REAPED_AT_TIMEOUT);
      } else {
        a.release(ms, cancelled ? LlmCoordinator.Outcome.CANCELLED : LlmCoordinator.Outcome.FAILED);
      }
      a.out.completeExceptionally(classify(t, target, settings.retry().maxRetryAfter()));
    });
  }

  /**
   * The call made concrete: a named endpoint's URL, API and key (read now, once per attempt, from
   * its environment variable or file). An endpoint no longer configured cannot run (not retried);
   * an unreadable key is a failed attempt (retried: a rotated key file may be back).
   */
  private ModelCall resolve(ModelCall call) {
    if (call.endpoint().isEmpty()) {
      return call;
    }
    String name = call.endpoint().get();
    ModelEndpoint e = settings.endpoints().get(name);
    if (e == null) {
      throw new InvalidInteractionException("endpoint " + name + " is not configured under warden.llm.endpoints (configured: "
          + new java.util.TreeSet<>(settings.endpoints().keySet()) + ")", null);
    }
    try {
      return call.resolve(e);
    } catch (IllegalArgumentException x) {
      throw new InvalidInteractionException(x.getMessage(), null);
    } catch (IllegalStateException x) {
      throw new ModelCallException(ModelCallException.Kind.CREDENTIALS, x.getMessage());
    }
  }

  /**
   * Rejections become {@link ModelRejectedException} (the ledger gives up at once): a 401 or 403
   * from a named endpoint says the endpoint rejected the credentials, with the server's words but
   * never the key. A server's Retry-After is bounded by {@code maxRetryAfter}. The rest stay as
   * they are.
   */
  static Throwable classify(Throwable t, ModelCall target, java.time.Duration maxRetryAfter) {
    if (!(t instanceof ModelCallException e)) {
      return t;
    }
    if (ModelRejectedException.isRejection(e)) {
      int status = e.httpStatus();
      if ((status == 401 || status == 403) && target.endpoint().isPresent()) {
        String said = target.apiKey().map(k -> e.getMessage().replace(k, "***")).orElse(e.getMessage());
        return new ModelRejectedException("not retried: endpoint " + target.endpoint().get() + " rejected the credentials ("
            + status + "); check the key that warden.llm.endpoints." + target.endpoint().get() + " names: " + said,
            ModelCallException.httpStatus(status, said)); // e's message may quote the key: not kept as the cause
      }
      return new ModelRejectedException(e);
    }
    return e.withRetryAfterAtMost(maxRetryAfter);
  }

  /** One attempt's identity and its result stage. */
  private final class Attempt {
    final Interaction interaction;
    /** The call made concrete: the endpoint's URL, API and key as read for this attempt. */
    final ModelCall target;
    final JobContext ctx;
    final String ticket;
    final java.time.Duration timeout;
    final long invokedNanos;
    final CompletableFuture<String> out = new CompletableFuture<>();

    Attempt(Interaction interaction, ModelCall target, JobContext ctx, String ticket, java.time.Duration timeout, long invokedNanos) {
      this.interaction = interaction;
      this.target = target;
      this.ctx = ctx;
      this.ticket = ticket;
      this.timeout = timeout;
      this.invokedNanos = invokedNanos;
    }

    /**
     * Whether the attempt ran for its whole start-to-close timeout (counted, as the ledger counts
     * it, from the handler's invocation; 2 % slack for the clocks): a reap then is a right-censored
     * latency sample, where a heartbeat reap or a cancel is not.
     */
    boolean reachedTimeout() {
      return System.nanoTime() - invokedNanos >= timeout.toNanos() / 100 * 98;
    }

    void release(long millis, LlmCoordinator.Outcome outcome) {
      coordinator.tell(new LlmCoordinator.Release(ticket, interaction.model(), interaction.conversation(), timeout.toSeconds(),
          millis, outcome));
    }
  }
}
