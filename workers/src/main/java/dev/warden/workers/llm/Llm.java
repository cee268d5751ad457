package dev.warden.workers.llm;

import dev.warden.core.PerNode;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.JobView;
import dev.warden.persistence.ledger.RetryPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The host's API to model interactions. Each interaction is a job of the ledger type of its
 * timeout class ({@code llm-<class>}), so it has the ledger's single writer, attempt fencing,
 * reaper, retries, parents and recovery. Safe from any thread; one instance per node.
 */
public final class Llm {
  private static final PerNode<Llm> instances = new PerNode<>();

  private final JobLedger ledger;
  private final LlmSettings settings;
  private final LlmView view;
  private final Set<String> jobTypes;

  private Llm(JobLedger ledger, LlmSettings settings, LlmView view) {
    this.ledger = ledger;
    this.settings = settings;
    this.view = view;
    this.jobTypes = settings.classes().values().stream().map(LlmSettings.TimeoutClass::jobType).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The llm API of a node started with {@link LlmKind} and the ledger kind. The first call on a
   * node registers one ledger job type per timeout class; journaled interactions resume then.
   */
  public static Llm of(Warden warden) {
    return instances.get(warden, Llm::connect);
  }

  private static Llm connect(Warden warden) {
    ActorSystem<?> system = warden.system();
    LlmSettings settings = LlmSettings.create(warden.config());
    JobLedger ledger = JobLedger.of(warden);
    ActorRef<LlmCoordinator.Command> coordinator = warden.kind(LlmKind.NAME);
    ModelClient client = new ModelClient(settings.connectTimeout(), settings.maxResponseChars(), settings.maxLineBytes());
    InteractionHandler handler = new InteractionHandler(system, coordinator, client, settings);
    RetryPolicy retry = new RetryPolicy(settings.retry().maxAttempts(), settings.retry().initialBackoff(),
        settings.retry().maxBackoff(), settings.retry().jitter(), Set.of(ModelRejectedException.class, InvalidInteractionException.class));
    for (LlmSettings.TimeoutClass c : settings.classes().values()) {
      JobPolicy policy = JobPolicy.defaults().withStartToClose(c.startToClose()).withHeartbeatTimeout(c.heartbeatTimeout())
          .withRetry(retry).withMaxConcurrency(settings.maxRunningPerType());
      ledger.register(new JobType(c.jobType(), handler, policy));
    }
    Llm llm = new Llm(ledger, settings, LlmView.of(system));
    coordinator.tell(new LlmCoordinator.Attach(llm::pendingInLedger));
    return llm;
  }

  /** Submits under a fresh id; completes with the id once the interaction is journaled. */
  public CompletionStage<String> submit(Interaction interaction) {
    return submit("llm-" + UUID.randomUUID(), interaction, null);
  }

  /**
   * Submits under {@code id} (idempotent: an existing id answers the existing interaction);
   * {@code parent} (null for none) must succeed before this one starts.
   */
  public CompletionStage<String> submit(String id, Interaction interaction, String parent) {
    LlmSettings.TimeoutClass c;
    try {
      refuseCredentials(interaction);
      c = settings.classFor(interaction.conversation(), interaction.timeoutClass());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Interaction resolved = interaction.withTimeoutClass(c.name());
    return ledger.submit(c.jobType(), id, resolved.toJson(), parent).thenApply(JobView::id);
  }

  /**
   * Refuses what would lose a credential or store it: an inline API key is never journaled (a retry
   * or a restart would call without it), a URL's user-info would be journaled in plain text. Also
   * refuses an endpoint that is not configured, or cannot take the call. Messages never quote a
   * credential.
   */
  private void refuseCredentials(Interaction i) {
    ModelCall call = i.call();
    String who = "interaction of conversation [" + i.conversation() + "]";
    String fix = "name the server in warden.llm.endpoints.<name> { url, api = openai|ollama, api-key-env = VAR"
        + " or api-key-file = FILE } and call ModelCall.chat(\"<name>\", model, messages): the key is read from there at"
        + " every attempt, also after a restart, and never journaled";
    if (call.apiKey().isPresent()) {
      throw new IllegalArgumentException(who + " carries an inline API key, which is never journaled, so a retry or a restart"
          + " would call without it; " + fix);
    }
    if (call.baseUri() != null && ModelEndpoint.userInfoEnd(call.baseUri().toString()) >= 0) {
      throw new IllegalArgumentException(who + ": model URL " + ModelEndpoint.redacted(call.baseUri()) + " carries credentials"
          + " (user-info), which would be journaled in plain text (and are never sent); " + fix);
    }
    if (call.endpoint().isPresent()) {
      ModelEndpoint e = settings.endpoints().get(call.endpoint().get());
      if (e == null) {
        throw new IllegalArgumentException(who + " names endpoint " + call.endpoint().get() + ", which is not configured under"
            + " warden.llm.endpoints (configured: " + new java.util.TreeSet<>(settings.endpoints().keySet()) + ")");
      }
      e.apiFor(call.api() == ModelApi.OLLAMA_GENERATE);
    }
  }

  public CompletionStage<Optional<JobView>> status(String id) {
    return ledger.status(id);
  }

  /** The interaction's ledger history, oldest first (Submitted, Started, Reaped, Completed...). */
  public CompletionStage<List<JobEvent>> history(String id) {
    return ledger.history(id);
  }

  /** Cancels the interaction; a running call's HTTP request is aborted. */
  public CompletionStage<Optional<JobView>> cancel(String id) {
    return ledger.cancel(id);
  }

  /** The model's answer once the interaction succeeded; fails as {@link JobLedger#result} does. */
  public CompletionStage<String> result(String id) {
    return ledger.result(id);
  }

  /** Latency and timeout advice per conversation, as on JMX. */
  public List<ConversationStats> conversations() {
    return view.getConversations();
  }

  /** The kind's JMX figures, readable in-process. */
  public LlmMXBean stats() {
    return view;
  }

  private long pendingInLedger() {
    Map<String, Map<String, Long>> counts = ledger.counts();
    return jobTypes.stream().mapToLong(t -> counts.getOrDefault(t, Map.of()).getOrDefault("pending", 0L)).sum();
  }
}
