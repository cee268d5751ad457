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
   * Cluster mode: the same kinds. Their state lives in the ledger (whose partitions the cluster places),
   * on their own machine (trials), or behind a cluster singleton: the llm kind's permits, the build
   * control plane and the graveyard's pattern journal writer (each the one writer of its journal; every
   * member's graveyard queries read its own replica of the journal).
   */
  static List<WorkerKind<?>> clustered() {
    return standard();
  }

    /** Registers the built-in job types, so journaled jobs of those types resume after a restart. */
  static void registerJobTypes(Warden warden) {
    Trials.of(warden);
    Llm.of(warden);
  }

  private NodeKinds() {}
}
