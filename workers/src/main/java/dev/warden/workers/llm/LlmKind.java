package dev.warden.workers.llm;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The llm worker kind: its root is the {@link LlmCoordinator} (bulkheads, latency, idle
 * signal, {@link LlmMXBean}). Interactions themselves are jobs of the ledger, so the node needs
 * the ledger kind too; the host then wires the job types with {@link Llm#of}:
 *
 * <pre>{@code
 * try (Warden warden = Warden.start(conf, LedgerKind.create(), LlmKind.create(), CheckpointerKind.create())) {
 *   Llm llm = Llm.of(warden); // registers the llm job types: journaled interactions resume now
 *   String id = llm.submit(Interaction.of("summaries", call)).toCompletableFuture().join();
 *   String text = llm.result(id).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class LlmKind implements WorkerKind<LlmCoordinator.Command> {
  public static final String NAME = "llm";

  private LlmKind() {}

  public static LlmKind create() {
    return new LlmKind();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * After the ledger (0): the ledger drains first, so calls still running can report their results
   * while it waits for them; stopping the coordinator first would abort them and journal every one as
   * a failed attempt — the "interrupted" rows of the incident.
   */
  @Override
  public int shutdownOrder() {
    return 50;
  }

  @Override
  public void validate(Config config) {
    LlmSettings.create(config);
  }

  /** Validates {@code warden.llm}: a bad value fails the start, naming the key. */
  @Override
  public void prepare(ActorSystem<?> system) {
    LlmSettings.create(system);
  }

  /** {@code /api/v1/llm}: latency per conversation and timeout advice, as on JMX. */
  @Override
  public Optional<KindRoutes> routes(HttpContext http) {
    return Optional.of(LlmRoutes.create(http));
  }

  @Override
  public Behavior<LlmCoordinator.Command> rootBehavior(KindContext context) {
    return LlmCoordinator.create(context);
  }
}
