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
 * call's HTTP exchange is aborted. Rejections (HTTP 4xx but 408/429) and broken payloads fail
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
    Interaction i = Interaction.fromJson(payload);
    long timeoutSeconds = settings.classFor(i.conversation(), i.timeoutClass()).startToClose().toSeconds();
    Attempt a = new Attempt(i, ctx, ctx.jobId() + "#" + ctx.attempt(), timeoutSeconds);
    Cancellable beats = system.scheduler().scheduleAtFixedRate(settings.queueHeartbeatInterval(),
        settings.queueHeartbeatInterval(), ctx::heartbeat, system.executionContext());
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
    ModelClient.InFlight call;
    try {
      call = client.start(a.interaction.call(), a.ctx::heartbeat);
    } catch (RuntimeException e) {
      a.release(0, LlmCoordinator.Outcome.FAILED);
      a.out.completeExceptionally(new InvalidInteractionException("cannot call model [" + a.interaction.model() + "]: " + e, e));
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
          || (t instanceof ModelCallException && ((ModelCallException) t).kind() == ModelCallException.Kind.CANCELLED);
      a.release(ms, cancelled ? LlmCoordinator.Outcome.CANCELLED : LlmCoordinator.Outcome.FAILED);
      a.out.completeExceptionally(classify(t));
    });
  }

  /** Rejections become {@link ModelRejectedException} (the ledger gives up at once); the rest stay as they are. */
  static Throwable classify(Throwable t) {
    if (t instanceof ModelCallException && ModelRejectedException.isRejection((ModelCallException) t)) {
      return new ModelRejectedException((ModelCallException) t);
    }
    return t;
  }

  /** One attempt's identity and its result stage. */
  private final class Attempt {
    final Interaction interaction;
    final JobContext ctx;
    final String ticket;
    final long timeoutSeconds;
    final CompletableFuture<String> out = new CompletableFuture<>();

    Attempt(Interaction interaction, JobContext ctx, String ticket, long timeoutSeconds) {
      this.interaction = interaction;
      this.ctx = ctx;
      this.ticket = ticket;
      this.timeoutSeconds = timeoutSeconds;
    }

    void release(long millis, LlmCoordinator.Outcome outcome) {
      coordinator.tell(new LlmCoordinator.Release(ticket, interaction.model(), interaction.conversation(), timeoutSeconds, millis, outcome));
    }
  }
}
