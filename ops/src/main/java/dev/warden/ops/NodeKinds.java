package dev.warden.ops;

import dev.warden.core.WorkerKind;
import dev.warden.persistence.Checkpointer;
import java.util.List;

/** The kinds a `warden run` node starts. */
final class NodeKinds {
  static List<WorkerKind<?>> standard() {
    return List.of(Checkpointer.kind());
  }

  private NodeKinds() {}
}
