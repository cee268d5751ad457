package dev.warden.ops;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.llm.Llm;
import dev.warden.workers.llm.LlmKind;
import dev.warden.workers.trial.TrialKind;
import dev.warden.workers.trial.Trials;
import java.util.List;

/** The kinds a `warden run` node starts, and the job types it registers once up. */
final class NodeKinds {
  static List<WorkerKind<?>> standard() {
    return List.of(CheckpointerKind.create(), LedgerKind.create(), GraveyardKind.create(), TrialKind.create(), LlmKind.create(),
        BuildKind.create());
  }

  /**
   * Cluster mode: every kind whose state lives in the ledger (whose partitions the cluster places), on
   * its own machine, or in a cluster singleton (the build control plane, the one writer of its journal).
   * Not the graveyard: its pattern journal is one persistent actor with one id, and a second member
   * would be a second writer of it.
   */
  static List<WorkerKind<?>> clustered() {
    return List.of(CheckpointerKind.create(), LedgerKind.create(), TrialKind.create(), LlmKind.create(), BuildKind.create());
  }

    /** Registers the built-in job types, so journaled jobs of those types resume after a restart. */
  static void registerJobTypes(Warden warden) {
    Trials.of(warden);
    Llm.of(warden);
  }

  private NodeKinds() {}
}
