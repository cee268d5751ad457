package dev.warden.workers.trial;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.process.MemoryProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The trial kind ({@code trial}): a pool of trial workers under the memory guard. Start it with
 * the ledger, e.g. {@code Warden.start(conf, Ledger.kind(), TrialKind.create(), Checkpointer.kind())},
 * then use {@link Trials#of}.
 */
public final class TrialKind implements WorkerKind<TrialPool.Command> {
  public static final String NAME = "trial";
  private final MemoryProbe probe;

  private TrialKind(MemoryProbe probe) {
    this.probe = probe;
  }

  public static TrialKind create() {
    return new TrialKind(MemoryProbe.proc());
  }

  /** With injected memory readings (tests, simulations). */
  public static TrialKind create(MemoryProbe probe) {
    return new TrialKind(probe);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void prepare(ActorSystem<?> system) {
    TrialSettings.create(system.settings().config());
  }

  @Override
  public Behavior<TrialPool.Command> rootBehavior(KindContext context) {
    return TrialPool.create(context, TrialSettings.create(context.config()), probe);
  }
}
